package io.promptcache.cli;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.promptcache.embedding.EmbeddingModels;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Map;

/** {@code --embedder}: which model embeds questions. Shared by chat and the benchmarks. */
public final class EmbeddingOptions {

    @Option(names = "--embedder", paramLabel = "auto|inprocess|ollama", defaultValue = "auto",
            description = "Embedding model: inprocess (bge-small-zh-v1.5), ollama (bge-m3 at OLLAMA_BASE_URL or --ollama-url), "
                    + "or auto: ollama when OLLAMA_BASE_URL is set (default: ${DEFAULT-VALUE}).")
    String embedder;

    @Option(names = "--ollama-url", paramLabel = "URL", description = "Ollama base URL (default: OLLAMA_BASE_URL).")
    String ollamaUrl;

    @Option(names = "--ollama-model", paramLabel = "NAME", defaultValue = EmbeddingModels.OLLAMA_DEFAULT_MODEL,
            description = "Ollama embedding model (default: ${DEFAULT-VALUE}).")
    String ollamaModel;

    @Option(names = "--embedding-dimension", paramLabel = "N",
            description = "Vector size of the Ollama model, when it is not a well-known one and Ollama may be down at start.")
    Integer dimension;

    /**
     * The embedder's vector size, without a call where it is known; asks the model otherwise, and says
     * what to pass when that model cannot answer.
     */
    int dimension(EmbeddingModel model) {
        return EmbeddingModels.dimension(model, dimension, "--embedding-dimension N");
    }

    /** Names the embedder, for caches of its results. */
    String describe() {
        return embedder + "|" + (ollamaUrl == null ? "" : ollamaUrl) + "|" + ollamaModel;
    }

    EmbeddingModel create(Map<String, String> env) {
        String url = ollamaUrl != null ? ollamaUrl : env.get("OLLAMA_BASE_URL");
        return switch (embedder) {
            case "inprocess" -> EmbeddingModels.inProcess();
            case "ollama" -> {
                if (url == null || url.isBlank()) {
                    throw new IllegalArgumentException("--embedder ollama needs --ollama-url or OLLAMA_BASE_URL");
                }
                yield EmbeddingModels.ollama(url, ollamaModel, Duration.ofSeconds(10));
            }
            case "auto" -> url == null || url.isBlank() ? EmbeddingModels.inProcess()
                    : EmbeddingModels.ollama(url, ollamaModel, Duration.ofSeconds(10));
            default -> throw new IllegalArgumentException("--embedder must be auto, inprocess or ollama");
        };
    }
}
