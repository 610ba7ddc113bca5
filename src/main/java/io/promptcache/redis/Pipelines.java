package io.promptcache.redis;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Opens a pipeline on any Jedis from 6 to 7. {@code UnifiedJedis.pipelined()} returns a
 * {@code PipelineBase} in Jedis 6 (the version Spring Boot 3.5 manages) and an {@code AbstractPipeline}
 * in Jedis 7, so code compiled against one throws {@code NoSuchMethodError} on the other. Both are
 * {@link AbstractPipeline}s, so the method is looked up by name once and its result used as one.
 */
final class Pipelines {

    private static final MethodHandle PIPELINED = find();

    private Pipelines() {
    }

    private static MethodHandle find() {
        try {
            MethodHandle h = MethodHandles.publicLookup().unreflect(UnifiedJedis.class.getMethod("pipelined"));
            return h.asType(MethodType.methodType(AbstractPipeline.class, UnifiedJedis.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new ExceptionInInitializerError("this Jedis has no UnifiedJedis.pipelined(): use Jedis 6 or 7 (" + e + ")");
        }
    }

    static AbstractPipeline open(UnifiedJedis jedis) {
        try {
            return (AbstractPipeline) PIPELINED.invokeExact(jedis);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
