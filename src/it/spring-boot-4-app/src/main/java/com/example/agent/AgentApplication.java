package com.example.agent;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The model is a plain bean: PromptCache's auto-configuration wraps it, and the assistant built on it gets
 * the cache with no code change.
 */
@SpringBootApplication
public class AgentApplication {

    public static void main(String[] args) {
        SpringApplication.run(AgentApplication.class, args);
    }

    @Bean
    ChatModel deepSeek(@Value("${agent.model.base-url}") String baseUrl, @Value("${agent.model.api-key}") String apiKey,
                       @Value("${agent.model.name}") String model) {
        return OpenAiChatModel.builder().baseUrl(baseUrl).apiKey(apiKey).modelName(model).build();
    }

    @Bean
    Assistant assistant(ChatModel model) {
        return AiServices.builder(Assistant.class).chatModel(model).build();
    }
}
