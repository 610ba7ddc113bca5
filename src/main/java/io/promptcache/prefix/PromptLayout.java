package io.promptcache.prefix;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import io.promptcache.key.ToolSpecifications;

import java.util.ArrayList;
import java.util.List;

/**
 * The request layout that earns the provider's prefix-cache discount: system messages first, tool
 * specifications in canonical order, volatile content (the conversation) last. Requests already in
 * that layout are returned as they are.
 */
public final class PromptLayout {

    private PromptLayout() {
    }

    public static ChatRequest canonical(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        boolean systemFirst = systemMessagesFirst(messages);
        boolean toolsSorted = ToolSpecifications.isSorted(request.toolSpecifications());
        if (systemFirst && toolsSorted) {
            return request;
        }
        List<ChatMessage> reordered = messages;
        if (!systemFirst) {
            reordered = new ArrayList<>(messages.size());
            for (ChatMessage m : messages) {
                if (m instanceof SystemMessage) {
                    reordered.add(m);
                }
            }
            for (ChatMessage m : messages) {
                if (!(m instanceof SystemMessage)) {
                    reordered.add(m);
                }
            }
        }
        ChatRequestParameters parameters = request.parameters();
        if (!toolsSorted) {
            parameters = parameters.overrideWith(DefaultChatRequestParameters.builder()
                    .toolSpecifications(ToolSpecifications.sorted(request.toolSpecifications()))
                    .build());
        }
        return ChatRequest.builder().messages(reordered).parameters(parameters).build();
    }

    static boolean systemMessagesFirst(List<ChatMessage> messages) {
        boolean seenOther = false;
        for (ChatMessage m : messages) {
            if (m instanceof SystemMessage) {
                if (seenOther) {
                    return false;
                }
            } else {
                seenOther = true;
            }
        }
        return true;
    }
}
