package com.example.agent;

import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;

/** The agent under test: an AiService with one tool and chat memory, blocking and streaming. */
public final class Agents {

    private Agents() {
    }

    public interface Assistant {
        String chat(@MemoryId String conversation, @UserMessage String question);
    }

    public interface StreamingAssistant {
        TokenStream chat(@MemoryId String conversation, @UserMessage String question);
    }

    public static Assistant assistant(ChatModel model, String systemPrompt) {
        return AiServices.builder(Assistant.class).chatModel(model).tools(new Calculator())
                .systemMessageProvider(id -> systemPrompt)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20)).build();
    }

    public static StreamingAssistant streamingAssistant(StreamingChatModel model, String systemPrompt) {
        return AiServices.builder(StreamingAssistant.class).streamingChatModel(model).tools(new Calculator())
                .systemMessageProvider(id -> systemPrompt)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20)).build();
    }
}
