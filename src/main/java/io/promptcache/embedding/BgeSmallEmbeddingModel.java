package io.promptcache.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.DimensionAwareEmbeddingModel;
import dev.langchain4j.model.output.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * An in-process bge-small model as a LangChain4j {@code EmbeddingModel}, on the same ONNX session
 * as the token verifier ({@link BgeSmallEncoder}): one model in memory, and the question's token
 * states come with its embedding. Its vectors equal those of LangChain4j's own quantised bge-small
 * models (same weights, tokenizer and [CLS] pooling).
 */
public final class BgeSmallEmbeddingModel extends DimensionAwareEmbeddingModel {

    private final InProcessModel model;

    BgeSmallEmbeddingModel(InProcessModel model) {
        this.model = model;
    }

    public InProcessModel model() {
        return model;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        BgeSmallEncoder encoder = BgeSmallEncoder.shared(model);
        List<Embedding> out = new ArrayList<>(segments.size());
        for (TextSegment segment : segments) {
            out.add(Embedding.from(encoder.encodeRemembered(segment.text()).sentence()));
        }
        return Response.from(out);
    }

    @Override
    public String modelName() {
        return model.id();
    }

    @Override
    public String toString() {
        return "in-process " + model.id();
    }

    @Override
    protected Integer knownDimension() {
        return model.dimension();
    }
}
