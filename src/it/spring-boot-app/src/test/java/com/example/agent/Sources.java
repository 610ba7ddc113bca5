package com.example.agent;

import io.promptcache.CacheScope;

import java.util.ArrayList;
import java.util.List;

/** Asks each question as a first turn of tenant "acme" and says where each answer came from. */
final class Sources {

    private Sources() {
    }

    static List<String> of(Assistant assistant, List<String> questions) throws InterruptedException {
        Thread.sleep(2000); // as a user's first request would come: the embedder loads in the background meanwhile
        List<String> sources = new ArrayList<>();
        for (String q : questions) {
            try (CacheScope scope = CacheScope.open("acme")) {
                assistant.chat(q);
                sources.add(scope.lastOutcome().orElseThrow().source().wireName());
            }
        }
        return sources;
    }
}
