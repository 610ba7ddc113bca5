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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;

/**
 * Questions and their vectors in LangChain4j {@link EmbeddingStore}s, partitioned by space and scope.
 *
 * <p>A {@link Space} is one embedding model with the store that holds its vectors. Most caches have one;
 * the in-process default has two (bge-small-zh and bge-small-en) and a router that sends each question
 * to one of them by its script. A question is embedded, searched and indexed in its own space only, so
 * vectors of different models or dimensions are never compared. A question the router sends nowhere
 * (no letters) has no semantic tier: {@link #covers} is false for it.
 *
 * <p>Every search is filtered on the scope key and on the tenant's hash, so no search can return
 * another tenant's or another conversation's entry whatever its similarity.
 */
public final class SemanticIndex {

    /** Metadata key holding the scope key of an entry. */
    public static final String SCOPE = "pc_scope";
    /** Metadata key holding the SHA-256 of the tenant id. */
    public static final String TENANT = "pc_tenant";

    /** One embedding model and the store of its vectors. */
    public static final class Space {
        private final String name;
        private final EmbeddingModel model;
        private final EmbeddingStore<TextSegment> store;
        /** The dimension the store holds; learnt from the first vector when the store does not say. */
        private volatile int dimension;

        /**
         * @param dimension the vector size the store holds, or -1 to take it from the first vector embedded;
         *                  a vector of another size is refused with {@link EmbeddingDimensionException}
         */
        public Space(String name, EmbeddingModel model, EmbeddingStore<TextSegment> store, int dimension) {
            this.name = Objects.requireNonNull(name, "name");
            this.model = Objects.requireNonNull(model, "embeddingModel");
            this.store = Objects.requireNonNull(store, "embeddingStore");
            this.dimension = dimension;
        }

        public String name() {
            return name;
        }

        public EmbeddingModel model() {
            return model;
        }

        public EmbeddingStore<TextSegment> store() {
            return store;
        }

        /** The vector size this space holds, or -1 until the store says or the first vector is embedded. */
        public int dimension() {
            return dimension;
        }

        /** Names the embedder for logs: its own description when it has one, else its class. */
        String describe() {
            String own = model.toString();
            return own.contains("@") ? model.getClass().getSimpleName() : own;
        }

        Embedding embed(String question) {
            Embedding embedding = model.embed(question).content();
            if (embedding == null || embedding.vector() == null || embedding.vector().length == 0) {
                throw new IllegalStateException("embedding model returned no vector");
            }
            int size = embedding.vector().length;
            if (dimension < 0) {
                dimension = size;
            } else if (size != dimension) {
                throw new EmbeddingDimensionException("the embedder (" + describe() + ") returned " + size
                        + "-dimension vectors but the vector index holds " + dimension + "; nothing of the wrong "
                        + "dimension is stored. Point the embedder back at its model, or give the new model its own "
                        + "index (another Redis key prefix)");
            }
            return embedding;
        }
    }

    /** Picks the space of a question by name, or null when no space should hold it. */
    @FunctionalInterface
    public interface Router {
        String spaceOf(String question);
    }

    private final Map<String, Space> spaces;
    private final Router router;
    private final int maxCandidates;

    public SemanticIndex(EmbeddingModel embeddingModel, EmbeddingStore<TextSegment> store, int maxCandidates) {
        this(embeddingModel, store, maxCandidates, -1);
    }

    /** One space for every question. */
    public SemanticIndex(EmbeddingModel embeddingModel, EmbeddingStore<TextSegment> store, int maxCandidates,
                         int dimension) {
        this(List.of(new Space(SINGLE, embeddingModel, store, dimension)), question -> SINGLE, maxCandidates);
    }

    /** The name of the one space of an index built from one model. */
    public static final String SINGLE = "single";

    /** Several spaces; {@code router} names the space of each question (null: none). */
    public SemanticIndex(List<Space> spaces, Router router, int maxCandidates) {
        if (spaces.isEmpty()) {
            throw new IllegalArgumentException("at least one space is needed");
        }
        Map<String, Space> byName = new LinkedHashMap<>();
        for (Space space : spaces) {
            if (byName.put(space.name(), space) != null) {
                throw new IllegalArgumentException("two spaces are named " + space.name());
            }
        }
        this.spaces = Map.copyOf(byName);
        this.router = Objects.requireNonNull(router, "router");
        if (maxCandidates < 1) {
            throw new IllegalArgumentException("maxCandidates must be at least 1");
        }
        this.maxCandidates = maxCandidates;
    }

    /** Names the embedders for logs. */
    public String describeEmbedder() {
        return spaces.values().stream().map(Space::describe).sorted().collect(Collectors.joining(" and "));
    }

    public List<Space> spaces() {
        return spaces.values().stream().sorted(java.util.Comparator.comparing(Space::name)).toList();
    }

    /** The space a question is embedded and searched in, or null when it has none (then it has no semantic tier). */
    public String spaceOf(String question) {
        String name = router.spaceOf(question);
        return name != null && spaces.containsKey(name) ? name : null;
    }

    /** True when the question has a space, so the semantic tier applies to it. */
    public boolean covers(String question) {
        return spaceOf(question) != null;
    }

    private Space space(String question) {
        String name = spaceOf(question);
        if (name == null) {
            throw new IllegalArgumentException("this question has no vector space (it has no letters); check covers() first");
        }
        return spaces.get(name);
    }

    /** Embeds the question with its space's model. */
    public Embedding embed(String question) {
        return space(question).embed(question);
    }

    /** Brings every space (its model and its store) to steady speed, so the first lookups do not pay for loading. */
    public void warmUp() {
        for (Space space : spaces()) {
            warmUp(space);
        }
    }

    /** Questions of a few lengths and both scripts: ONNX Runtime and the JIT settle per input shape. */
    private static final String[] WARM_UP_TEXTS = {"什么是缓存？", "How does a cache decide what to keep?",
            "如何在不影响线上服务的情况下迁移一个大型数据库，并保证数据的一致性？", "warm-up", "What is the price of a ticket to Paris in May?",
            "缓存是什么？为什么要用它？"};
    private static final int WARM_UP_MIN_ROUNDS = 3;
    private static final int WARM_UP_MAX_ROUNDS = 12;
    private static final long WARM_UP_MAX_NANOS = 5_000_000_000L;
    /** Models already brought to steady speed in this JVM: a second cache on one of them runs a single round. */
    private static final java.util.Set<EmbeddingModel> STEADY =
            java.util.Collections.newSetFromMap(java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>()));

    /**
     * Runs real embeddings, and a first search of the vector store, round after round until a round is no
     * slower than 1.2 times the fastest so far (steady speed) or a bound is reached (12 rounds, 5 s): the first
     * real lookups after warm-up must meet their budget, and one call is not enough for that on a small
     * machine. A model already at steady speed in this JVM gets one round (its store's first search). A search
     * fault is left to the vector store's own health; an embedding fault fails the warm-up.
     */
    private static void warmUp(Space space) {
        long start = System.nanoTime();
        long fastest = Long.MAX_VALUE;
        int rounds = STEADY.contains(space.model) ? 1 : WARM_UP_MAX_ROUNDS;
        for (int round = 0; round < rounds && System.nanoTime() - start < WARM_UP_MAX_NANOS; round++) {
            long t = System.nanoTime();
            Embedding last = null;
            for (String text : WARM_UP_TEXTS) {
                last = space.embed(text);
            }
            searchNothing(space, last);
            long took = System.nanoTime() - t;
            if (round >= WARM_UP_MIN_ROUNDS && took <= fastest * 1.2) {
                break;
            }
            fastest = Math.min(fastest, took);
        }
        STEADY.add(space.model);
    }

    /** A search that can match nothing (a tenant no one has), so it exercises the path without reading data. */
    private static void searchNothing(Space space, Embedding query) {
        try {
            space.store().search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(1)
                    .filter(metadataKey(TENANT).isEqualTo("warm-up")).build());
        } catch (RuntimeException e) {
            // the vector store's faults are its own dependency's, charged by real lookups
        }
    }

    /**
     * Candidates in the question's space at or above {@code minCosine} (0 for the nearest whatever their
     * similarity), most similar first.
     */
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
        for (EmbeddingMatch<TextSegment> m : space(question).store().search(request).matches()) {
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

    /** Indexes the question's vector in its space. */
    public void add(String entryId, String tenant, String scopeKey, String question, Embedding embedding) {
        Metadata metadata = new Metadata()
                .put(SCOPE, scopeKey)
                .put(TENANT, tenantTag(tenant));
        space(question).store().addAll(List.of(embeddingId(tenant, entryId)), List.of(embedding),
                List.of(TextSegment.from(question, metadata)));
    }

    /** Removes the entry's vector from the space of its question (none when the question has no space). */
    public void remove(String tenant, String entryId, String question) {
        String name = spaceOf(question);
        if (name != null) {
            spaces.get(name).store().remove(embeddingId(tenant, entryId));
        }
    }

    /** Removes the entry's vector from every space, for when its question is not known. */
    public void remove(String tenant, String entryId) {
        for (Space space : spaces()) {
            space.store().remove(embeddingId(tenant, entryId));
        }
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
