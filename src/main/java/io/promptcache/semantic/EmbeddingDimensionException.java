package io.promptcache.semantic;

/**
 * The embedder returned vectors of another dimension than the index holds: a configuration error
 * (another model behind the same URL, another index), not an outage. Nothing of that dimension is stored.
 */
public final class EmbeddingDimensionException extends IllegalStateException {

    public EmbeddingDimensionException(String message) {
        super(message);
    }
}
