package io.promptcache.gateway;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.testing.CollectingHandler;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * LangChain4j's own OpenAI models, blocking and streaming, pointed at the gateway by their base URL and nothing
 * else: a JVM application that does not embed the library gets the same three sources.
 */
class GatewayLangChain4jClientsTest {

    private static String source(ChatResponse response) {
        OpenAiChatResponseMetadata metadata = (OpenAiChatResponseMetadata) response.metadata();
        return metadata.rawHttpResponse().headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(GatewayHandler.SOURCE))
                .map(e -> e.getValue().get(0)).findFirst().orElse("(none)");
    }

    private static ChatRequest ask(String question) {
        return ChatRequest.builder().messages(SystemMessage.from("You are concise."), UserMessage.from(question)).build();
    }

    @Test
    void openAiChatModelAndOpenAiStreamingChatModelSeeLlmExactSemantic() throws Exception {
        try (DeepSeekSimulator simulator = DeepSeekSimulator.builder().start();
             Gateway gateway = GatewayTest.memoryGateway(Gateway.builder().upstream(URI.create(simulator.baseUrl())).port(0))
                     .build().start()) {
            GatewayTest.warm(gateway);
            OpenAiChatModel blocking = OpenAiChatModel.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey("sk-langchain4j")
                    .modelName("deepseek-chat").timeout(Duration.ofSeconds(30)).maxRetries(0)
                    .httpClientBuilder(dev.langchain4j.http.client.jdk.JdkHttpClient.builder()).build();
            ChatResponse first = blocking.chat(ask("How do I reset my password?"));
            assertEquals("llm", source(first));
            ChatResponse repeat = blocking.chat(ask("How do I reset my password?"));
            assertEquals("exact", source(repeat));
            assertEquals(first.aiMessage().text(), repeat.aiMessage().text());
            ChatResponse paraphrase = blocking.chat(ask("How can I reset my password?"));
            assertEquals("semantic", source(paraphrase));
            assertEquals(first.aiMessage().text(), paraphrase.aiMessage().text());

            OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(gateway.baseUrl() + "/v1")
                    .apiKey("sk-langchain4j").modelName("deepseek-chat").timeout(Duration.ofSeconds(30))
                    .httpClientBuilder(dev.langchain4j.http.client.jdk.JdkHttpClient.builder()).build();
            int before = simulator.completionRequests();
            String streamedMiss = stream(streaming, "Why is the sky blue?");
            assertEquals(before + 1, simulator.completionRequests(), "a miss goes upstream");
            for (String question : List.of("Why is the sky blue?", "How can I reset my password?")) {
                String text = stream(streaming, question);
                assertEquals(before + 1, simulator.completionRequests(), "served from the cache: " + question);
                assertEquals(question.startsWith("Why") ? streamedMiss : first.aiMessage().text(), text);
            }
        }
    }

    private static String stream(OpenAiStreamingChatModel model, String question) throws Exception {
        CollectingHandler handler = new CollectingHandler();
        model.chat(ask(question), handler);
        return handler.await().aiMessage().text();
    }
}
