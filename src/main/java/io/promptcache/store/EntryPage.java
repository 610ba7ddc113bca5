package io.promptcache.store;

import java.util.List;

/**
 * A page of entries and where the next one starts.
 *
 * @param entries    entries of this page (possibly fewer than asked, even none, before the end)
 * @param nextCursor pass it to get the next page; {@code null} when there is none
 */
public record EntryPage(List<CacheEntry> entries, String nextCursor) {

    public EntryPage {
        entries = List.copyOf(entries);
    }

    public boolean last() {
        return nextCursor == null;
    }
}
