/**
 * The engine's own request and answer model, which no framework's types appear in: what every front door (the
 * LangChain4j decorators, Spring AI, the OpenAI-compatible gateway) reads its framework's request into, and what the
 * engine keys, stores and replays.
 *
 * <ul>
 *   <li>{@link io.promptcache.core.CacheRequest}: messages with roles, tool definitions, the parameters the provider
 *       reads, as canonical JSON.</li>
 *   <li>{@link io.promptcache.core.CacheMessage}: one message, with its {@linkplain
 *       io.promptcache.core.CacheMessage#encoded() encoding}: the bytes its part of the key is computed from.</li>
 *   <li>{@link io.promptcache.core.CacheAnswer}: the answer, with its tool calls, finish reason, token usage and the
 *       provider's usage object as it sent it.</li>
 * </ul>
 *
 * A front door owns the conversion both ways; the engine never sees a framework's type.
 */
package io.promptcache.core;
