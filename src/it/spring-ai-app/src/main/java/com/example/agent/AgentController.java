package com.example.agent;

import io.promptcache.CacheOutcome;
import io.promptcache.CacheScope;
import io.promptcache.springai.PromptCacheAdvisor;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

import java.util.Map;

/**
 * The agent over HTTP. PromptCache's filter has opened this request's scope from the X-Tenant-Id header; an answer
 * the model did not write this time says where it came from in its metadata ({@code promptcache.source}).
 */
@RestController
public class AgentController {

    private final ChatClient agent;
    private final Calculator calculator;
    private final dev.langchain4j.model.chat.ChatModel langchain4j;

    public AgentController(ChatClient agent, Calculator calculator, dev.langchain4j.model.chat.ChatModel langchain4j) {
        this.agent = agent;
        this.calculator = calculator;
        this.langchain4j = langchain4j;
    }

    /** {@code tenant}: named in the call's advisor context (the advisor reads it) rather than by the header. */
    @GetMapping("/ask")
    public Map<String, String> ask(@RequestParam("q") String question,
                                   @RequestParam(name = "tenant", required = false) String tenant) {
        ChatClient.ChatClientRequestSpec spec = agent.prompt().user(question);
        if (tenant != null) {
            spec = spec.advisors(a -> a.param(PromptCacheAdvisor.TENANT, tenant));
        }
        ChatResponse response = spec.call().chatResponse();
        return Map.of("answer", response.getResult().getOutput().getText(), "source", source(response));
    }

    /** Server-sent events: {@code chunk} per piece of text, then {@code source}. */
    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<String>> stream(@RequestParam("q") String question) {
        return agent.prompt().user(question).stream().chatResponse().concatMap(chunk -> {
            String text = chunk.getResult() == null ? null : chunk.getResult().getOutput().getText();
            Flux<ServerSentEvent<String>> out = text == null || text.isEmpty() ? Flux.empty()
                    : Flux.just(ServerSentEvent.builder(text).event("chunk").build());
            String finish = chunk.getResult() == null ? null : chunk.getResult().getMetadata().getFinishReason();
            if (finish != null && !finish.isEmpty()) {
                out = out.concatWith(Flux.just(ServerSentEvent.builder(source(chunk)).event("source").build()));
            }
            return out;
        });
    }

    @GetMapping("/tools/calls")
    public Map<String, Integer> toolCalls() {
        return Map.of("calls", calculator.calls());
    }

    /** The application's LangChain4j model, through the same cache configuration. */
    @GetMapping("/langchain4j/ask")
    public Map<String, String> askLangChain4j(@RequestParam("q") String question) {
        String answer = langchain4j.chat(question);
        String source = CacheScope.current().flatMap(CacheScope::lastOutcome)
                .map(CacheOutcome::source).map(s -> s.wireName()).orElse("none");
        return Map.of("answer", answer, "source", source);
    }

    private static String source(ChatResponse response) {
        Object source = response.getMetadata() == null ? null : response.getMetadata().get("promptcache.source");
        return source == null ? "llm" : source.toString();
    }
}
