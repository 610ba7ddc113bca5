package io.promptcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.testing.SimulatedDeepSeek;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * multiturn/contextual-queries.json: a follow-up asked in one conversation is never answered from
 * another conversation's follow-up, even word for word; the same conversation asking again is.
 */
class MultiturnIsolationTest {

    @Test
    void followUpsAreNeverServedAcrossConversations() throws Exception {
        JsonNode items = io.promptcache.testing.Datasets.multiturn();
        try (SimulatedDeepSeek deepSeek = new SimulatedDeepSeek()) {
            CachingChatModel model = CachingChatModel.builder().delegate(deepSeek.chatModel())
                    .lookupTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10)).build();
            int n = Math.min(24, items.size());
            for (int i = 0; i < n; i++) {
                model.chat(conversation(items.get(i), items.get(i)));
            }
            int served = 0;
            for (int i = 0; i < n; i++) {
                JsonNode other = items.get((i + 1) % n);
                try (CacheScope scope = CacheScope.open("default")) {
                    // another conversation, asking this item's follow-up (and a paraphrase-like copy of it)
                    model.chat(conversation(other, items.get(i)));
                    if (scope.lastOutcome().orElseThrow().source().cached()) {
                        served++;
                    }
                }
            }
            assertEquals(0, served, "no follow-up served from another conversation");
            try (CacheScope scope = CacheScope.open("default")) {
                model.chat(conversation(items.get(0), items.get(0)));
                assertEquals(CacheSource.EXACT, scope.lastOutcome().orElseThrow().source());
            }
        }
    }

    /** The conversation of {@code main}'s first turn, asking {@code followUp}'s follow-up question. */
    static ChatRequest conversation(JsonNode main, JsonNode followUp) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from("You are a helpful assistant."));
        messages.add(UserMessage.from(main.get("Main Query").asText()));
        messages.add(AiMessage.from(main.get("Main Query Response").asText()));
        messages.add(UserMessage.from(followUp.get("Follow-Up Query").asText()));
        return ChatRequest.builder().messages(messages).build();
    }
}
