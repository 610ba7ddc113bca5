package io.promptcache.semantic;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.promptcache.key.Sha256;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;

/**
 * Questions and their vectors in a LangChain4j {@link EmbeddingStore}, partitioned by scope.
 * Every search is filtered on the scope key and on the tenant's hash, so no search can return
 * another tenant's or another conversation's entry whatever its similarity.
 */
public final class SemanticIndex {

    /** Metadata key holding the scope key of an entry. */
    public static final String SCOPE = "pc_scope";
    /** Metadata key holding the SHA-256 of the tenant id. */
    public static final String TENANT = "pc_tenant";

    private final EmbeddingModel embeddingModel;
    private final EmbeddingStore<TextSegment> store;
    private final int maxCandidates;
    /** The dimension the store holds; learnt from the first vector when the store does not say. */
    private volatile int dimension;

    public SemanticIndex(EmbeddingModel embeddingModel, EmbeddingStore<TextSegment> store, int maxCandidates) {
        this(embeddingModel, store, maxCandidates, -1);
    }

    /**
     * @param dimension the vector size the store holds, or -1 to take it from the first vector embedded;
     *                  a vector of another size is refused with {@link EmbeddingDimensionException}
     */
    public SemanticIndex(EmbeddingModel embeddingModel, EmbeddingStore<TextSegment> store, int maxCandidates,
                         int dimension) {
        this.embeddingModel = Objects.requireNonNull(embeddingModel, "embeddingModel");
        this.store = Objects.requireNonNull(store, "embeddingStore");
        if (maxCandidates < 1) {
            throw new IllegalArgumentException("maxCandidates must be at least 1");
        }
        this.maxCandidates = maxCandidates;
        this.dimension = dimension;
    }

    /** Names the embedder for logs: its own description when it has one, else its class. */
    public String describeEmbedder() {
        String own = embeddingModel.toString();
        return own.contains("@") ? embeddingModel.getClass().getSimpleName() : own;
    }

    public EmbeddingModel embeddingModel() {
        return embeddingModel;
    }

    public EmbeddingStore<TextSegment> store() {
        return store;
    }

    public Embedding embed(String question) {
        Embedding embedding = embeddingModel.embed(question).content();
        if (embedding == null || embedding.vector() == null || embedding.vector().length == 0) {
            throw new IllegalStateException("embedding model returned no vector");
        }
        int size = embedding.vector().length;
        if (dimension < 0) {
            dimension = size;
        } else if (size != dimension) {
            throw new EmbeddingDimensionException("the embedder (" + describeEmbedder() + ") returned " + size
                    + "-dimension vectors but the vector index holds " + dimension + "; nothing of the wrong "
                    + "dimension is stored. Point the embedder back at its model, or give the new model its own "
                    + "index (another Redis key prefix)");
        }
        return embedding;
    }

    /** Candidates at or above {@code minCosine} (0 for the nearest whatever their similarity), most similar first. */
    public List<MatchCandidate> search(String tenant, String scopeKey, String question, int contextTurns,
                                       Embedding embedding, double minCosine) {
        Filter filter = metadataKey(SCOPE).isEqualTo(scopeKey).and(metadataKey(TENANT).isEqualTo(tenantTag(tenant)));
        EmbeddingSearchRequest request = EmbeddingSearchRequest.builder()
                .queryEmbedding(embedding)
                .maxResults(maxCandidates)
                .minScore(RelevanceScore.fromCosineSimilarity(minCosine))
                .filter(filter)
                .build();
        List<MatchCandidate> out = new ArrayList<>();
        for (EmbeddingMatch<TextSegment> m : store.search(request).matches()) {
            TextSegment segment = m.embedded();
            if (segment == null) {
                continue;
            }
            // Defence in depth: a store that ignores filters must still never leak across scopes.
            if (!scopeKey.equals(segment.metadata().getString(SCOPE))
                    || !tenantTag(tenant).equals(segment.metadata().getString(TENANT))) {
                continue;
            }
            double cosine = 2 * m.score() - 1; // LangChain4j relevance score is (cosine + 1) / 2
            out.add(new MatchCandidate(entryIdOf(m.embeddingId()), question, segment.text(), cosine, contextTurns));
        }
        out.sort((x, y) -> Double.compare(y.similarity(), x.similarity()));
        return out;
    }

    public void add(String entryId, String tenant, String scopeKey, String question, Embedding embedding) {
        Metadata metadata = new Metadata()
                .put(SCOPE, scopeKey)
                .put(TENANT, tenantTag(tenant));
        store.addAll(List.of(embeddingId(tenant, entryId)), List.of(embedding), List.of(TextSegment.from(question, metadata)));
    }

    public void remove(String tenant, String entryId) {
        store.remove(embeddingId(tenant, entryId));
    }

    /**
     * Vector ids are {@code <tenant tag>:<entry id>}: unique across tenants, and a Redis store can
     * name the entry's hash-tagged key from the id alone.
     */
    public static String embeddingId(String tenant, String entryId) {
        return tenantTag(tenant) + ":" + entryId;
    }

    static String entryIdOf(String embeddingId) {
        int colon = embeddingId.indexOf(':');
        return colon < 0 ? embeddingId : embeddingId.substring(colon + 1);
    }

    /** Tenant ids are hashed before they reach the index, so no id can form a filter of its own. */
    public static String tenantTag(String tenant) {
        return Sha256.hex("tenant:" + tenant);
    }
}
