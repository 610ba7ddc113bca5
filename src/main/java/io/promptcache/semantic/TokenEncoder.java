package io.promptcache.semantic;

import io.promptcache.embedding.BgeSmallZhEncoder;

/** Gives the unit token vectors of a text, for {@link TokenAlignmentVerifier}. */
@FunctionalInterface
public interface TokenEncoder {

    float[][] tokens(String text);

    /**
     * The in-process bge-small-zh-v1.5, the same ONNX session as the default embedding model: the
     * question just embedded is not run again. The model loads on first use.
     */
    static TokenEncoder inProcess() {
        return text -> BgeSmallZhEncoder.shared().encodeRemembered(text).tokens();
    }
}
