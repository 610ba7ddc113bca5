/**
 * The Spring AI 2.0 front door: {@link io.promptcache.springai.SpringAiCachingChatModel}, a decorator for Spring
 * AI's {@code ChatModel}, and {@link io.promptcache.springai.PromptCacheAdvisor}, the same cache as a
 * {@code ChatClient} advisor. Both translate Spring AI's prompt and answer to the engine's request model and back
 * ({@code SpringAiRequests}, {@code SpringAiResponses}) and run the same tiers, scope, verification, meters and
 * erasure as the LangChain4j models. Spring AI is an optional dependency: nothing here loads unless it is present.
 */
package io.promptcache.springai;
