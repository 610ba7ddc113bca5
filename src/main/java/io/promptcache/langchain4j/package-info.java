/**
 * The LangChain4j front door's conversions: a LangChain4j {@code ChatRequest} into the engine's
 * {@link io.promptcache.core.CacheRequest}, and answers both ways. The decorators the application uses
 * ({@code CachingChatModel}, {@code CachingStreamingChatModel}) stay in {@code io.promptcache}, where they have always
 * been.
 */
package io.promptcache.langchain4j;
