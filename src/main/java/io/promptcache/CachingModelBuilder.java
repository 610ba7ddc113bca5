package io.promptcache;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.promptcache.semantic.InMemoryVectorStore;
import io.promptcache.embedding.BgeSmallEmbeddingModel;
import io.promptcache.embedding.EmbeddingModels;
import io.promptcache.embedding.InProcessModel;
import io.promptcache.embedding.QuestionScript;
import io.promptcache.redis.RedisEmbeddingStore;
import io.promptcache.prefix.PrefixBreakDetector;
import io.promptcache.prefix.ProviderPricing;
import io.promptcache.semantic.HitVerifier;
import io.promptcache.quality.OperatingPoint;
import io.promptcache.semantic.SemanticIndex;
import io.promptcache.semantic.VerifierChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.promptcache.store.CacheStore;
import io.promptcache.store.InMemoryCacheStore;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.concurrent.ExecutorService;

/**
 * The options shared by {@link CachingChatModel} and {@link CachingStreamingChatModel}.
 * Every option has a safe default; values are checked when set, so a bad value fails at
 * configuration time with a message saying which option is wrong.
 */
public abstract class CachingModelBuilder<B extends CachingModelBuilder<B>> {

    /**
     * Default cosine threshold of the semantic tier for bge-small-zh and for an embedding model of your own
     * (bge-small-en has its own, {@code OperatingPoint.ENGLISH}); see docs/quality.md for how they were chosen.
     */
    public static final double DEFAULT_SIMILARITY_THRESHOLD = OperatingPoint.DEFAULT.threshold();
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofMillis(250);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofMillis(250);
    public static final String DEFAULT_TENANT = "default";
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

    private static final Logger LOG = LoggerFactory.getLogger(CachingModelBuilder.class);
    /** Configuration notes already logged: a JVM that builds many caching models says each once. */
    private static final java.util.Set<String> TOLD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    EmbeddingModel embeddingModel;
    EmbeddingStore<TextSegment> embeddingStore;
    Function<InProcessModel, EmbeddingStore<TextSegment>> embeddingStores;
    CacheStore cacheStore;
    Integer maxEntries;
    /** Null: each vector space's shipped threshold. */
    Double similarityThreshold;
    /** Null: each vector space's shipped chain. */
    List<HitVerifier> verifiers;
    boolean semantic = true;
    boolean perUserIsolation;
    boolean canonicalLayout = true;
    Duration ttl = DEFAULT_TTL;
    Duration lookupTimeout = DEFAULT_LOOKUP_TIMEOUT;
    Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
    CachePolicy policy = CachePolicy.defaults();
    String defaultTenant = DEFAULT_TENANT;
    CacheMetrics metrics = new CacheMetrics();
    final List<CacheListener> listeners = new ArrayList<>();
    ExecutorService executor;
    Clock clock = Clock.systemUTC();
    int maxCandidates = 5;
    ProviderPricing pricing = ProviderPricing.DEEPSEEK_CHAT;
    PrefixBreakDetector prefixBreakDetector = PrefixBreakDetector.defaults();
    Duration retryInterval = DEFAULT_RETRY_INTERVAL;
    FreshnessPolicy freshness = FreshnessPolicy.DO_NOT_STORE;
    io.promptcache.calibration.SelfCalibration selfCalibration;
    TtlMode ttlMode = TtlMode.FIXED;
    boolean canonicalConversations = true;
    Duration maxAge = DEFAULT_MAX_AGE;

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Embeds every question for the semantic tier. Default: the in-process models, bge-small-en-v1.5 for
     * questions mostly in Latin script and bge-small-zh-v1.5 for the rest ({@link QuestionScript}), each
     * with its own vector store and its own calibrated threshold.
     */
    public B embeddingModel(EmbeddingModel embeddingModel) {
        this.embeddingModel = Objects.requireNonNull(embeddingModel, "embeddingModel");
        return self();
    }

    /**
     * Holds the question vectors of {@link #embeddingModel}; any LangChain4j store with metadata filters.
     * Default in memory. Given without an embedding model, the in-process default embeds every question
     * with bge-small-zh into it; use {@link #embeddingStores} to keep English on bge-small-en.
     */
    public B embeddingStore(EmbeddingStore<TextSegment> embeddingStore) {
        this.embeddingStore = Objects.requireNonNull(embeddingStore, "embeddingStore");
        return self();
    }

    /**
     * The vector store of each in-process model, for the default embedder: each model's vectors live in
     * their own store and are never compared with the other's. For Redis: {@code embeddingStores(redis::embeddingStore)}.
     */
    public B embeddingStores(Function<InProcessModel, EmbeddingStore<TextSegment>> storeOfModel) {
        this.embeddingStores = Objects.requireNonNull(storeOfModel, "embeddingStores");
        return self();
    }

    /** Holds the entries; default {@link InMemoryCacheStore}. */
    public B cacheStore(CacheStore cacheStore) {
        this.cacheStore = Objects.requireNonNull(cacheStore, "cacheStore");
        return self();
    }

    /** Maximum entries per tenant of the default in-memory store, evicted least recently used first. */
    public B maxEntries(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        return self();
    }

    /**
     * Cosine similarity a neighbour needs before the verifiers look at it, in every vector space. Default:
     * each model's calibrated threshold (docs/quality.md).
     */
    public B similarityThreshold(double threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("similarityThreshold must be in (0, 1], was " + threshold);
        }
        this.similarityThreshold = threshold;
        return self();
    }

    /**
     * Verifiers run, in order, on every semantic candidate, in every vector space; replaces the default
     * chain (lexical guard, context-dependence guard, and for bge-small-zh token alignment).
     */
    public B verifiers(List<? extends HitVerifier> verifiers) {
        Objects.requireNonNull(verifiers, "verifiers");
        verifiers.forEach(v -> Objects.requireNonNull(v, "verifier"));
        this.verifiers = new ArrayList<>(verifiers);
        return self();
    }

    public B verifiers(HitVerifier... verifiers) {
        return verifiers(List.of(verifiers));
    }

    /** Turns the semantic tier on or off; exact hits stay on. */
    public B semanticEnabled(boolean on) {
        this.semantic = on;
        return self();
    }

    /** When on, users of one tenant never share entries, not even first-turn answers. Off by default. */
    public B perUserIsolation(boolean on) {
        this.perUserIsolation = on;
        return self();
    }

    /**
     * When an earlier turn was answered from the cache for an equivalent question, key the conversation as
     * the one that produced that answer, so its follow-ups can hit too. On by default; see
     * docs/architecture.md for why this is safe.
     */
    public B canonicalConversations(boolean on) {
        this.canonicalConversations = on;
        return self();
    }

    /** Sends system messages first and tools in canonical order, for the provider's prefix cache. On by default. */
    public B canonicalLayout(boolean on) {
        this.canonicalLayout = on;
        return self();
    }

    /** Time to live of new entries; {@link Duration#ZERO} for none. */
    public B ttl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative");
        }
        this.ttl = ttl;
        return self();
    }

    /**
     * Whether the TTL counts from creation ({@link TtlMode#FIXED}, the default) or from the last hit
     * ({@link TtlMode#SLIDING}, capped by {@link #maxAge}).
     */
    public B ttlMode(TtlMode mode) {
        this.ttlMode = Objects.requireNonNull(mode, "ttlMode");
        return self();
    }

    /** The oldest a sliding entry may get, however often it is hit; default 7 days. */
    public B maxAge(Duration maxAge) {
        this.maxAge = positive("maxAge", maxAge);
        return self();
    }

    /** Latency budget of a lookup (exact and semantic); past it the call goes to the model. */
    public B lookupTimeout(Duration timeout) {
        this.lookupTimeout = positive("lookupTimeout", timeout);
        return self();
    }

    /**
     * While a dependency (store, embedder, vector store) is down, calls skip it instead of each paying the
     * latency budget, and one call per this interval tries it again. Default one second.
     */
    public B retryInterval(Duration interval) {
        this.retryInterval = positive("retryInterval", interval);
        return self();
    }

    /**
     * What happens to answers that go stale in minutes (questions about today, the time now, the latest
     * version, prices, weather, news; answers that state the current date or time). Default
     * {@link FreshnessPolicy#DO_NOT_STORE}.
     */
    public B freshness(FreshnessPolicy policy) {
        this.freshness = Objects.requireNonNull(policy, "freshness");
        return self();
    }

    /** Latency budget of storing an answer; past it the write finishes in the background. */
    public B writeTimeout(Duration timeout) {
        this.writeTimeout = positive("writeTimeout", timeout);
        return self();
    }

    public B policy(CachePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        return self();
    }

    /** Shortcut for {@code policy(CachePolicy.builder().cacheToolCallResponses(on).build())}. */
    public B cacheToolCallResponses(boolean on) {
        this.policy = CachePolicy.builder().cacheToolCallResponses(on).build();
        return self();
    }

    /** Tenant of calls made outside any {@link CacheScope}. */
    public B defaultTenant(String tenant) {
        CacheScope.checkId("tenant", tenant);
        this.defaultTenant = tenant;
        return self();
    }

    public B metrics(CacheMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        return self();
    }

    public B listener(CacheListener listener) {
        this.listeners.add(Objects.requireNonNull(listener, "listener"));
        return self();
    }

    /** Runs cache I/O; default a shared pool of daemon threads. */
    public B executor(ExecutorService executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return self();
    }

    /** Clock of entry timestamps and TTLs. */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /** How many neighbours the vector search returns for verification. */
    public B maxCandidates(int maxCandidates) {
        if (maxCandidates < 1) {
            throw new IllegalArgumentException("maxCandidates must be at least 1, was " + maxCandidates);
        }
        this.maxCandidates = maxCandidates;
        return self();
    }

    /** Prices for the cost accounting; default DeepSeek's published prices for deepseek-chat. */
    public B pricing(ProviderPricing pricing) {
        this.pricing = Objects.requireNonNull(pricing, "pricing");
        return self();
    }

    /** Detects requests that break their own prompt prefix; pass a configured one to silence causes. */
    public B prefixBreakDetector(PrefixBreakDetector detector) {
        this.prefixBreakDetector = Objects.requireNonNull(detector, "prefixBreakDetector");
        return self();
    }

    /** Turns prefix-break detection off altogether. */
    public B prefixBreakWarnings(boolean on) {
        this.prefixBreakDetector = on ? PrefixBreakDetector.defaults() : null;
        return self();
    }

    /**
     * Lets each vector space learn its own threshold from a judge, to a wrong-share bound you set (see
     * {@link io.promptcache.calibration.SelfCalibration}). Without a judge of its own, the judge is the model this
     * caching model wraps, called directly. Off by default.
     */
    public B selfCalibration(io.promptcache.calibration.SelfCalibration calibration) {
        this.selfCalibration = Objects.requireNonNull(calibration, "selfCalibration");
        return self();
    }

    /** The wrapped model as a judge for self-calibration, or null when it is not set yet. */
    abstract io.promptcache.calibration.PairJudge delegateJudge();

    CacheStore resolveStore() {
        if (cacheStore != null) {
            if (maxEntries != null) {
                throw new IllegalStateException("maxEntries configures the default store; set it on the cacheStore you pass instead");
            }
            return cacheStore;
        }
        InMemoryCacheStore.Builder b = InMemoryCacheStore.builder().clock(clock);
        if (maxEntries != null) {
            b.maxEntriesPerTenant(maxEntries);
        }
        return b.build();
    }

    SemanticIndex resolveIndex() {
        if (!semantic) {
            return null;
        }
        if (embeddingModel != null) {
            if (embeddingStores != null) {
                throw new IllegalStateException("embeddingStores is for the in-process default embedder; "
                        + "with your own embeddingModel, give its store with embeddingStore");
            }
            String name = embeddingModel instanceof BgeSmallEmbeddingModel inProcess ? inProcess.model().space()
                    : SemanticIndex.SINGLE;
            return single(space(name, embeddingModel, embeddingStore != null ? embeddingStore : new InMemoryVectorStore()));
        }
        EmbeddingModel zh = EmbeddingModels.inProcess(InProcessModel.BGE_SMALL_ZH);
        if (embeddingStores == null && embeddingStore != null) {
            tellOnce("PromptCache: one embedding store was given for the in-process default, so every question is "
                    + "embedded with bge-small-zh; give embeddingStores(...) to embed Latin-script questions with bge-small-en");
            return single(space(InProcessModel.BGE_SMALL_ZH.space(), zh, embeddingStore));
        }
        if (embeddingStores != null && embeddingStore != null) {
            throw new IllegalStateException("give either embeddingStore or embeddingStores, not both");
        }
        if (!InProcessModel.BGE_SMALL_EN.available()) {
            tellOnce("PromptCache: " + InProcessModel.BGE_SMALL_EN.artifact()
                    + " is not on the class path; every question is embedded with bge-small-zh");
            return single(space(InProcessModel.BGE_SMALL_ZH.space(), zh, storeOf(InProcessModel.BGE_SMALL_ZH)));
        }
        List<SemanticIndex.Space> spaces = new ArrayList<>();
        for (InProcessModel model : InProcessModel.values()) {
            spaces.add(space(model.space(), EmbeddingModels.inProcess(model), storeOf(model)));
        }
        return new SemanticIndex(spaces, question -> {
            InProcessModel model = QuestionScript.of(question).model();
            return model == null ? null : model.space();
        }, maxCandidates);
    }

    private static void tellOnce(String note) {
        if (TOLD.add(note)) {
            LOG.info(note);
        }
    }

    private EmbeddingStore<TextSegment> storeOf(InProcessModel model) {
        if (embeddingStores == null) {
            return new InMemoryVectorStore();
        }
        EmbeddingStore<TextSegment> store = embeddingStores.apply(model);
        if (store == null) {
            throw new IllegalStateException("embeddingStores gave no store for " + model.id());
        }
        return store;
    }

    private SemanticIndex single(SemanticIndex.Space space) {
        return new SemanticIndex(List.of(space), question -> space.name(), maxCandidates);
    }

    /**
     * A space, checked against a Redis index: its dimension and, where the index recorded one, its model
     * must be this model's, so switching embedders on an existing store fails here instead of serving
     * answers found by comparing vectors of two models.
     */
    private static SemanticIndex.Space space(String name, EmbeddingModel model, EmbeddingStore<TextSegment> store) {
        int indexDimension = -1;
        if (store instanceof RedisEmbeddingStore redis) {
            indexDimension = redis.dimension();
            int dimension = EmbeddingModels.knownDimension(model);
            if (dimension > 0 && dimension != redis.dimension()) {
                throw new IllegalArgumentException("the embedding model gives " + dimension
                        + "-dimension vectors but the Redis vector index has " + redis.dimension()
                        + "; build the RedisEmbeddingStore with dimension(" + dimension + ") under another key prefix");
            }
            redis.bindEmbeddingModel(EmbeddingModels.name(model));
        }
        return new SemanticIndex.Space(name, model, store, indexDimension);
    }

    /** The threshold and verifiers of each space: the caller's when set, else the space's shipped point. */
    Map<String, CacheEngine.Matching> resolveMatching(SemanticIndex index) {
        Map<String, CacheEngine.Matching> out = new java.util.HashMap<>();
        for (SemanticIndex.Space space : index.spaces()) {
            // An embedder of the user's own runs at bge-small-zh's point, aligning on bge-small-zh's token states.
            InProcessModel model = InProcessModel.ofSpace(space.name()).orElse(InProcessModel.BGE_SMALL_ZH);
            List<HitVerifier> chain = verifiers != null ? verifiers : OperatingPoint.shippedVerifiers(model);
            double threshold = similarityThreshold != null ? similarityThreshold : OperatingPoint.shipped(model).threshold();
            // A threshold is known for the model when the user set one or the model is one we calibrated.
            boolean known = similarityThreshold != null || space.model() instanceof BgeSmallEmbeddingModel;
            out.put(space.name(), new CacheEngine.Matching(threshold, new VerifierChain(chain), known));
        }
        return out;
    }

    private static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }
}
