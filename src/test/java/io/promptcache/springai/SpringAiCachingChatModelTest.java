package io.promptcache.springai;

import io.promptcache.CacheScope;
import io.promptcache.prefix.ProviderCacheUsage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.util.MimeTypeUtils;
import reactor.core.publisher.Flux;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring AI decorator over a provider that counts its calls: what splits the key, what is never cached, and a
 * streamed hit. (The application over HTTP, with Spring AI's OpenAI client and ChatClient's tool loop, is
 * {@code src/it/spring-ai-app}.)
 */
class SpringAiCachingChatModelTest {

    /** The provider: answers "answer N to <question>", counts calls, streams in three chunks. */
    static final class Provider implements ChatModel {
        final AtomicInteger calls = new AtomicInteger();
        final List<Prompt> prompts = new ArrayList<>();

        @Override
        public synchronized ChatResponse call(Prompt prompt) {
            prompts.add(prompt);
            // DeepSeek's usage as a provider hands it to Spring AI: counts, and its prefix-cache fields natively
            Map<String, Object> nativeUsage = Map.of("prompt_tokens", 90, "completion_tokens", 12,
                    "prompt_cache_hit_tokens", 64, "prompt_cache_miss_tokens", 26);
            return new ChatResponse(List.of(new Generation(new AssistantMessage(answer(prompt)),
                    ChatGenerationMetadata.builder().finishReason("STOP").build())),
                    ChatResponseMetadata.builder().usage(new DefaultUsage(90, 12, 102, nativeUsage)).build());
        }

        @Override
        public Flux<ChatResponse> stream(Prompt prompt) {
            String text = answer(prompt);
            int third = text.length() / 3;
            return Flux.just(text.substring(0, third), text.substring(third, 2 * third), text.substring(2 * third))
                    .map(part -> new ChatResponse(List.of(new Generation(new AssistantMessage(part)))));
        }

        private String answer(Prompt prompt) {
            return "answer " + calls.incrementAndGet() + " to " + prompt.getUserMessage().getText();
        }

        @Override
        public ChatOptions getDefaultOptions() {
            return ChatOptions.builder().model("deepseek-chat").temperature(0.0).build();
        }
    }

    final Provider provider = new Provider();
    final SpringAiCachingChatModel cached = SpringAiCachingChatModel.builder().delegate(provider).build();

    @AfterEach
    void close() {
        cached.close();
    }

    static Prompt prompt(String question, ChatOptions options) {
        List<Message> messages = List.of(new SystemMessage("You answer in one sentence."), new UserMessage(question));
        return options == null ? new Prompt(messages) : new Prompt(messages, options);
    }

    String ask(String tenant, Prompt prompt) {
        try (CacheScope ignored = CacheScope.open(tenant, null)) {
            ChatResponse r = cached.call(prompt);
            return r.getResult().getOutput().getText();
        }
    }

    static String source(ChatResponse response) {
        Object s = response.getMetadata().get("promptcache.source");
        return s == null ? "llm" : s.toString();
    }

    @Test
    void aRepeatIsServedAndEveryOptionSplitsTheKey() {
        Prompt cold = prompt("What is a knowledge graph?", ChatOptions.builder().temperature(0.2).build());
        String first = ask("acme", cold);
        assertEquals(first, ask("acme", prompt("What is a knowledge graph?", ChatOptions.builder().temperature(0.2).build())));
        assertEquals(1, provider.calls.get(), "the repeat is served");

        ask("acme", prompt("What is a knowledge graph?", ChatOptions.builder().temperature(0.9).build()));
        ask("acme", prompt("What is a knowledge graph?", ChatOptions.builder().temperature(0.2).maxTokens(10).build()));
        ask("acme", prompt("What is a knowledge graph?", ChatOptions.builder().temperature(0.2).model("deepseek-reasoner").build()));
        assertEquals(4, provider.calls.get(), "another temperature, token limit or model is another request");

        ask("globex", cold);
        assertEquals(5, provider.calls.get(), "another tenant never sees acme's answer");
    }

    static ToolCallback tool(String name, String description) {
        ToolDefinition definition = ToolDefinition.builder().name(name).description(description)
                .inputSchema("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}").build();
        return new ToolCallback() {
            @Override
            public ToolDefinition getToolDefinition() {
                return definition;
            }

            @Override
            public String call(String arguments) {
                return "rain";
            }
        };
    }

    @Test
    void toolsSplitTheKeyByTheirDefinitions() {
        ToolCallingChatOptions weather = ToolCallingChatOptions.builder()
                .toolCallbacks(tool("weather", "Weather in a city")).build();
        ToolCallingChatOptions weatherReworded = ToolCallingChatOptions.builder()
                .toolCallbacks(tool("weather", "Forecast for a city")).build();
        ask("acme", prompt("Is it raining in Oslo?", weather));
        ask("acme", prompt("Is it raining in Oslo?", weather));
        assertEquals(1, provider.calls.get());
        ask("acme", prompt("Is it raining in Oslo?", weatherReworded));
        assertEquals(2, provider.calls.get(), "a tool described otherwise is another request");
    }

    @Test
    void aPromptWithAnImageIsNeverCached() {
        UserMessage withImage = UserMessage.builder().text("What is in this picture?")
                .media(List.of(Media.builder().mimeType(MimeTypeUtils.IMAGE_PNG).data(new byte[]{1, 2, 3}).build())).build();
        Prompt p = new Prompt(List.of(withImage));
        ask("acme", p);
        try (CacheScope ignored = CacheScope.open("acme", null)) {
            ChatResponse again = cached.call(p);
            assertEquals("llm", source(again));
        }
        assertEquals(2, provider.calls.get(), "the cache cannot key an image, so it asks every time");
    }

    @Test
    void aStreamedAnswerIsReplayedOnAHitWithTheCachesMetadata() {
        Prompt p = prompt("Explain vector search.", null);
        String streamed;
        try (CacheScope ignored = CacheScope.open("acme", null)) {
            streamed = String.join("", cached.stream(p).map(r -> r.getResult() == null || r.getResult().getOutput().getText() == null
                    ? "" : r.getResult().getOutput().getText()).collectList().block());
        }
        assertEquals("answer 1 to Explain vector search.", streamed);

        List<ChatResponse> replay;
        try (CacheScope ignored = CacheScope.open("acme", null)) {
            replay = cached.stream(p).collectList().block();
        }
        StringBuilder text = new StringBuilder();
        for (ChatResponse r : replay) {
            if (r.getResult() != null && r.getResult().getOutput().getText() != null) {
                text.append(r.getResult().getOutput().getText());
            }
        }
        assertEquals(streamed, text.toString());
        assertEquals(1, provider.calls.get(), "the replay did not reach the provider");
        assertEquals("exact", source(replay.get(replay.size() - 1)), "the last chunk says where the answer came from");

        // the blocking side shares the store: the streamed answer serves a blocking call
        assertEquals(streamed, ask("acme", p));
        assertEquals(1, provider.calls.get());
    }

    @Test
    void springAisUsageAndDeepSeeksPrefixCacheTokensAreReported() {
        Prompt p = prompt("What is a vector index?", null);
        try (CacheScope scope = CacheScope.open("acme", null)) {
            cached.call(p);
            ProviderCacheUsage usage = scope.lastOutcome().orElseThrow().providerUsage();
            assertEquals(new ProviderCacheUsage(90, 64, 26), usage, "DeepSeek's prompt_cache_hit_tokens and _miss_tokens");
        }
        try (CacheScope ignored = CacheScope.open("acme", null)) {
            ChatResponse hit = cached.call(p);
            assertEquals("exact", source(hit));
            assertEquals(90, hit.getMetadata().getUsage().getPromptTokens(), "the stored usage is replayed");
            assertEquals(12, hit.getMetadata().getUsage().getCompletionTokens());
        }
        assertEquals(64 + 26, cached.cachingModels().get(0).accounting().snapshot().providerHitTokens()
                + cached.cachingModels().get(0).accounting().snapshot().providerMissTokens());
    }

    @Test
    void wrappingTwiceIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SpringAiCachingChatModel.builder().delegate(cached).build());
        assertTrue(e.getMessage().contains("wrap it once"), e.getMessage());
        assertNull(SpringAiRequests.convert(new Prompt(List.<Message>of()), null).request(), "no messages: nothing to key");
    }
}
