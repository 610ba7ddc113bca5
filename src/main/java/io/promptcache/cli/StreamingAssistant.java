package io.promptcache.cli;

import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;

/** The demo agent, streaming: same prompt, tools and memory as {@link Assistant}. */
public interface StreamingAssistant {

    @SystemMessage(fromResource = "prompts/assistant.md")
    TokenStream chat(@MemoryId String conversationId, @UserMessage String message);
}
