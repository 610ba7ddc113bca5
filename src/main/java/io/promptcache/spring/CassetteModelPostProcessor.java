package io.promptcache.spring;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import io.promptcache.cassette.CassetteChatModel;
import io.promptcache.cassette.CassetteStreamingChatModel;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;

import java.nio.file.Path;

/**
 * Wraps every {@link ChatModel} and {@link StreamingChatModel} bean in a cassette when
 * {@code promptcache.cassette.directory} is set: a Spring Boot test records or replays with one property.
 * It runs before the cache's wrapping, so the cassette sits next to the real model and the cache above it.
 */
final class CassetteModelPostProcessor implements BeanPostProcessor, Ordered {

    private final PromptCacheProperties.Cassette settings;

    CassetteModelPostProcessor(PromptCacheProperties.Cassette settings) {
        this.settings = settings;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof CassetteChatModel || bean instanceof CassetteStreamingChatModel) {
            return bean;
        }
        PromptCacheProperties.Cassette c = settings;
        if (bean instanceof ChatModel chat) {
            return CassetteChatModel.builder().delegate(chat).directory(Path.of(c.getDirectory())).mode(c.getMode()).build();
        }
        if (bean instanceof StreamingChatModel streaming) {
            return CassetteStreamingChatModel.builder().delegate(streaming).directory(Path.of(c.getDirectory())).mode(c.getMode())
                    .build();
        }
        return bean;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
