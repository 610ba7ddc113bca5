package io.promptcache.springapp;

import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.spring.AiService;

/** The application's agent: LangChain4j's starter makes it from the ChatModel and StreamingChatModel beans. */
@AiService
public interface Assistant {

    String chat(String question);

    TokenStream stream(String question);
}
