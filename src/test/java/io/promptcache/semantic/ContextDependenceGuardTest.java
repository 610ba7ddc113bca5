package io.promptcache.semantic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContextDependenceGuardTest {

    final ContextDependenceGuard guard = new ContextDependenceGuard();

    @ParameterizedTest
    @ValueSource(strings = {"它多少钱？", "这个怎么用", "那怎么办", "刚才说的是什么意思", "上面的代码有错吗", "还有呢？",
            "What mountain range is it part of?", "How does this compare?", "Explain the above.", "What about the second one?"})
    void questionsThatPointBackAreBlockedAcrossConversations(String q) {
        assertFalse(guard.verify(new MatchCandidate("e", q, q, 0.99, 0)).accepted(), q);
        assertTrue(guard.verify(new MatchCandidate("e", q, q, 0.99, 2)).accepted(), "inside its own conversation: " + q);
    }

    @ParameterizedTest
    @ValueSource(strings = {"什么是大模型？", "如何开通会员", "北京有多少人口", "What is the capital of France?",
            "How many hydrogen atoms are in a water molecule?"})
    void selfContainedQuestionsPass(String q) {
        assertTrue(guard.verify(new MatchCandidate("e", q, q, 0.99, 0)).accepted(), q);
    }

    @Test
    void followUpsOfTheMultiturnSetThatLeanOnContextAreFound() throws Exception {
        JsonNode items = io.promptcache.testing.Datasets.multiturn();
        int flagged = 0;
        int mains = 0;
        for (JsonNode item : items) {
            if (ContextDependenceGuard.dependsOnContext(item.get("Follow-Up Query").asText())) {
                flagged++;
            }
            if (ContextDependenceGuard.dependsOnContext(item.get("Main Query").asText())) {
                mains++;
            }
        }
        // Most follow-ups there name their subject again; the scope is what keeps those apart (see the
        // end-to-end test). The guard must catch the ones that point back, and flag few main queries.
        assertTrue(flagged > 0, "some follow-ups point back");
        assertTrue(mains < flagged, "main queries " + mains + " vs follow-ups " + flagged);
    }
}
