package io.promptcache.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import io.promptcache.semantic.VectorMath;

/**
 * Runs one of the quantised bge-small models that ship in LangChain4j's model jars ({@link InProcessModel})
 * and returns, from one inference, both the sentence vector (the [CLS] state, normalised, as LangChain4j's
 * model gives) and every token's state. The token states feed {@code semantic.TokenAlignmentVerifier}, a
 * BERTScore-like check that costs no second model.
 */
public final class BgeSmallEncoder {

    private static final int MAX_TOKENS = 512;

    private final InProcessModel model;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean wantsTypeIds;

    /** One text's encoding. {@code tokens} holds the unit vectors of its word pieces, [CLS] and [SEP] left out. */
    public record TokenEncoding(float[] sentence, float[][] tokens) {
    }

    private BgeSmallEncoder(InProcessModel model) {
        this.model = model;
        try (InputStream onnx = resource(model, model.id() + ".onnx");
             InputStream tokenizerJson = resource(model, model.id() + "-tokenizer.json")) {
            environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
            // Worker threads that busy-wait after each inference take the CPU from the rest of the application.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = environment.createSession(onnx.readAllBytes(), options);
            Map<String, String> tokenizerOptions = new HashMap<>();
            tokenizerOptions.put("padding", "false");
            tokenizerOptions.put("truncation", "true");
            tokenizerOptions.put("maxLength", Integer.toString(MAX_TOKENS));
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, tokenizerOptions);
            wantsTypeIds = session.getInputNames().contains("token_type_ids");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + model.id() + " from its jar", e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + model.id() + ": " + e.getMessage(), e);
        }
    }

    /** The encoder of this JVM for {@code model} (each model is loaded once, on first use). */
    public static BgeSmallEncoder shared(InProcessModel model) {
        return switch (model) {
            case BGE_SMALL_ZH -> Zh.INSTANCE;
            case BGE_SMALL_EN -> En.INSTANCE;
        };
    }

    public InProcessModel model() {
        return model;
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
            throw new IllegalStateException(model.id() + " inference failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }


    private static InputStream resource(InProcessModel model, String name) {
        ClassLoader loader;
        try {
            loader = Class.forName(model.modelClass(), false, BgeSmallEncoder.class.getClassLoader()).getClassLoader();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(model.id() + " is not on the class path: add " + model.artifact());
        }
        InputStream in = loader.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " not found: is " + model.artifact() + " on the class path?");
        }
        return in;
    }

    // One holder per model, so that loading one model never loads the other.
    private static final class Zh {
        static final BgeSmallEncoder INSTANCE = new BgeSmallEncoder(InProcessModel.BGE_SMALL_ZH);
    }

    private static final class En {
        static final BgeSmallEncoder INSTANCE = new BgeSmallEncoder(InProcessModel.BGE_SMALL_EN);
    }
}
