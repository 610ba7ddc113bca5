package io.promptcache.redis;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A constant Lua script of ours, run by its SHA-1 ({@code EVALSHA}) and loaded on first use on each
 * node. Scripts only ever receive stored data as arguments; nothing stored is ever evaluated.
 */
final class LuaScript {

    private final byte[] source;
    private final byte[] sha;

    LuaScript(String source) {
        this.source = source.getBytes(StandardCharsets.UTF_8);
        try {
            // SHA-1 is what Redis names scripts by; it is an identifier here, not a security measure.
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.source))
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The script's SHA-1, for pipelines. */
    byte[] sha() {
        return sha;
    }

    Object run(UnifiedJedis jedis, List<byte[]> keys, List<byte[]> args) {
        try {
            return jedis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return jedis.eval(source, keys, args);
        }
    }
}
