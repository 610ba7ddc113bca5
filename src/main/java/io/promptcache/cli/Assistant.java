package io.promptcache.cli;

import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;

/** The demo agent: a LangChain4j AI service with a system prompt from {@code prompts/} and chat memory per conversation. */
public interface Assistant {

    @SystemMessage(fromResource = "prompts/assistant.md")
    String chat(@MemoryId String conversationId, @UserMessage String message);
}
