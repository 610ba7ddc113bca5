package io.promptcache.springextra;

import dev.langchain4j.model.chat.ChatModel;
import io.promptcache.CachingChatModel;
import io.promptcache.store.CacheStore;
import io.promptcache.store.InMemoryCacheStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans an application declares itself: its own store, and a model it already wrapped. Outside the scanned package. */
@Configuration(proxyBeanMethods = false)
public class OwnBeans {

    public static final CacheStore STORE = InMemoryCacheStore.builder().maxEntriesPerTenant(7).build();

    @Bean
    CacheStore myStore() {
        return STORE;
    }

    @Bean
    ChatModel myCachedModel(@Value("${langchain4j.open-ai.chat-model.base-url}") String baseUrl) {
        return CachingChatModel.builder().delegate(io.promptcache.deepseek.DeepSeek.chatModel(
                new io.promptcache.deepseek.DeepSeek.Endpoint(baseUrl, "sk-test", "deepseek-chat", java.time.Duration.ofSeconds(10))))
                .build();
    }
}
