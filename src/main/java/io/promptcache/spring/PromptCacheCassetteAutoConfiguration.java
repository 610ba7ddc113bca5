package io.promptcache.spring;

import dev.langchain4j.model.chat.ChatModel;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Cassettes for a Spring Boot test: {@code promptcache.cassette.directory=src/test/resources/cassettes/my-agent}
 * records or replays every model bean (docs/testing.md). Independent of {@code promptcache.enabled}.
 */
@AutoConfiguration
@ConditionalOnClass(ChatModel.class)
@ConditionalOnProperty(prefix = "promptcache.cassette", name = "directory")
public class PromptCacheCassetteAutoConfiguration {

    // Static, and bound straight from the environment: a BeanPostProcessor is made before other beans, the
    // properties bean included.
    @Bean
    static CassetteModelPostProcessor promptCacheCassettePostProcessor(Environment environment) {
        return new CassetteModelPostProcessor(Binder.get(environment)
                .bind("promptcache.cassette", PromptCacheProperties.Cassette.class)
                .orElseGet(PromptCacheProperties.Cassette::new));
    }
}
