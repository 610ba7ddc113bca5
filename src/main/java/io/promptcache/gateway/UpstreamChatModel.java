package io.promptcache.gateway;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;

/**
 * The provider behind the cache, for blocking calls: sends the client's own body (from {@link UpstreamCall}), not
 * one rebuilt from the {@code ChatRequest}, so nothing the client asked for is lost on the way.
 */
final class UpstreamChatModel implements ChatModel {

    private final UpstreamClient client;

    UpstreamChatModel(UpstreamClient client) {
        this.client = client;
    }

    @Override
    public ChatResponse doChat(ChatRequest ignored) {
        UpstreamCall call = UpstreamCall.current();
        UpstreamClient.Reply reply = client.exchange("POST", "/chat/completions", call.body(), call.headers());
        ChatResponse response = reply.status() == 200 ? OpenAiResponses.read(reply.body()) : null;
        if (response == null) {
            throw UpstreamException.replied(reply.status(), reply.body(), reply.contentType());
        }
        call.providerBody(reply.body());
        return response;
    }

    /** OpenAI's parameter type, so that merging defaults keeps the custom parameters the key is made of. */
    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return OpenAiChatRequestParameters.builder().build();
    }
}
