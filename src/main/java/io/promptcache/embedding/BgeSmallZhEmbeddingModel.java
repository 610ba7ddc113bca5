package io.promptcache.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.DimensionAwareEmbeddingModel;
import dev.langchain4j.model.output.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-process bge-small-zh-v1.5 as a LangChain4j {@code EmbeddingModel}, on the same ONNX session
 * as the token verifier ({@link BgeSmallZhEncoder}): one model in memory, and the question's token
 * states come with its embedding. Its vectors equal those of LangChain4j's
 * {@code BgeSmallZhV15QuantizedEmbeddingModel} (same weights, tokenizer and [CLS] pooling).
 */
public final class BgeSmallZhEmbeddingModel extends DimensionAwareEmbeddingModel {

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        BgeSmallZhEncoder encoder = BgeSmallZhEncoder.shared();
        List<Embedding> out = new ArrayList<>(segments.size());
        for (TextSegment segment : segments) {
            out.add(Embedding.from(encoder.encodeRemembered(segment.text()).sentence()));
        }
        return Response.from(out);
    }

    @Override
    public String toString() {
        return "in-process bge-small-zh-v1.5";
    }

    @Override
    protected Integer knownDimension() {
        return BgeSmallZhEncoder.DIMENSION;
    }
}
