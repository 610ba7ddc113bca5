package io.promptcache.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.promptcache.CacheListener;
import io.promptcache.CacheOutcome;

import java.util.Objects;

/**
 * Makes every call of a caching model a Micrometer {@link Observation} named {@code promptcache.call},
 * with the answer's {@code source} (exact | semantic | llm | error) as a low-cardinality key. With
 * micrometer-tracing and an OpenTelemetry bridge, a trace then shows whether the answer came from the
 * cache; the model's own HTTP call, made inside the observation's scope, nests under it.
 *
 * <pre>{@code
 * CachingChatModel.builder().delegate(deepSeek).listener(PromptCacheObservations.listener(observationRegistry)).build();
 * }</pre>
 */
public final class PromptCacheObservations implements CacheListener {

    public static final String NAME = "promptcache.call";

    private final ObservationRegistry registry;

    private PromptCacheObservations(ObservationRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public static CacheListener listener(ObservationRegistry registry) {
        return new PromptCacheObservations(registry);
    }

    @Override
    public void onOutcome(CacheOutcome outcome) {
        // each call's own Call sees its outcome
    }

    @Override
    public Call onStart() {
        Observation observation = Observation.createNotStarted(NAME, registry)
                .contextualName("promptcache call").lowCardinalityKeyValue("source", "unknown").start();
        return new Observed(observation, observation.openScope());
    }

    /** Stops the observation once the caller has left and the outcome (or the error) is known. */
    private static final class Observed implements Call {
        private final Observation observation;
        private final Observation.Scope scope;
        private boolean done;
        private boolean left;
        private boolean stopped;

        Observed(Observation observation, Observation.Scope scope) {
            this.observation = observation;
            this.scope = scope;
        }

        @Override
        public synchronized void outcome(CacheOutcome outcome) {
            observation.lowCardinalityKeyValue("source", outcome.source().wireName());
            done = true;
            stopIfOver();
        }

        @Override
        public synchronized void failed(Throwable error) {
            observation.lowCardinalityKeyValue("source", "error");
            observation.error(error);
            done = true;
            stopIfOver();
        }

        @Override
        public synchronized void leave() {
            scope.close();
            left = true;
            stopIfOver();
        }

        private void stopIfOver() {
            if (done && left && !stopped) {
                stopped = true;
                observation.stop();
            }
        }
    }
}
