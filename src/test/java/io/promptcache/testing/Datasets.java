package io.promptcache.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;

/**
 * Fixtures the tests read, all inside the repository (src/test/resources), so {@code mvn test} passes
 * on a fresh clone with nothing beside it. The labelled pair sets under {@code ../shared/datasets} are
 * for the benchmarks only, which take them as a path argument.
 */
public final class Datasets {

    private Datasets() {
    }

    /**
     * The multi-turn sample (MIT, see src/test/resources/multiturn/LICENSE): main query, its answer, a
     * follow-up and its answer.
     */
    public static JsonNode multiturn() throws IOException {
        try (InputStream in = Datasets.class.getResourceAsStream("/multiturn/contextual-queries.json")) {
            if (in == null) {
                throw new AssertionError("src/test/resources/multiturn/contextual-queries.json is missing");
            }
            return new ObjectMapper().readTree(in);
        }
    }
}
