package io.promptcache.semantic;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LexicalGuardTest {

    final LexicalGuard guard = LexicalGuard.defaults();

    boolean accepts(String a, String b) {
        return guard.verify(new MatchCandidate("id", a, b, 0.95)).accepted();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "什么是大模型？|大模型是什么？",
            "如何开通会员|怎么开通会员",
            "请问一下怎么注册账号|怎么注册账号",
            "花呗能不能提前还款|花呗可以提前还款吗",
            "有没有优惠券|有优惠券吗",
            "iPhone 15 多少钱|iPhone 15 的价格是多少",
            "三个月的利息是多少|3个月的利息是多少",
            "What is a large language model?|What's a large language model?",
            "How do I open an account?|How can I open an account?",
            "Is Java faster than Python?|Is Java quicker than Python?",
            "苹果比香蕉贵吗|苹果是不是比香蕉贵",
            "Java和Python的比较|Python和Java的比较",
            "比较Java和Python|Java和Python比较哪个好"})
    void paraphrasesPass(String a, String b) {
        assertTrue(accepts(a, b), a + " / " + b);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "如何开通会员|如何取消会员",
            "怎么打开自动续费|怎么关闭自动续费",
            "借款利率是多少|还款利率是多少",
            "3个月的利息是多少|6个月的利息是多少",
            "两万元能贷多久|三万元能贷多久",
            "一次能借多少|两次能借多少",
            "我可以退款吗|我不可以退款吗",
            "收到了验证码|没收到验证码",
            "iPhone 15 多少钱|iPhone 14 多少钱",
            "How do I open an account?|How do I close an account?",
            "Can I get a refund?|Can't I get a refund?",
            "How do I learn Python?|How do I learn Java?",
            "What is 2+2?|What is 2+3?",
            "Is Java faster than Python?|Is Python faster than Java?",
            "Is a cat bigger than a dog?|Is a dog bigger than a cat?",
            "Java比Python快吗|Python比Java快吗",
            "苹果比香蕉贵吗|香蕉比苹果贵吗"})
    void nearMissesAreBlocked(String a, String b) {
        assertFalse(accepts(a, b), a + " / " + b);
    }

    @Test
    void chineseNumeralsAreReadAsNumbers() {
        assertEquals(325L, LexicalGuard.cjkValue("三百二十五"));
        assertEquals(20_000L, LexicalGuard.cjkValue("两万"));
        assertEquals(2024L, LexicalGuard.cjkValue("二〇二四"));
        assertEquals(15L, LexicalGuard.cjkValue("十五"));
        assertEquals(List.of("3"), LexicalGuard.numbers("三个月"));
    }

    @Test
    void checksCanBeTurnedOff() {
        LexicalGuard noAntonyms = LexicalGuard.builder().checkAntonyms(false).build();
        assertTrue(noAntonyms.verify(new MatchCandidate("id", "如何开通会员", "如何取消会员", 0.9)).accepted());
        Verdict v = guard.verify(new MatchCandidate("id", "如何开通会员", "如何取消会员", 0.9));
        assertEquals("lexical", v.verifier());
        assertTrue(v.reason().startsWith("antonym"));
    }
}
