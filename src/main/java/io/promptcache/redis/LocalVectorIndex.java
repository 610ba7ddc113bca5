package io.promptcache.redis;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.store.embedding.filter.Filter;
import io.promptcache.semantic.SemanticIndex;
import io.promptcache.semantic.VectorMath;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.logical.And;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-JVM vector index of LOCAL mode, partitioned by scope. Small partitions are searched
 * exactly. Large ones are searched in two steps: a 256-bit random-hyperplane signature (SimHash, with
 * sparse planes of 32 coordinates) of every vector gives the candidates with the smallest Hamming
 * distance, then exact cosine ranks them. Near duplicates, the only neighbours a cache may serve, have small angles and so very
 * close signatures; the first step never drops them in practice and costs a few popcounts each.
 */
final class LocalVectorIndex {

    static final int SIGNATURE_BITS = 256;
    private static final int EXACT_LIMIT = 2048;
    private static final int MIN_CANDIDATES = 256;

    /**
     * One indexed vector. A cache entry's metadata is just its scope and tenant tag, both already in the
     * item (the tag is the id's prefix), so it is rebuilt on demand rather than kept: about 400 bytes an
     * entry. Any other metadata is kept as given ({@code ownMetadata}).
     */
    record Item(String id, String scope, String text, Metadata ownMetadata, float[] unit) {

        Metadata metadata() {
            if (ownMetadata != null) {
                return ownMetadata.copy();
            }
            Metadata m = new Metadata().put(SemanticIndex.TENANT, tenantTag());
            return scope.isEmpty() ? m : m.put(SemanticIndex.SCOPE, scope);
        }

        String tenantTag() {
            int colon = id.indexOf(':');
            return colon > 0 ? id.substring(0, colon) : "";
        }

        /** The metadata to keep: null when it is exactly what {@link #metadata()} rebuilds. */
        static Metadata own(String id, String scope, Metadata metadata) {
            if (metadata == null) {
                return new Metadata();
            }
            Map<String, Object> m = metadata.toMap();
            int colon = id.indexOf(':');
            boolean rebuildable = colon > 0 && m.size() == (scope.isEmpty() ? 1 : 2)
                    && id.substring(0, colon).equals(m.get(SemanticIndex.TENANT))
                    && (scope.isEmpty() || scope.equals(m.get(SemanticIndex.SCOPE)));
            return rebuildable ? null : metadata.copy();
        }
    }

    /** A search result: the item and its cosine similarity. */
    record Hit(Item item, double cosine) {
    }

    /** Coordinates each hyperplane looks at: a sparse random projection, a few adds per bit. */
    private static final int PLANE_NONZEROS = 32;

    private final int dimension;
    private final int[][] planePlus;
    private final int[][] planeMinus;
    private final Map<String, Partition> partitions = new ConcurrentHashMap<>();
    private final Map<String, Item> byId = new ConcurrentHashMap<>();

    LocalVectorIndex(int dimension) {
        this.dimension = dimension;
        Random random = new Random(0x5eed_cafeL + dimension); // the same planes in every JVM
        int nonzeros = Math.min(PLANE_NONZEROS, dimension);
        planePlus = new int[SIGNATURE_BITS][];
        planeMinus = new int[SIGNATURE_BITS][];
        for (int b = 0; b < SIGNATURE_BITS; b++) {
            List<Integer> coords = new ArrayList<>();
            for (int i = 0; i < dimension; i++) {
                coords.add(i);
            }
            java.util.Collections.shuffle(coords, random);
            List<Integer> plus = new ArrayList<>();
            List<Integer> minus = new ArrayList<>();
            for (int k = 0; k < nonzeros; k++) {
                (random.nextBoolean() ? plus : minus).add(coords.get(k));
            }
            planePlus[b] = plus.stream().mapToInt(Integer::intValue).toArray();
            planeMinus[b] = minus.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    int size() {
        return byId.size();
    }

    List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }

    void add(String id, String scope, String text, Metadata metadata, float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector has dimension " + vector.length + ", the index " + dimension);
        }
        float[] unit = VectorMath.normalize(vector);
        Partition partition = partition(scope == null ? "" : scope);
        String shared = partition.scope; // one String per scope, not one per entry
        Item item = new Item(id, shared, text, Item.own(id, shared, metadata), unit);
        Item previous = byId.put(id, item);
        if (previous != null && !previous.scope().equals(item.scope())) {
            partition(previous.scope()).remove(id);
        }
        partition.put(item, signature(unit));
    }

    boolean remove(String id) {
        Item item = byId.remove(id);
        if (item == null) {
            return false;
        }
        Partition p = partitions.get(item.scope());
        if (p != null) {
            p.remove(id);
        }
        return true;
    }

    void clear() {
        byId.clear();
        partitions.clear();
    }

    /** Items matching {@code filter} (all when null). */
    List<Item> matching(Filter filter) {
        List<Item> out = new ArrayList<>();
        for (Item item : byId.values()) {
            if (filter == null || filter.test(item.metadata())) {
                out.add(item);
            }
        }
        return out;
    }

    /**
     * Best matches for {@code query}, most similar first.
     *
     * @param scope  the only partition to search, or null for all
     * @param filter metadata filter, or null
     */
    List<Hit> search(float[] query, String scope, Filter filter, int maxResults, double minCosine) {
        float[] q = VectorMath.normalize(query);
        long[] qs = signature(q);
        List<Partition> targets = new ArrayList<>();
        if (scope != null) {
            Partition p = partitions.get(scope);
            if (p != null) {
                targets.add(p);
            }
        } else {
            targets.addAll(partitions.values());
        }
        PriorityQueue<Hit> best = new PriorityQueue<>(Comparator.comparingDouble(Hit::cosine));
        for (Partition p : targets) {
            for (Item item : p.candidates(qs, Math.max(MIN_CANDIDATES, maxResults * 16))) {
                if (filter != null && !matches(filter, item)) {
                    continue;
                }
                double cos = VectorMath.dot(q, item.unit());
                if (cos >= minCosine) {
                    best.add(new Hit(item, cos));
                    if (best.size() > maxResults) {
                        best.poll();
                    }
                }
            }
        }
        List<Hit> out = new ArrayList<>(best);
        out.sort(Comparator.comparingDouble(Hit::cosine).reversed());
        return out;
    }

    /**
     * Evaluates the cache's own filters (scope and tenant equality, and AND of them) on the item's
     * fields directly; any other filter goes to LangChain4j's {@code Filter.test} on the metadata.
     */
    private static boolean matches(Filter filter, Item item) {
        if (filter instanceof And and) {
            return matches(and.left(), item) && matches(and.right(), item);
        }
        if (filter instanceof IsEqualTo eq && eq.comparisonValue() instanceof String expected && item.ownMetadata() == null) {
            if (SemanticIndex.SCOPE.equals(eq.key())) {
                return expected.equals(item.scope());
            }
            if (SemanticIndex.TENANT.equals(eq.key())) {
                return item.id().length() > expected.length() && item.id().charAt(expected.length()) == ':'
                        && item.id().startsWith(expected);
            }
        }
        return filter.test(item.metadata());
    }

    /** Rough heap bytes per entry: the vector, its signature, id, text and the maps that find it. */
    long estimatedBytes() {
        long total = 0;
        for (Item item : byId.values()) {
            total += 16 + 4L * item.unit().length + 8L * SIGNATURE_BITS / 64 + 32
                    + 40 + item.id().length() + (item.text() == null ? 0 : 40 + 2L * item.text().length())
                    + (item.ownMetadata() == null ? 0 : 400) + 128;
        }
        return total;
    }

    private Partition partition(String scope) {
        return partitions.computeIfAbsent(scope, Partition::new);
    }

    private long[] signature(float[] unit) {
        long[] bits = new long[SIGNATURE_BITS / 64];
        for (int b = 0; b < SIGNATURE_BITS; b++) {
            float sum = 0;
            for (int i : planePlus[b]) {
                sum += unit[i];
            }
            for (int i : planeMinus[b]) {
                sum -= unit[i];
            }
            if (sum >= 0) {
                bits[b >>> 6] |= 1L << (b & 63);
            }
        }
        return bits;
    }



    /**
     * The items of one scope. The signatures' four 64-bit words sit in four flat arrays, one per word, so a
     * scan reads memory in order instead of chasing a pointer per item, and a first pass over a large
     * partition can read one word of each signature alone (a quarter of the memory).
     */
    private static final class Partition {
        private static final int WORDS = SIGNATURE_BITS / 64;
        /** Above this many items, a first pass on one word keeps {@link #PREFILTER} times the candidates. */
        private static final int PREFILTER_ABOVE = 200_000;
        private static final int PREFILTER = 16;
        final String scope;
        private Item[] items = new Item[16];
        private final long[][] words = new long[WORDS][16];
        private int size;
        private final Map<String, Integer> position = new HashMap<>();

        Partition(String scope) {
            this.scope = scope;
        }

        synchronized void put(Item item, long[] signature) {
            Integer at = position.get(item.id());
            if (at == null) {
                if (size == items.length) {
                    items = java.util.Arrays.copyOf(items, size * 2);
                    for (int w = 0; w < WORDS; w++) {
                        words[w] = java.util.Arrays.copyOf(words[w], size * 2);
                    }
                }
                at = size++;
                position.put(item.id(), at);
            }
            items[at] = item;
            for (int w = 0; w < WORDS; w++) {
                words[w][at] = signature[w];
            }
        }

        synchronized void remove(String id) {
            Integer at = position.remove(id);
            if (at == null) {
                return;
            }
            int last = --size;
            if (at != last) {
                items[at] = items[last];
                for (int w = 0; w < WORDS; w++) {
                    words[w][at] = words[w][last];
                }
                position.put(items[at].id(), at);
            }
            items[last] = null;
        }

        /** Everything when small; otherwise the about {@code n} items with the closest signatures. */
        synchronized List<Item> candidates(long[] query, int n) {
            if (size <= Math.max(EXACT_LIMIT, n)) {
                return new ArrayList<>(java.util.Arrays.asList(items).subList(0, size));
            }
            int[] pool = size > PREFILTER_ABOVE ? closestOnOneWord(query[0], n * PREFILTER) : null;
            int count = pool == null ? size : pool.length;
            // Bucket by Hamming distance (0..256): linear time, no sort of the whole partition.
            byte[] distance = new byte[count];
            int[] histogram = new int[SIGNATURE_BITS + 1];
            long[] w0 = words[0];
            long[] w1 = words[1];
            long[] w2 = words[2];
            long[] w3 = words[3];
            long q0 = query[0];
            long q1 = query[1];
            long q2 = query[2];
            long q3 = query[3];
            for (int k = 0; k < count; k++) {
                int i = pool == null ? k : pool[k];
                int d = Long.bitCount(w0[i] ^ q0) + Long.bitCount(w1[i] ^ q1) + Long.bitCount(w2[i] ^ q2)
                        + Long.bitCount(w3[i] ^ q3);
                distance[k] = (byte) (d - 128);
                histogram[d]++;
            }
            int cutoff = cutoff(histogram, n);
            List<Item> out = new ArrayList<>(n + 64);
            for (int k = 0; k < count; k++) {
                if (distance[k] + 128 <= cutoff) {
                    out.add(items[pool == null ? k : pool[k]]);
                }
            }
            return out;
        }

        /**
         * The positions of the about {@code n} items closest on the first 64 bits alone. A near duplicate differs
         * in about 9 of 64 bits and an unrelated vector in 32 give or take 4, so a generous {@code n} keeps every
         * neighbour worth serving, and the full signature ranks them after.
         */
        private int[] closestOnOneWord(long q0, int n) {
            long[] w0 = words[0];
            byte[] distance = new byte[size];
            int[] histogram = new int[65];
            for (int i = 0; i < size; i++) {
                int d = Long.bitCount(w0[i] ^ q0);
                distance[i] = (byte) d;
                histogram[d]++;
            }
            int cutoff = cutoff(histogram, n);
            int kept = 0;
            for (int d = 0; d <= cutoff; d++) {
                kept += histogram[d];
            }
            int[] pool = new int[kept];
            for (int i = 0, k = 0; i < size; i++) {
                if (distance[i] <= cutoff) {
                    pool[k++] = i;
                }
            }
            return pool;
        }

        /** The smallest distance at which at least {@code n} items are at that distance or closer. */
        private static int cutoff(int[] histogram, int n) {
            int cutoff = 0;
            for (int seen = 0; cutoff < histogram.length - 1; cutoff++) {
                seen += histogram[cutoff];
                if (seen >= n) {
                    break;
                }
            }
            return cutoff;
        }
    }
}
