package io.promptcache.semantic;

import io.promptcache.embedding.BgeSmallEncoder;
import io.promptcache.embedding.InProcessModel;

/** Gives the unit token vectors of a text, for {@link TokenAlignmentVerifier}. */
@FunctionalInterface
public interface TokenEncoder {

    float[][] tokens(String text);

    /**
     * The in-process bge-small-zh-v1.5, the same ONNX session as the default embedding model: the
     * question just embedded is not run again. The model loads on first use. When the model's jar was
     * left out (an application that embeds with Ollama), it gives no tokens, so the verifier rejects every
     * grey-zone candidate: fewer hits, never a less checked one.
     */
    static TokenEncoder inProcess() {
        return inProcess(InProcessModel.BGE_SMALL_ZH);
    }

    /** The token states of an in-process model, on the ONNX session that embeds with it (see {@link #inProcess()}). */
    static TokenEncoder inProcess(InProcessModel model) {
        if (!model.available()) {
            return text -> new float[0][];
        }
        return text -> BgeSmallEncoder.shared(model).encodeRemembered(text).tokens();
    }
}
