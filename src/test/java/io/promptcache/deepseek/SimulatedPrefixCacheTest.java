package io.promptcache.deepseek;

import io.promptcache.prefix.TokenEstimator;
import io.promptcache.testing.MovableClock;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedPrefixCacheTest {

    static final String SYSTEM = "系统提示词。".repeat(60); // ~240 tokens

    @Test
    void aLaterRequestHitsTheLongestCompleteUnit() {
        SimulatedPrefixCache cache = new SimulatedPrefixCache(Duration.ofHours(1), Clock.systemUTC());
        String turn1 = SYSTEM + "<|user|>问题一\n";
        assertEquals(0, cache.hitTokens(turn1));
        cache.store(turn1, turn1 + "<|assistant|>回答一");
        String turn2 = turn1 + "<|assistant|>回答一\n<|user|>问题二\n";
        assertEquals(TokenEstimator.count(turn1 + "<|assistant|>回答一"), cache.hitTokens(turn2));
    }

    @Test
    void aPartialMatchOfAUnitIsNoHitButASharedPrefixBecomesAUnit() {
        SimulatedPrefixCache cache = new SimulatedPrefixCache(Duration.ofHours(1), Clock.systemUTC());
        String a = SYSTEM + "<|user|>第一个用户的问题\n";
        String b = SYSTEM + "<|user|>第二个用户的问题\n";
        cache.store(a, a + "<|assistant|>x");
        assertEquals(0, cache.hitTokens(b), "b shares only part of a's units");
        cache.store(b, b + "<|assistant|>y");
        String c = SYSTEM + "<|user|>第三个\n";
        int hit = cache.hitTokens(c);
        assertTrue(hit > 0 && hit <= TokenEstimator.count(SYSTEM + "<|user|>第"), "the shared prefix of a and b is a unit: " + hit);
    }

    @Test
    void longInputsAreCutAtFixedIntervalsAndUnitsExpire() {
        MovableClock clock = new MovableClock();
        SimulatedPrefixCache cache = new SimulatedPrefixCache(Duration.ofMinutes(5), clock);
        String longPrompt = "甲".repeat(3000); // 2000 tokens: units every 512
        cache.store(longPrompt, longPrompt + "答");
        String divergent = "甲".repeat(2000) + "乙".repeat(100);
        int hit = cache.hitTokens(divergent);
        assertTrue(hit >= 1024 && hit % 512 == 0, "hit an interval unit: " + hit);
        clock.millis += Duration.ofMinutes(6).toMillis();
        assertEquals(0, cache.hitTokens(divergent));
    }

    @Test
    void shortPrefixesAreNotStored() {
        SimulatedPrefixCache cache = new SimulatedPrefixCache(Duration.ofHours(1), Clock.systemUTC());
        cache.store("短", "短答");
        assertEquals(0, cache.hitTokens("短答再问"));
    }
}
