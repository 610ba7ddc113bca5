package io.promptcache.cli;

import io.promptcache.store.CacheEntry;
import io.promptcache.store.CacheStore;
import io.promptcache.store.EntryPage;

import java.util.List;
import java.util.function.Consumer;

/** Walks the entries of some tenants a page at a time, so a large store never sits in memory. */
final class EntryWalk {

    static final int PAGE = 500;

    private EntryWalk() {
    }

    static void each(CacheStore store, List<String> tenants, Consumer<CacheEntry> each) {
        for (String tenant : tenants) {
            String cursor = null;
            do {
                EntryPage page = store.page(tenant, cursor, PAGE);
                page.entries().forEach(each);
                cursor = page.nextCursor();
            } while (cursor != null);
        }
    }

    /** The tenants a command acts on: the one given, or every tenant of the store. */
    static List<String> tenants(CacheStore store, String tenant) {
        return tenant != null ? List.of(tenant) : store.tenants();
    }
}
