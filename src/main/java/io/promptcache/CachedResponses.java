package io.promptcache;

import dev.langchain4j.model.chat.response.ChatResponse;

/** Turns a stored entry back into a response; an entry that cannot be read is treated as a miss. */
final class CachedResponses {

    private CachedResponses() {
    }

    static ChatResponse toChatResponse(CacheEngine.Lookup lookup, CacheEngine engine) {
        try {
            return lookup.entry().response().toChatResponse();
        } catch (RuntimeException e) {
            engine.metrics().fault();
            return null;
        }
    }
}
