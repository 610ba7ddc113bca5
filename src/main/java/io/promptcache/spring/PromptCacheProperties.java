package io.promptcache.spring;

import io.promptcache.CachingModelBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Settings of the PromptCache auto-configuration, under {@code promptcache.*}. */
@ConfigurationProperties(prefix = "promptcache")
public class PromptCacheProperties {

    /** Whether every ChatModel and StreamingChatModel bean is wrapped in the cache. */
    private boolean enabled = true;

    /** Time to live of cached answers. */
    private Duration ttl = CachingModelBuilder.DEFAULT_TTL;

    /** Latency budget of a lookup; past it the call goes on to the model. */
    private Duration lookupTimeout = CachingModelBuilder.DEFAULT_LOOKUP_TIMEOUT;

    /** Latency budget of storing an answer; past it the write finishes in the background. */
    private Duration writeTimeout = CachingModelBuilder.DEFAULT_WRITE_TIMEOUT;

    /** Maximum entries per tenant; the least recently used go first. */
    private int maxEntriesPerTenant = 10_000;

    /** When true, users of one tenant never share answers, not even first-turn ones. */
    private boolean perUserIsolation;

    /** Tenant of calls made outside any CacheScope (and of web requests that name none). */
    private String defaultTenant = CachingModelBuilder.DEFAULT_TENANT;

    /** Send system messages first and tools in canonical order, for the provider's prefix cache. */
    private boolean canonicalLayout = true;

    /** Names of ChatModel or StreamingChatModel beans that must not be wrapped. */
    private List<String> exclude = new ArrayList<>();

    private final Store store = new Store();
    private final Semantic semantic = new Semantic();
    private final Embedding embedding = new Embedding();
    private final Web web = new Web();
    private final Metrics metrics = new Metrics();
    private final Health health = new Health();
    private final Cassette cassette = new Cassette();
    private final SpringAi springAi = new SpringAi();

    /** Record-and-replay for tests: every ChatModel and StreamingChatModel bean answers from recordings. */
    public static class Cassette {
        /**
         * Directory of the recordings; setting it wraps every model bean in a cassette (for a test, e.g.
         * src/test/resources/cassettes/my-agent). Unset: no cassette.
         */
        private String directory;

        /** replay (CI), record or record-missing; -Dpromptcache.cassette.mode and PROMPTCACHE_CASSETTE_MODE override it. */
        private io.promptcache.cassette.CassetteMode mode = io.promptcache.cassette.CassetteMode.REPLAY;

        public String getDirectory() {
            return directory;
        }

        public void setDirectory(String directory) {
            this.directory = directory;
        }

        public io.promptcache.cassette.CassetteMode getMode() {
            return mode;
        }

        public void setMode(io.promptcache.cassette.CassetteMode mode) {
            this.mode = mode;
        }
    }

    public Cassette getCassette() {
        return cassette;
    }

    /** The Actuator health component {@code promptcache}. */
    public static class Health {
        /**
         * Report OUT_OF_SERVICE while the cache's store is down, so that readiness follows the cache. Off by
         * default: the cache fails open (calls still get their answers, uncached), so it never takes the
         * application out of service unless asked to.
         */
        private boolean outOfServiceWhenStoreDown;

        public boolean isOutOfServiceWhenStoreDown() {
            return outOfServiceWhenStoreDown;
        }

        public void setOutOfServiceWhenStoreDown(boolean outOfServiceWhenStoreDown) {
            this.outOfServiceWhenStoreDown = outOfServiceWhenStoreDown;
        }
    }

    public Health getHealth() {
        return health;
    }

    /** Meters. */
    public static class Metrics {
        /**
         * Also count calls by tenant (promptcache.tenant.requests). Off by default: every tenant id becomes a time
         * series, and tenant ids are your users' data. Only for a small, known set of tenants.
         */
        private boolean tenantTag;

        public boolean isTenantTag() {
            return tenantTag;
        }

        public void setTenantTag(boolean tenantTag) {
            this.tenantTag = tenantTag;
        }
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** Where entries and vectors live. */
    public static class Store {
        /** "memory", or a Redis URL: redis://, rediss:// or redis-cluster://host:port,host:port. */
        private String url = "memory";

        /** Prefix of every Redis key the cache writes. */
        private String keyPrefix = "pc";

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        boolean redis() {
            return !"memory".equalsIgnoreCase(url.strip());
        }
    }

    /** The semantic tier. */
    public static class Semantic {
        /** Whether paraphrases are served (the exact tier is always on). */
        private boolean enabled = true;

        /**
         * Cosine similarity a neighbour needs before the verifiers look at it, for every embedding model. Unset:
         * each model's calibrated threshold (0.955 for bge-small-zh and other models, 0.95 for bge-small-en).
         */
        private Double threshold;

        private final SelfCalibration selfCalibration = new SelfCalibration();

        public SelfCalibration getSelfCalibration() {
            return selfCalibration;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Double getThreshold() {
            return threshold;
        }

        public void setThreshold(Double threshold) {
            this.threshold = threshold;
        }
    }

    /**
     * Self-calibration: each vector space learns its own threshold from a judge, to a bound on the share of served
     * semantic hits that are wrong. The judge is the application's own chat model unless a {@code PairJudge} bean is
     * defined. See docs/quality.md.
     */
    public static class SelfCalibration {
        /** Whether each vector space calibrates itself. */
        private boolean enabled;

        /** The share of served semantic hits allowed to be wrong, in (0, 0.5). */
        private double maxWrongShare = io.promptcache.calibration.SelfCalibration.DEFAULT_MAX_WRONG_SHARE;

        /** The judge's own error rate, measured on labelled pairs, in [0, 0.5); 0 makes any judge error a reason for more care. */
        private double judgeNoise;

        /** Confidence of the bound, in (0.5, 1). */
        private double confidence = io.promptcache.calibration.SelfCalibration.DEFAULT_CONFIDENCE;

        /** Cosine a best candidate needs before it is judged; unset: the model's own (0.85 for the in-process models, 0.80 otherwise). */
        private Double floor;

        /** Judge calls per hour, per instance (> 0). */
        private int judgeCallsPerHour = io.promptcache.calibration.SelfCalibration.DEFAULT_JUDGE_CALLS_PER_HOUR;

        /** Judge calls in all, by every instance on the store together (> 0). */
        private long maxJudgeCalls = io.promptcache.calibration.SelfCalibration.DEFAULT_MAX_JUDGE_CALLS;

        /** Share of candidates still judged once a space serves, in (0, 1]. */
        private double servingSample = io.promptcache.calibration.SelfCalibration.DEFAULT_SERVING_SAMPLE;

        /** Judged pairs a space needs before it serves at a learnt threshold (> 0). */
        private int minJudged = io.promptcache.calibration.SelfCalibration.DEFAULT_MIN_JUDGED;

        /** Judged pairs kept per space, the newest (> 0). */
        private int maxPairs = io.promptcache.calibration.SelfCalibration.DEFAULT_MAX_PAIRS;

        /** How long one judge call may take. */
        private Duration judgeTimeout = io.promptcache.calibration.SelfCalibration.DEFAULT_JUDGE_TIMEOUT;

        /** Whether a space in shadow serves at the threshold known for its model (shipped, or promptcache.semantic.threshold). */
        private boolean keepKnownThreshold = true;

        /** Whether the wrong-share bound holds at every look (a confidence sequence) instead of at each look alone (Clopper-Pearson). */
        private boolean anytimeValid;

        /** Newest verdicts the drift test reads (0: off); a change in traffic they show makes the space forget older ones. */
        private int driftWindow = io.promptcache.calibration.SelfCalibration.DEFAULT_DRIFT_WINDOW;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public double getMaxWrongShare() {
            return maxWrongShare;
        }

        public void setMaxWrongShare(double maxWrongShare) {
            this.maxWrongShare = maxWrongShare;
        }

        public double getJudgeNoise() {
            return judgeNoise;
        }

        public void setJudgeNoise(double judgeNoise) {
            this.judgeNoise = judgeNoise;
        }

        public double getConfidence() {
            return confidence;
        }

        public void setConfidence(double confidence) {
            this.confidence = confidence;
        }

        public Double getFloor() {
            return floor;
        }

        public void setFloor(Double floor) {
            this.floor = floor;
        }

        public int getJudgeCallsPerHour() {
            return judgeCallsPerHour;
        }

        public void setJudgeCallsPerHour(int judgeCallsPerHour) {
            this.judgeCallsPerHour = judgeCallsPerHour;
        }

        public long getMaxJudgeCalls() {
            return maxJudgeCalls;
        }

        public void setMaxJudgeCalls(long maxJudgeCalls) {
            this.maxJudgeCalls = maxJudgeCalls;
        }

        public double getServingSample() {
            return servingSample;
        }

        public void setServingSample(double servingSample) {
            this.servingSample = servingSample;
        }

        public int getMinJudged() {
            return minJudged;
        }

        public void setMinJudged(int minJudged) {
            this.minJudged = minJudged;
        }

        public int getMaxPairs() {
            return maxPairs;
        }

        public void setMaxPairs(int maxPairs) {
            this.maxPairs = maxPairs;
        }

        public Duration getJudgeTimeout() {
            return judgeTimeout;
        }

        public void setJudgeTimeout(Duration judgeTimeout) {
            this.judgeTimeout = judgeTimeout;
        }

        public boolean isKeepKnownThreshold() {
            return keepKnownThreshold;
        }

        public void setKeepKnownThreshold(boolean keepKnownThreshold) {
            this.keepKnownThreshold = keepKnownThreshold;
        }

        public boolean isAnytimeValid() {
            return anytimeValid;
        }

        public void setAnytimeValid(boolean anytimeValid) {
            this.anytimeValid = anytimeValid;
        }

        public int getDriftWindow() {
            return driftWindow;
        }

        public void setDriftWindow(int driftWindow) {
            this.driftWindow = driftWindow;
        }

        /**
         * The settings, checked: a bad value fails the application's start naming its property.
         *
         * @param judge a judge bean of the application, or null for the wrapped model
         */
        public io.promptcache.calibration.SelfCalibration toSettings(io.promptcache.calibration.PairJudge judge) {
            io.promptcache.calibration.SelfCalibration.Builder b = io.promptcache.calibration.SelfCalibration.builder();
            String prefix = "promptcache.semantic.self-calibration.";
            check(prefix + "max-wrong-share", () -> b.maxWrongShare(maxWrongShare));
            check(prefix + "judge-noise", () -> b.judgeNoise(judgeNoise));
            check(prefix + "confidence", () -> b.confidence(confidence));
            if (floor != null) {
                check(prefix + "floor", () -> b.floor(floor));
            }
            check(prefix + "judge-calls-per-hour", () -> b.judgeCallsPerHour(judgeCallsPerHour));
            check(prefix + "max-judge-calls", () -> b.maxJudgeCalls(maxJudgeCalls));
            check(prefix + "serving-sample", () -> b.servingSample(servingSample));
            check(prefix + "min-judged", () -> b.minJudged(minJudged));
            check(prefix + "max-pairs", () -> b.maxPairs(maxPairs));
            check(prefix + "judge-timeout", () -> b.judgeTimeout(judgeTimeout));
            b.keepKnownThreshold(keepKnownThreshold).anytimeValid(anytimeValid);
            check(prefix + "drift-window", () -> b.driftWindow(driftWindow));
            if (judge != null) {
                b.judge(judge);
            }
            return b.build();
        }

        private static void check(String property, Runnable set) {
            try {
                set.run();
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
            }
        }
    }

    /** The model that embeds questions. */
    public static class Embedding {
        /**
         * "inprocess" (in the JVM: bge-small-en-v1.5 for Latin-script questions, bge-small-zh-v1.5 for the rest)
         * or "ollama" (bge-m3, the production choice).
         */
        private String provider = "inprocess";

        private final Ollama ollama = new Ollama();

        public String getProvider() {
            return provider;
        }

        public void setProvider(String provider) {
            this.provider = provider;
        }

        public Ollama getOllama() {
            return ollama;
        }
    }

    /** Ollama. */
    public static class Ollama {
        /** Ollama's base URL. */
        private String baseUrl = "http://localhost:11434";

        /** The embedding model Ollama serves. */
        private String modelName = "bge-m3";

        /** Vector size of the model, needed only for a model other than the well-known ones when Ollama may be down at start. */
        private Integer dimension;

        /** How long one embedding may take. */
        private Duration timeout = Duration.ofSeconds(5);

        public String getBaseUrl() {
            return baseUrl;
        }

        public void setBaseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
        }

        public String getModelName() {
            return modelName;
        }

        public void setModelName(String modelName) {
            this.modelName = modelName;
        }

        public Integer getDimension() {
            return dimension;
        }

        public void setDimension(Integer dimension) {
            this.dimension = dimension;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** Tenant and user of web requests. */
    public static class Web {
        /** Whether a servlet filter opens a CacheScope around each request. */
        private boolean enabled = true;

        /** Request header naming the tenant. */
        private String tenantHeader = "X-Tenant-Id";

        /** Request header naming the user; the authenticated principal is used when it is absent. */
        private String userHeader = "X-User-Id";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getTenantHeader() {
            return tenantHeader;
        }

        public void setTenantHeader(String tenantHeader) {
            this.tenantHeader = tenantHeader;
        }

        public String getUserHeader() {
            return userHeader;
        }

        public void setUserHeader(String userHeader) {
            this.userHeader = userHeader;
        }
    }

    /**
     * Fails start-up on a value that cannot work, naming the property and what it accepts: a cache that
     * silently does something else is worse than an application that does not start.
     */
    void validate() {
        if (ttl == null || ttl.isNegative()) {
            throw new IllegalArgumentException("promptcache.ttl must be a positive duration (or 0 for no expiry), was " + ttl);
        }
        for (Duration d : new Duration[]{lookupTimeout, writeTimeout}) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("promptcache.lookup-timeout and promptcache.write-timeout must be "
                        + "positive durations, were " + lookupTimeout + " and " + writeTimeout);
            }
        }
        if (maxEntriesPerTenant < 1) {
            throw new IllegalArgumentException("promptcache.max-entries-per-tenant must be at least 1, was " + maxEntriesPerTenant);
        }
        Double t = semantic.threshold;
        if (t != null && !(t > 0 && t <= 1)) {
            throw new IllegalArgumentException("promptcache.semantic.threshold must be in (0, 1], was " + t);
        }
        String provider = embedding.provider == null ? "" : embedding.provider.toLowerCase(Locale.ROOT);
        if (!provider.equals("inprocess") && !provider.equals("ollama")) {
            throw new IllegalArgumentException("promptcache.embedding.provider must be inprocess or ollama, was '"
                    + embedding.provider + "'");
        }
        String url = store.url == null ? "" : store.url.strip();
        if (!url.equalsIgnoreCase("memory") && !url.matches("(?i)(redis|rediss|redis-cluster)://.+")) {
            throw new IllegalArgumentException("promptcache.store.url must be memory, redis://…, rediss://… or "
                    + "redis-cluster://…, was '" + store.url + "'");
        }
        if (defaultTenant == null || defaultTenant.isBlank()) {
            throw new IllegalArgumentException("promptcache.default-tenant must not be blank");
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration getLookupTimeout() {
        return lookupTimeout;
    }

    public void setLookupTimeout(Duration lookupTimeout) {
        this.lookupTimeout = lookupTimeout;
    }

    public Duration getWriteTimeout() {
        return writeTimeout;
    }

    public void setWriteTimeout(Duration writeTimeout) {
        this.writeTimeout = writeTimeout;
    }

    public int getMaxEntriesPerTenant() {
        return maxEntriesPerTenant;
    }

    public void setMaxEntriesPerTenant(int maxEntriesPerTenant) {
        this.maxEntriesPerTenant = maxEntriesPerTenant;
    }

    public boolean isPerUserIsolation() {
        return perUserIsolation;
    }

    public void setPerUserIsolation(boolean perUserIsolation) {
        this.perUserIsolation = perUserIsolation;
    }

    public String getDefaultTenant() {
        return defaultTenant;
    }

    public void setDefaultTenant(String defaultTenant) {
        this.defaultTenant = defaultTenant;
    }

    public boolean isCanonicalLayout() {
        return canonicalLayout;
    }

    public void setCanonicalLayout(boolean canonicalLayout) {
        this.canonicalLayout = canonicalLayout;
    }

    public List<String> getExclude() {
        return exclude;
    }

    public void setExclude(List<String> exclude) {
        this.exclude = exclude;
    }

    public Store getStore() {
        return store;
    }

    public Semantic getSemantic() {
        return semantic;
    }

    public Embedding getEmbedding() {
        return embedding;
    }

    public Web getWeb() {
        return web;
    }

    public SpringAi getSpringAi() {
        return springAi;
    }

    /** Spring AI applications (Spring AI 2.0 on the class path). */
    public static class SpringAi {
        /**
         * How the cache reaches Spring AI: MODEL wraps every Spring AI ChatModel bean, so every ChatClient gets it;
         * ADVISOR wraps none and offers a PromptCacheAdvisor bean to add to the clients that should use it.
         */
        private Mode mode = Mode.MODEL;

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public enum Mode {
            /** Wrap every Spring AI ChatModel bean. */
            MODEL,
            /** Wrap none; a PromptCacheAdvisor bean for the ChatClients that should use the cache. */
            ADVISOR
        }
    }
}
