package com.example.agent;

import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** The agent over HTTP. PromptCache's filter has opened this request's scope from the X-Tenant-Id header. */
@RestController
public class AgentController {

    private final Assistant assistant;

    public AgentController(Assistant assistant) {
        this.assistant = assistant;
    }

    @GetMapping("/ask")
    public Map<String, String> ask(@RequestParam("q") String question) {
        String answer = assistant.chat(question);
        String source = CacheScope.current().flatMap(CacheScope::lastOutcome)
                .map(CacheOutcome::source).map(s -> s.wireName()).orElse("none");
        return Map.of("answer", answer, "source", source);
    }
}
