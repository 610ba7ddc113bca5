package io.promptcache.redis;

import io.promptcache.semantic.SemanticIndex;

import java.nio.charset.StandardCharsets;

/**
 * Key names. Every key of a tenant carries the tenant's hash tag {@code {<sha256 of tenant>}}, so all
 * keys one operation touches are in one cluster slot; no tenant id, question or metadata ever
 * appears in a key, so none can reach into another namespace.
 *
 * <pre>
 * {prefix}:e:{T}:{entryId}  HASH  one cache entry (question, answer JSON, vector, scope, metadata)
 * {prefix}:lru:{T}          ZSET  entry ids by last access (LRU eviction, listing)
 * {prefix}:exp:{T}          ZSET  entry ids by expiry time (keeps the LRU index in step with EXPIRE)
 * {prefix}:cv:{T}:{turnKey} STRING the canonical question of one turn of a conversation
 * {prefix}:cvr:{T}:{entryId} SET  the turn keys whose record names this entry's question (they go with it)
 * {prefix}:nm:{T}           HASH  reported near misses (vetoes, feedback pairs)
 * {prefix}:tenants          HASH  tenant tag -> tenant id (stats and clear by tenant)
 * {prefix}:events           STREAM add / delete events that keep every JVM's local vector index in sync
 * {prefix}:meta             HASH  index settings (vector dimension, embedding model)
 * {prefix}:idx              the Query Engine's index (SERVER mode)
 * {prefix}:cal:…            self-calibration of each vector space ({@link RedisCalibrationStore}): numbers only
 * </pre>
 *
 * <p>Vector spaces: a model other than the default one keeps its vectors in field {@code v_<space>} of the
 * entry hash and has its own {@code :events:<space>}, {@code :meta:<space>} and {@code :idx:<space>}, so two
 * models' vectors are never loaded, indexed or compared together. The default space (no name) keeps the
 * layout of 0.2, so an index built then stays usable.
 */
public final class RedisKeys {

    private final String prefix;
    /** Null for the default vector space. */
    private final String space;

    public RedisKeys(String prefix) {
        this(prefix, null);
    }

    private RedisKeys(String prefix, String space) {
        this.prefix = prefix;
        this.space = space;
    }

    /** The keys of a named vector space under the same prefix (null or empty: the default space). */
    public RedisKeys space(String name) {
        checkSpaceName(name);
        return new RedisKeys(prefix, name == null || name.isEmpty() ? null : name);
    }

    /** A space name goes into key and field names: 1 to 16 lowercase letters or digits (null or empty: the default). */
    static void checkSpaceName(String name) {
        if (name != null && !name.isEmpty() && !name.matches("[a-z0-9]{1,16}")) {
            throw new IllegalArgumentException("a vector space name is 1 to 16 lowercase letters or digits, was '" + name + "'");
        }
    }

    /**
     * The Redis vector space of an in-process model: bge-small-zh keeps the default one (the layout of 0.2,
     * when it was the only model), every other model its own.
     */
    public static String spaceOf(io.promptcache.embedding.InProcessModel model) {
        return model == io.promptcache.embedding.InProcessModel.BGE_SMALL_ZH ? null : model.space();
    }

    /** The vector space's name, or null for the default one. */
    public String spaceName() {
        return space;
    }

    /** The keys of every vector space the library creates under this prefix (the default, and one per other model). */
    public java.util.List<RedisKeys> vectorSpaces() {
        java.util.List<RedisKeys> all = new java.util.ArrayList<>();
        all.add(space(null)); // also where an embedder of the user's own keeps its vectors
        for (io.promptcache.embedding.InProcessModel m : io.promptcache.embedding.InProcessModel.values()) {
            if (spaceOf(m) != null) {
                all.add(space(spaceOf(m)));
            }
        }
        return all;
    }

    /** The entry-hash field that holds this space's vector. */
    public String vectorField() {
        return space == null ? "v" : "v_" + space;
    }

    private String spaced(String key) {
        return space == null ? key : key + ":" + space;
    }

    public String prefix() {
        return prefix;
    }

    private static final java.util.Map<String, String> TAGS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The hash tag of a tenant: the same SHA-256 the vector index filters on (memoised: tenants are few). */
    public static String tenantTag(String tenant) {
        String tag = TAGS.get(tenant);
        if (tag == null) {
            tag = SemanticIndex.tenantTag(tenant);
            if (TAGS.size() < 10_000) {
                TAGS.put(tenant, tag);
            }
        }
        return tag;
    }

    public String entryPrefix() {
        return prefix + ":e:";
    }

    public String entry(String tag, String entryId) {
        return prefix + ":e:{" + tag + "}:" + entryId;
    }

    public String entryKeyPrefix(String tag) {
        return prefix + ":e:{" + tag + "}:";
    }

    public String lru(String tag) {
        return prefix + ":lru:{" + tag + "}";
    }

    public String exp(String tag) {
        return prefix + ":exp:{" + tag + "}";
    }

    /** STRING: the canonical question of one turn of a conversation, see {@code RequestFingerprint.Turn}. */
    public String canonicalTurn(String tag, String turnKey) {
        return prefix + ":cv:{" + tag + "}:" + turnKey;
    }

    public String canonicalTurnPrefix(String tag) {
        return prefix + ":cv:{" + tag + "}:";
    }

    /** SET of the turn keys whose canonical-turn record names this entry's question: they are removed with it. */
    public String canonicalTurnRefs(String tag, String entryId) {
        return canonicalTurnRefsPrefix(tag) + entryId;
    }

    public String canonicalTurnRefsPrefix(String tag) {
        return prefix + ":cvr:{" + tag + "}:";
    }

    /**
     * SCAN patterns that together match every key of a tenant whose name is not fixed (entries, canonical
     * turns and their references); each carries the tenant's hash tag, so on a cluster it is one slot's scan.
     */
    public java.util.List<String> tenantKeyPatterns(String tag) {
        return java.util.List.of(entryKeyPrefix(tag) + "*", canonicalTurnPrefix(tag) + "*", canonicalTurnRefsPrefix(tag) + "*");
    }

    /** The tenant's keys whose names are fixed: its LRU and expiry indexes and its near misses. */
    public java.util.List<String> tenantFixedKeys(String tag) {
        return java.util.List.of(lru(tag), exp(tag), nearMisses(tag));
    }

    /** Drops the memoised tag of an erased tenant: not even its hash stays in this JVM's memory. */
    public static void forget(String tenant) {
        TAGS.remove(tenant);
    }

    /** HASH of a tenant's reported near misses: pair hash → JSON of the two questions. */
    public String nearMisses(String tag) {
        return prefix + ":nm:{" + tag + "}";
    }

    public String tenants() {
        return prefix + ":tenants";
    }

    public String events() {
        return spaced(prefix + ":events");
    }

    public String meta() {
        return spaced(prefix + ":meta");
    }

    public String index() {
        return spaced(prefix + ":idx");
    }

    /** Splits an entry key into tenant tag and entry id, or returns null when it is not one. */
    public String[] parseEntry(String key) {
        String p = prefix + ":e:{";
        if (!key.startsWith(p)) {
            return null;
        }
        int close = key.indexOf("}:", p.length());
        if (close < 0) {
            return null;
        }
        return new String[]{key.substring(p.length(), close), key.substring(close + 2)};
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
