package io.promptcache.core;

import java.util.Comparator;
import java.util.Objects;

/**
 * A tool definition as the provider reads it: its name, and its canonical JSON (name, description, parameter schema,
 * with sorted keys), which is what the key holds.
 */
public record CacheTool(String name, String canonicalJson) {

    /** The key's order: by name, then by definition. A tool set is keyed as a set, whatever order it was sent in. */
    public static final Comparator<CacheTool> CANONICAL_ORDER =
            Comparator.comparing(CacheTool::name, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(CacheTool::canonicalJson);

    public CacheTool {
        Objects.requireNonNull(canonicalJson, "canonicalJson");
    }
}
