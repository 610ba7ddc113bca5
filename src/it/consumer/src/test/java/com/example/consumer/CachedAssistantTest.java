package com.example.consumer;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.CachingChatModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a new user does: wrap the model with defaults, build an AiService, ask. */
class CachedAssistantTest {

    interface Assistant {
        String chat(String question);
    }

    /** The user's model; it counts its calls. */
    static final class CountingModel implements ChatModel {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public ChatResponse doChat(ChatRequest request) {
            calls.incrementAndGet();
            return ChatResponse.builder()
                    .aiMessage(AiMessage.from("大模型是参数规模很大的神经网络语言模型。"))
                    .finishReason(FinishReason.STOP).build();
        }
    }

    @Test
    void repeatsAndParaphrasesAreServedFromTheCacheSoonAfterStartUp() throws Exception {
        CountingModel model = new CountingModel();
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(CachingChatModel.builder().delegate(model).build())
                .build();
        Thread.sleep(2000);

        List<String> sources = new ArrayList<>();
        for (String q : List.of("什么是大模型？", "什么是大模型？", "什么是大模型？", "大模型是什么？")) {
            try (CacheScope scope = CacheScope.open("acme")) {
                assistant.chat(q);
                CacheOutcome outcome = scope.lastOutcome().orElseThrow();
                sources.add(outcome.source().wireName());
            }
        }
        assertEquals(List.of("llm", "exact", "exact", "semantic"), sources);
        assertEquals(1, model.calls.get(), "the model ran once");
    }
}
