package io.promptcache.springai;

import io.promptcache.core.ThreadCarrier;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One Spring AI call on its way through the engine: the prompt as the application wrote it and where to send it on a
 * miss (the wrapped model, or the rest of an advisor chain). The engine's request model cannot carry Spring AI's own
 * objects, so the bridge models find them here, on the thread that makes the call (the caching models call their
 * delegate on the caller's thread: the leader's, in a burst). Never stored, never logged.
 */
final class SpringAiCall {

    private static final ThreadCarrier<SpringAiCall> CARRIER = new ThreadCarrier<>("PromptCache's Spring AI bridge was called outside a Spring AI call");

    private final Prompt prompt;
    private final Function<Prompt, ChatResponse> blocking;
    private final Function<Prompt, Flux<ChatResponse>> streaming;
    /** The downstream answer, when this call went downstream: returned as it came, not rebuilt. */
    private volatile ChatResponse downstreamResponse;

    private SpringAiCall(Prompt prompt, Function<Prompt, ChatResponse> blocking, Function<Prompt, Flux<ChatResponse>> streaming) {
        this.prompt = prompt;
        this.blocking = blocking;
        this.streaming = streaming;
    }

    static SpringAiCall blocking(Prompt prompt, Function<Prompt, ChatResponse> downstream) {
        return new SpringAiCall(prompt, downstream, null);
    }

    static SpringAiCall streaming(Prompt prompt, Function<Prompt, Flux<ChatResponse>> downstream) {
        return new SpringAiCall(prompt, null, downstream);
    }

    static SpringAiCall current() {
        return CARRIER.current();
    }

    <T> T around(Supplier<T> action) {
        return CARRIER.with(this, action);
    }

    ChatResponse callDownstream() {
        ChatResponse response = blocking.apply(prompt);
        downstreamResponse = response;
        return response;
    }

    Flux<ChatResponse> streamDownstream() {
        return streaming.apply(prompt);
    }

    ChatResponse downstreamResponse() {
        return downstreamResponse;
    }
}
