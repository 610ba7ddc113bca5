package io.promptcache.springapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A plain Spring Boot application with the OpenAI starter, an @AiService and PromptCache on its class path. */
@SpringBootApplication
public class TestApplication {
}
