package com.example.agent;

import dev.langchain4j.model.openai.OpenAiChatModel;
import io.promptcache.springai.PromptCacheAdvisor;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring AI 2.0 agent: Spring AI's OpenAI starter makes the model (pointed at a DeepSeek-compatible endpoint), a
 * ChatClient with a system prompt and a calculator tool answers at {@code /ask} and {@code /stream}. PromptCache is
 * one more dependency: it wraps the Spring AI model, and the LangChain4j model the application also has.
 */
@SpringBootApplication
public class AgentApplication {

    public static void main(String[] args) {
        SpringApplication.run(AgentApplication.class, args);
    }

    /**
     * With {@code promptcache.spring-ai.mode=advisor} no model is wrapped and the cache is this client's advisor;
     * otherwise the model is wrapped and the client needs nothing.
     */
    @Bean
    ChatClient agent(ChatClient.Builder builder, Calculator calculator, ObjectProvider<PromptCacheAdvisor> cache) {
        builder.defaultSystem("You are a concise assistant. Use the calculator for arithmetic.").defaultTools(calculator);
        cache.ifAvailable(builder::defaultAdvisors);
        return builder.build();
    }

    /** The same application's LangChain4j model: both frameworks side by side, one cache configuration. */
    @Bean
    dev.langchain4j.model.chat.ChatModel langchain4jModel(@Value("${spring.ai.openai.base-url}") String baseUrl,
                                                          @Value("${spring.ai.openai.api-key}") String apiKey,
                                                          @Value("${spring.ai.openai.chat.model}") String model) {
        return OpenAiChatModel.builder().baseUrl(baseUrl).apiKey(apiKey).modelName(model).build();
    }
}
