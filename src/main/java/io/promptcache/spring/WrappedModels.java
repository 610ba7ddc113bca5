package io.promptcache.spring;

import io.promptcache.AbstractCachingModel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The caching models the auto-configuration made, by the name of the bean each wraps. */
public final class WrappedModels {

    private final Map<String, AbstractCachingModel> byBean = new ConcurrentHashMap<>();

    void add(String beanName, AbstractCachingModel model) {
        byBean.put(beanName, model);
    }

    public Map<String, AbstractCachingModel> all() {
        return Map.copyOf(byBean);
    }
}
