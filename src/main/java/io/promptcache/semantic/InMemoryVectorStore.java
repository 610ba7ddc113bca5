package io.promptcache.semantic;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.CosineSimilarity;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vector store of a cache that keeps its entries in memory: an exact scan with the metadata filter applied
 * first, scored as LangChain4j scores (relevance from cosine). Needs only {@code langchain4j-core}, so a user
 * whose class path has no {@code langchain4j} module (a Spring AI application, say) gets the semantic tier too.
 */
public final class InMemoryVectorStore implements EmbeddingStore<TextSegment> {

    private record Entry(Embedding embedding, TextSegment segment) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public String add(Embedding embedding) {
        return add(embedding, null);
    }

    @Override
    public void add(String id, Embedding embedding) {
        put(id, embedding, null);
    }

    @Override
    public String add(Embedding embedding, TextSegment segment) {
        String id = UUID.randomUUID().toString();
        put(id, embedding, segment);
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        List<String> ids = new ArrayList<>(embeddings.size());
        for (Embedding e : embeddings) {
            ids.add(add(e));
        }
        return ids;
    }

    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
        if (ids.size() != embeddings.size() || segments != null && segments.size() != embeddings.size()) {
            throw new IllegalArgumentException("ids, embeddings and segments differ in number: "
                    + ids.size() + ", " + embeddings.size() + ", " + (segments == null ? 0 : segments.size()));
        }
        for (int i = 0; i < ids.size(); i++) {
            put(ids.get(i), embeddings.get(i), segments == null ? null : segments.get(i));
        }
    }

    private void put(String id, Embedding embedding, TextSegment segment) {
        entries.put(Objects.requireNonNull(id, "id"), new Entry(Objects.requireNonNull(embedding, "embedding"), segment));
    }

    @Override
    public void remove(String id) {
        entries.remove(id);
    }

    @Override
    public void removeAll(Collection<String> ids) {
        ids.forEach(entries::remove);
    }

    @Override
    public void removeAll(Filter filter) {
        Objects.requireNonNull(filter, "filter");
        entries.entrySet().removeIf(e -> e.getValue().segment() != null && filter.test(e.getValue().segment().metadata()));
    }

    @Override
    public void removeAll() {
        entries.clear();
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        Filter filter = request.filter();
        List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Entry entry = e.getValue();
            if (filter != null && (entry.segment() == null || !filter.test(entry.segment().metadata()))) {
                continue;
            }
            if (entry.embedding().dimension() != request.queryEmbedding().dimension()) {
                continue;
            }
            double score = RelevanceScore.fromCosineSimilarity(CosineSimilarity.between(entry.embedding(), request.queryEmbedding()));
            if (score >= request.minScore()) {
                matches.add(new EmbeddingMatch<>(score, e.getKey(), entry.embedding(), entry.segment()));
            }
        }
        matches.sort(Comparator.comparingDouble((EmbeddingMatch<TextSegment> m) -> m.score()).reversed());
        return new EmbeddingSearchResult<>(matches.size() > request.maxResults() ? matches.subList(0, request.maxResults()) : matches);
    }

    /** Vectors held. */
    public int size() {
        return entries.size();
    }
}
