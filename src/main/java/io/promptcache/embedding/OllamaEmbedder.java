package io.promptcache.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.DimensionAwareEmbeddingModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;

import java.util.List;
import java.util.Map;

/**
 * LangChain4j's Ollama embedding model with what the cache needs around it: the dimension of a
 * well-known model without a call (so a cache can be built while Ollama is down), and a description
 * naming the model and the URL for the one warning an outage gives.
 */
final class OllamaEmbedder extends DimensionAwareEmbeddingModel {

    /** Output sizes of common Ollama embedding models, so start-up needs no call to learn them. */
    private static final Map<String, Integer> KNOWN = Map.of(
            "bge-m3", 1024,
            "nomic-embed-text", 768,
            "mxbai-embed-large", 1024,
            "all-minilm", 384,
            "snowflake-arctic-embed", 1024);

    private final EmbeddingModel ollama;
    private final String baseUrl;
    private final String modelName;

    OllamaEmbedder(EmbeddingModel ollama, String baseUrl, String modelName) {
        this.ollama = ollama;
        this.baseUrl = baseUrl;
        this.modelName = modelName;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        return ollama.embedAll(segments);
    }

    @Override
    protected Integer knownDimension() {
        String base = modelName.contains(":") ? modelName.substring(0, modelName.indexOf(':')) : modelName;
        return KNOWN.get(base);
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public String toString() {
        return "Ollama '" + modelName + "' at " + baseUrl;
    }
}
