package io.promptcache.cli;

import io.promptcache.redis.RedisCacheStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code promptcache clear [--tenant T]}: removes a tenant's entries, or every tenant's. */
@Command(name = "clear", mixinStandardHelpOptions = true, description = "Remove the entries of one tenant, or of all tenants.")
public final class ClearCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Option(names = "--tenant", paramLabel = "ID", description = "Only this tenant (default: every tenant).")
    String tenant;

    private final PrintStream out = System.out;

    @Override
    public Integer call() {
        if (!store.redis()) {
            out.println("the memory store lives inside one process; give --store redis://… to clear a shared cache");
            return 0;
        }
        try (RedisCacheStore cache = RedisCacheStore.builder().config(store.redisConfig()).build()) {
            List<String> tenants = tenant != null ? List.of(tenant) : cache.tenants();
            long removed = 0;
            for (String t : tenants) {
                removed += cache.clearTenant(t);
            }
            if (tenant == null) {
                cache.client().del(cache.keys().events(), cache.keys().meta(), cache.keys().tenants());
            }
            out.printf("removed %d entries of %d tenant(s)%n", removed, tenants.size());
        }
        return 0;
    }
}
