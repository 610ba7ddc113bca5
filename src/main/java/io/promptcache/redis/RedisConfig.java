package io.promptcache.redis;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How to reach Redis: a URL ({@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS,
 * or {@code redis-cluster://host:port,host:port} for a cluster), timeouts, pool size and key prefix.
 * {@link #connect()} returns a {@link UnifiedJedis}: one client type for standalone and cluster.
 */
public final class RedisConfig {

    public static final String DEFAULT_KEY_PREFIX = "pc";

    private final Set<HostAndPort> nodes;
    private final boolean cluster;
    private final boolean tls;
    private final String user;
    private final String password;
    private final int database;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int poolSize;
    private final String keyPrefix;

    private RedisConfig(Builder b) {
        this.nodes = Set.copyOf(b.nodes);
        this.cluster = b.cluster;
        this.tls = b.tls;
        this.user = b.user;
        this.password = b.password;
        this.database = b.database;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.poolSize = b.poolSize;
        this.keyPrefix = b.keyPrefix;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Parses a URL; the other settings keep their defaults. */
    public static RedisConfig fromUrl(String url) {
        return builder().url(url).build();
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    public boolean cluster() {
        return cluster;
    }

    public Set<HostAndPort> nodes() {
        return nodes;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    /** A new client; the caller owns it and closes it. */
    public UnifiedJedis connect() {
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) connectTimeout.toMillis())
                .socketTimeoutMillis((int) readTimeout.toMillis())
                .ssl(tls)
                .clientName("promptcache");
        if (password != null) {
            client.user(user).password(password);
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setMinIdle(0);
        // Never wait long for a connection: a starved pool is a cache fault, and cache faults fail open.
        pool.setMaxWait(connectTimeout);
        pool.setJmxEnabled(false);
        if (cluster) {
            JedisClientConfig config = client.build();
            return new JedisCluster(nodes, config, 3, pool);
        }
        client.database(database);
        return new JedisPooled(nodes.iterator().next(), client.build(), pool);
    }

    @Override
    public String toString() {
        // Never print the password.
        return (cluster ? "redis-cluster://" : tls ? "rediss://" : "redis://") + nodes + (cluster ? "" : "/" + database)
                + " prefix=" + keyPrefix;
    }

    /** Builder of {@link RedisConfig}. */
    public static final class Builder {
        private final Set<HostAndPort> nodes = new LinkedHashSet<>();
        private boolean cluster;
        private boolean tls;
        private String user;
        private String password;
        private int database;
        private Duration connectTimeout = Duration.ofMillis(500);
        private Duration readTimeout = Duration.ofMillis(500);
        private int poolSize = 16;
        private String keyPrefix = DEFAULT_KEY_PREFIX;

        public Builder url(String url) {
            Objects.requireNonNull(url, "url");
            URI uri;
            try {
                uri = URI.create(url.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a Redis URL (expected redis://host:port/db): " + e.getMessage());
            }
            String scheme = uri.getScheme();
            if (scheme == null) {
                throw new IllegalArgumentException("not a Redis URL (expected redis://host:port/db)");
            }
            switch (scheme) {
                case "redis" -> tls = false;
                case "rediss" -> tls = true;
                case "redis-cluster", "rediss-cluster" -> {
                    cluster = true;
                    tls = scheme.startsWith("rediss");
                }
                default -> throw new IllegalArgumentException("unsupported scheme '" + scheme
                        + "': use redis://, rediss:// or redis-cluster://");
            }
            String authority = uri.getRawAuthority();
            if (authority == null || authority.isBlank()) {
                throw new IllegalArgumentException("the Redis URL has no host");
            }
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String info = authority.substring(0, at);
                int colon = info.indexOf(':');
                if (colon >= 0) {
                    String u = decode(info.substring(0, colon));
                    user = u.isEmpty() ? null : u;
                    password = decode(info.substring(colon + 1));
                } else {
                    password = decode(info);
                }
                authority = authority.substring(at + 1);
            }
            nodes.clear();
            for (String hp : authority.split(",")) {
                nodes.add(hostAndPort(hp));
            }
            String path = uri.getPath();
            if (path != null && path.length() > 1) {
                try {
                    database = Integer.parseInt(path.substring(1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("the Redis database must be a number, was '" + path.substring(1) + "'");
                }
                if (cluster && database != 0) {
                    throw new IllegalArgumentException("Redis Cluster has only database 0");
                }
            }
            return this;
        }

        private static HostAndPort hostAndPort(String hp) {
            String s = hp.strip();
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                return new HostAndPort(s, 6379);
            }
            try {
                return new HostAndPort(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad Redis port in '" + s + "'");
            }
        }

        private static String decode(String s) {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive("connectTimeout", d);
            return this;
        }

        public Builder readTimeout(Duration d) {
            this.readTimeout = positive("readTimeout", d);
            return this;
        }

        public Builder poolSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("poolSize must be at least 1");
            }
            this.poolSize = n;
            return this;
        }

        /** Prefix of every key; letters, digits, '-', '_' and '.' only. */
        public Builder keyPrefix(String prefix) {
            Objects.requireNonNull(prefix, "keyPrefix");
            if (!prefix.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("keyPrefix must be 1-64 characters of [A-Za-z0-9._-]");
            }
            this.keyPrefix = prefix;
            return this;
        }

        public RedisConfig build() {
            if (nodes.isEmpty()) {
                nodes.add(new HostAndPort("127.0.0.1", 6379));
            }
            return new RedisConfig(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
