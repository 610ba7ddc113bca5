package io.promptcache.embedding;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.ollama.OllamaEmbeddingModel;

import java.time.Duration;

/**
 * The embedders we support out of the box. The in-process models ({@link InProcessModel}) need no service
 * and no network; Ollama with bge-m3 is the production choice.
 */
public final class EmbeddingModels {

    /** The Ollama model we recommend for production. */
    public static final String OLLAMA_DEFAULT_MODEL = "bge-m3";

    private EmbeddingModels() {
    }

    /**
     * The in-process bge-small-zh-v1.5 (quantised, 512 dimensions), loaded once per JVM.
     *
     * @throws IllegalStateException when its jar (and ONNX Runtime) was left out of the class path
     */
    public static EmbeddingModel inProcess() {
        return inProcess(InProcessModel.BGE_SMALL_ZH);
    }

    /**
     * One in-process model, loaded once per JVM on first use. The caching models' default routes each
     * question to one of them by {@link QuestionScript}.
     *
     * @throws IllegalStateException when its jar (and ONNX Runtime) was left out of the class path
     */
    public static EmbeddingModel inProcess(InProcessModel model) {
        if (!model.available()) {
            throw new IllegalStateException("the in-process embedding model " + model.id() + " is not on the class path: add "
                    + model.artifact() + ", or give the cache an embedding model, "
                    + "e.g. embeddingModel(EmbeddingModels.ollama(\"http://ollama:11434\", \"bge-m3\", Duration.ofSeconds(5)))");
        }
        return switch (model) {
            case BGE_SMALL_ZH -> Zh.MODEL;
            case BGE_SMALL_EN -> En.MODEL;
        };
    }

    /**
     * An Ollama embedding model. Building it makes no call, so a cache can be built while Ollama is down;
     * the dimension of well-known models (bge-m3: 1024) is known without a call.
     */
    public static EmbeddingModel ollama(String baseUrl, String modelName, Duration timeout) {
        EmbeddingModel ollama = OllamaEmbeddingModel.builder()
                .baseUrl(baseUrl)
                .modelName(modelName)
                .timeout(timeout)
                .maxRetries(0)
                // Named explicitly: in a Spring application LangChain4j also finds its RestClient client.
                .httpClientBuilder(dev.langchain4j.http.client.jdk.JdkHttpClient.builder())
                .build();
        return new OllamaEmbedder(ollama, baseUrl, modelName);
    }

    /**
     * The vector size to build a store with: {@code configured} when given, else what is known without a
     * call, else the model's answer; a model that cannot answer is an error that says to set {@code setting}.
     */
    public static int dimension(EmbeddingModel model, Integer configured, String setting) {
        if (configured != null) {
            if (configured < 1) {
                throw new IllegalArgumentException(setting + " must be positive, was " + configured);
            }
            return configured;
        }
        int known = knownDimension(model);
        if (known > 0) {
            return known;
        }
        try {
            return model.dimension();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot learn the vector size of " + model + " while it does not answer ("
                    + e.getClass().getSimpleName() + "); set " + setting);
        }
    }

    /**
     * The model's dimension when it is known without calling the model (our own models, and well-known
     * Ollama models), otherwise -1.
     */
    public static int knownDimension(EmbeddingModel model) {
        if (model instanceof BgeSmallEmbeddingModel inProcess) {
            return inProcess.model().dimension();
        }
        if (model instanceof OllamaEmbedder ollama && ollama.knownDimension() != null) {
            return ollama.knownDimension();
        }
        return -1;
    }

    /**
     * The name a vector index records for the model whose vectors it holds: the in-process model's id,
     * {@code ollama/<model>} for Ollama, else the model's own {@code modelName()}, or null when it has none.
     */
    public static String name(EmbeddingModel model) {
        if (model instanceof BgeSmallEmbeddingModel inProcess) {
            return inProcess.model().id();
        }
        if (model instanceof OllamaEmbedder ollama) {
            return "ollama/" + ollama.modelName();
        }
        String own;
        try {
            own = model.modelName();
        } catch (RuntimeException e) {
            return null;
        }
        return own == null || own.isBlank() || "unknown".equals(own) ? null : own;
    }


    private static final class Zh {
        static final EmbeddingModel MODEL = new BgeSmallEmbeddingModel(InProcessModel.BGE_SMALL_ZH);
    }

    private static final class En {
        static final EmbeddingModel MODEL = new BgeSmallEmbeddingModel(InProcessModel.BGE_SMALL_EN);
    }
}
