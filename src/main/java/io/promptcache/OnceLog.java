package io.promptcache;

import org.slf4j.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Logs each distinct configuration error once, at ERROR: it will not fix itself, and repeating it helps nobody. */
final class OnceLog {

    private final Logger log;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    OnceLog(Logger log) {
        this.log = log;
    }

    void once(String message) {
        if (seen.add(message)) {
            log.error("PromptCache: {}", message);
        }
    }
}
