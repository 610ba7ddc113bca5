package io.promptcache.semantic;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import io.promptcache.CachingChatModel;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The grey-zone verifiers and the token alignment. */
class VerifierTest {

    @Test
    void tokenAlignmentSeesAWordTheSentenceVectorBlursOver() {
        TokenEncoder encoder = TokenEncoder.inProcess();
        double same = TokenAlignmentVerifier.score(encoder.tokens("花呗怎么提前还款"), encoder.tokens("花呗如何提前还款"));
        double different = TokenAlignmentVerifier.score(encoder.tokens("花呗怎么提前还款"), encoder.tokens("借呗怎么提前还款"));
        assertTrue(same > different, same + " vs " + different);
        assertEquals(1.0, TokenAlignmentVerifier.score(encoder.tokens("你好"), encoder.tokens("你好")), 1e-5);
        assertEquals(0.0, TokenAlignmentVerifier.score(new float[0][], encoder.tokens("你好")));
        TokenAlignmentVerifier v = TokenAlignmentVerifier.builder().encoder(encoder).minScore(0.99).acceptAbove(0.97).build();
        assertTrue(v.verify(new MatchCandidate("e", "花呗怎么提前还款", "借呗怎么提前还款", 0.98)).accepted(), "above the band");
        assertFalse(v.verify(new MatchCandidate("e", "花呗怎么提前还款", "借呗怎么提前还款", 0.95)).accepted());
    }

    static ScoringModel scorer(double score, AtomicInteger calls) {
        return new ScoringModel() {
            @Override
            public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
                calls.incrementAndGet();
                return Response.from(segments.stream().map(s -> score).toList());
            }
        };
    }

    @Test
    void aScoringModelDecidesTheGreyZoneOnly() {
        AtomicInteger calls = new AtomicInteger();
        ScoringModelVerifier low = ScoringModelVerifier.builder().scoringModel(scorer(0.2, calls)).minScore(0.5)
                .greyZone(0.90, 0.97).build();
        assertFalse(low.verify(new MatchCandidate("e", "a", "b", 0.93)).accepted());
        assertTrue(low.verify(new MatchCandidate("e", "a", "b", 0.98)).accepted());
        assertFalse(low.verify(new MatchCandidate("e", "a", "b", 0.85)).accepted());
        assertEquals(1, calls.get(), "consulted only inside the grey zone");
        ScoringModelVerifier high = ScoringModelVerifier.builder().scoringModel(scorer(0.9, calls)).minScore(0.5).build();
        assertTrue(high.verify(new MatchCandidate("e", "a", "b", 0.93)).accepted());
    }

    @Test
    void aSlowOrFailingScoringModelRejects() {
        ScoringModel slow = new ScoringModel() {
            @Override
            public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Response.from(List.of(1.0));
            }
        };
        assertFalse(ScoringModelVerifier.builder().scoringModel(slow).budget(Duration.ofMillis(50)).build()
                .verify(new MatchCandidate("e", "a", "b", 0.93)).accepted());
        ScoringModel broken = (segments, query) -> {
            throw new IllegalStateException("down");
        };
        assertFalse(ScoringModelVerifier.builder().scoringModel(broken).build()
                .verify(new MatchCandidate("e", "a", "b", 0.93)).accepted());
    }

    @Test
    void anLlmJudgeAnswersThroughOurExactCache() {
        AtomicInteger calls = new AtomicInteger();
        ChatModel yes = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                calls.incrementAndGet();
                String text = request.messages().get(1).toString().contains("取消") ? "no" : "yes";
                return ChatResponse.builder().aiMessage(dev.langchain4j.data.message.AiMessage.from(text))
                        .finishReason(dev.langchain4j.model.output.FinishReason.STOP).build();
            }
        };
        ChatModel judge = CachingChatModel.builder().delegate(yes).semanticEnabled(false).prefixBreakWarnings(false).build();
        LlmJudgeVerifier v = LlmJudgeVerifier.builder().judge(judge).greyZone(0.90, 0.97).build();
        assertTrue(v.verify(new MatchCandidate("e", "怎么开通会员", "如何开通会员", 0.93)).accepted());
        assertTrue(v.verify(new MatchCandidate("e", "怎么开通会员", "如何开通会员", 0.93)).accepted());
        assertFalse(v.verify(new MatchCandidate("e", "怎么取消会员", "如何开通会员", 0.93)).accepted());
        assertEquals(2, calls.get(), "the repeated pair was judged once");
    }

    @Test
    void anLlmJudgeOverHttpThatIsTooSlowRejects() {
        try (SimulatedDeepSeek slow = new SimulatedDeepSeek(DeepSeekSimulator.builder().timeToFirstToken(Duration.ofSeconds(2)))) {
            LlmJudgeVerifier v = LlmJudgeVerifier.builder().judge(slow.chatModel()).budget(Duration.ofMillis(100)).build();
            assertFalse(v.verify(new MatchCandidate("e", "a", "b", 0.93)).accepted());
        }
        assertTrue(LlmJudgeVerifier.saysYes("Yes."));
        assertFalse(LlmJudgeVerifier.saysYes("no"));
    }

    @Test
    void aJudgesAnswerIsAVerdictOnlyWhenItsFirstWordIsOne() {
        assertEquals(Boolean.TRUE, LlmJudgeVerifier.verdictOf("Yes."));
        assertEquals(Boolean.TRUE, LlmJudgeVerifier.verdictOf(" yes, they ask the same"));
        assertEquals(Boolean.TRUE, LlmJudgeVerifier.verdictOf("是的"));
        assertEquals(Boolean.FALSE, LlmJudgeVerifier.verdictOf("No"));
        assertEquals(Boolean.FALSE, LlmJudgeVerifier.verdictOf("不是同一个问题"));
        assertEquals(null, LlmJudgeVerifier.verdictOf("Not sure."));
        assertEquals(null, LlmJudgeVerifier.verdictOf("Yesterday it would have been"));
        assertEquals(null, LlmJudgeVerifier.verdictOf("I cannot tell."));
        assertEquals(null, LlmJudgeVerifier.verdictOf(""));
        assertEquals(null, LlmJudgeVerifier.verdictOf(null));
    }
}
