package io.promptcache.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The labelled datasets, read in place from {@code ../shared/datasets} (beside the repository, as on
 * every machine and in CI), or from {@code PROMPTCACHE_DATASETS}. Never copied into the repository.
 */
public final class Datasets {

    private Datasets() {
    }

    public static Path file(String relative) {
        String env = System.getenv("PROMPTCACHE_DATASETS");
        Path root = env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared", "datasets");
        Path file = root.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("dataset " + file.toAbsolutePath() + " not found: the tests read ../shared/datasets "
                    + "beside the repository (or set PROMPTCACHE_DATASETS)");
        }
        return file;
    }
}
