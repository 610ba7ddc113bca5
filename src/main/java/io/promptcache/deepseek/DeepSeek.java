package io.promptcache.deepseek;

import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * DeepSeek through LangChain4j's OpenAI client: DeepSeek's API is OpenAI-compatible. The key
 * comes from {@code DEEPSEEK_API_KEY}; {@code DEEPSEEK_BASE_URL} overrides the base URL.
 */
public final class DeepSeek {

    public static final String DEFAULT_BASE_URL = "https://api.deepseek.com";
    public static final String CHAT_MODEL = "deepseek-chat";
    public static final String REASONER_MODEL = "deepseek-reasoner";

    private DeepSeek() {
    }

    /** Connection settings of one DeepSeek endpoint. */
    public record Endpoint(String baseUrl, String apiKey, String modelName, Duration timeout) {
        public Endpoint {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(apiKey, "apiKey");
            Objects.requireNonNull(modelName, "modelName");
            Objects.requireNonNull(timeout, "timeout");
        }

        public Endpoint withBaseUrl(String url) {
            return new Endpoint(url, apiKey, modelName, timeout);
        }

        public Endpoint withModel(String model) {
            return new Endpoint(baseUrl, apiKey, model, timeout);
        }
    }

    /** The endpoint the environment names, or empty when {@code DEEPSEEK_API_KEY} is not set. */
    public static java.util.Optional<Endpoint> fromEnvironment(Map<String, String> env) {
        String key = env.get("DEEPSEEK_API_KEY");
        if (key == null || key.isBlank()) {
            return java.util.Optional.empty();
        }
        String url = env.getOrDefault("DEEPSEEK_BASE_URL", DEFAULT_BASE_URL);
        return java.util.Optional.of(new Endpoint(url.isBlank() ? DEFAULT_BASE_URL : url, key, CHAT_MODEL,
                Duration.ofSeconds(60)));
    }

    /** An endpoint for a local simulator; the key is a placeholder the simulator ignores. */
    public static Endpoint simulator(DeepSeekSimulator simulator) {
        return new Endpoint(simulator.baseUrl(), "sk-offline-simulator", CHAT_MODEL, Duration.ofSeconds(60));
    }

    public static OpenAiChatModel chatModel(Endpoint endpoint) {
        return OpenAiChatModel.builder()
                .baseUrl(endpoint.baseUrl())
                .apiKey(endpoint.apiKey())
                .modelName(endpoint.modelName())
                .timeout(endpoint.timeout())
                .returnThinking(true)
                .maxRetries(1)
                .httpClientBuilder(httpClient())
                .build();
    }

    public static OpenAiStreamingChatModel streamingChatModel(Endpoint endpoint) {
        return OpenAiStreamingChatModel.builder()
                .baseUrl(endpoint.baseUrl())
                .apiKey(endpoint.apiKey())
                .modelName(endpoint.modelName())
                .timeout(endpoint.timeout())
                .returnThinking(true)
                .httpClientBuilder(httpClient())
                .build();
    }

    /**
     * The JDK's HTTP client, named explicitly: in a Spring application LangChain4j finds its RestClient
     * client too, and refuses to choose between the two.
     */
    static dev.langchain4j.http.client.HttpClientBuilder httpClient() {
        return dev.langchain4j.http.client.jdk.JdkHttpClient.builder();
    }
}
