package io.promptcache.cli;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.promptcache.embedding.BgeSmallEmbeddingModel;
import io.promptcache.embedding.EmbeddingModels;
import io.promptcache.embedding.InProcessModel;
import io.promptcache.quality.FeatureExtractor;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Map;

/** {@code --embedder}: which model embeds questions. Shared by chat and the benchmarks. */
public final class EmbeddingOptions {

    @Option(names = "--embedder", paramLabel = "auto|inprocess|inprocess-zh|inprocess-en|ollama", defaultValue = "auto",
            description = "Embedding model: inprocess (bge-small-en-v1.5 for Latin-script questions, bge-small-zh-v1.5 for the "
                    + "rest), inprocess-zh or inprocess-en (one of them for every question), ollama (bge-m3 at OLLAMA_BASE_URL "
                    + "or --ollama-url), or auto: ollama when OLLAMA_BASE_URL is set, else inprocess (default: ${DEFAULT-VALUE}).")
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
    public int dimension(EmbeddingModel model) {
        return EmbeddingModels.dimension(model, dimension, "--embedding-dimension N");
    }

    /** Names the embedder, for caches of its results. */
    public String describe() {
        return embedder + "|" + (ollamaUrl == null ? "" : ollamaUrl) + "|" + ollamaModel;
    }

    /**
     * How the labelled pairs are run with the chosen embedder (routed for the in-process default), and the
     * name its features are cached under: the model when it is in process, else the options.
     */
    public record Features(FeatureExtractor extractor, String id) {
    }

    public Features features(Map<String, String> env) {
        EmbeddingModel model = create(env);
        if (model == null) {
            return new Features(FeatureExtractor.routed(), "inprocess-routed");
        }
        if (model instanceof BgeSmallEmbeddingModel inProcess) {
            return new Features(FeatureExtractor.inProcess(inProcess.model()), inProcess.model().id());
        }
        return new Features(FeatureExtractor.of(model), describe());
    }

    /**
     * The one model every question is embedded with, or null for the in-process default, which embeds
     * each question with bge-small-en or bge-small-zh by its script (see {@code QuestionScript}).
     */
    /** The embedder in words, for a degradation note: "Ollama at URL" or "the in-process model". */
    public String where(Map<String, String> env) {
        String url = ollamaUrl != null ? ollamaUrl : env.get("OLLAMA_BASE_URL");
        boolean ollama = embedder.equals("ollama") || embedder.equals("auto") && url != null && !url.isBlank();
        return ollama ? "Ollama at " + url : "the in-process model";
    }

    public EmbeddingModel create(Map<String, String> env) {
        String url = ollamaUrl != null ? ollamaUrl : env.get("OLLAMA_BASE_URL");
        return switch (embedder) {
            case "inprocess" -> routedDefault();
            case "inprocess-zh" -> EmbeddingModels.inProcess(InProcessModel.BGE_SMALL_ZH);
            case "inprocess-en" -> EmbeddingModels.inProcess(InProcessModel.BGE_SMALL_EN);
            case "ollama" -> {
                if (url == null || url.isBlank()) {
                    throw new IllegalArgumentException("--embedder ollama needs --ollama-url or OLLAMA_BASE_URL");
                }
                yield EmbeddingModels.ollama(url, ollamaModel, Duration.ofSeconds(10));
            }
            case "auto" -> url == null || url.isBlank() ? routedDefault()
                    : EmbeddingModels.ollama(url, ollamaModel, Duration.ofSeconds(10));
            default -> throw new IllegalArgumentException("--embedder must be auto, inprocess, inprocess-zh, inprocess-en or ollama");
        };
    }

    private static EmbeddingModel routedDefault() {
        EmbeddingModels.inProcess(); // says which jar is missing when the model is not there
        return null;
    }
}
