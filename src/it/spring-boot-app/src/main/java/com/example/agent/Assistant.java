package com.example.agent;

import dev.langchain4j.service.spring.AiService;

@AiService
public interface Assistant {

    String chat(String question);
}
