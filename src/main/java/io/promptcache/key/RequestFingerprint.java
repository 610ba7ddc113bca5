package io.promptcache.key;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.ChatMessageType;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;

import java.util.List;
import java.util.Objects;

/**
 * The two keys of one effective request.
 *
 * <ul>
 *   <li>{@link #exactKey()}: SHA-256 of the whole request (tenant, user when isolated, model and
 *       every parameter, response format, sorted tools, every message).</li>
 *   <li>{@link #scopeKey()}: SHA-256 of everything except the last user message. A semantic match
 *       is only looked for among entries with the same scope, so a follow-up question can never be
 *       answered from another conversation, another system prompt, model or tool set.</li>
 * </ul>
 *
 * Both digests are fed field by field with length prefixes, so no tenant id, message or parameter
 * can be crafted to collide with another request's fields.
 *
 * @param exactKey  hex SHA-256 of the whole request
 * @param scopeKey  hex SHA-256 of the semantic partition
 * @param question  text of the last user message, or {@code null} when the request ends otherwise
 * @param lastMessageType type of the last message
 * @param conversationTurns how many messages (other than system messages) precede the question
 */
public record RequestFingerprint(String exactKey, String scopeKey, String question,
                                 ChatMessageType lastMessageType, int conversationTurns) {

    private static final String VERSION = "promptcache-key-v1";

    public RequestFingerprint {
        Objects.requireNonNull(exactKey, "exactKey");
        Objects.requireNonNull(scopeKey, "scopeKey");
    }

    /** True when a semantic lookup is allowed: the request ends in a plain-text user message. */
    public boolean semanticEligible() {
        return question != null && lastMessageType == ChatMessageType.USER;
    }

    /**
     * @param request effective request: the model's default parameters already overridden by the request's
     * @param tenant  tenant id, always part of both keys
     * @param user    user id when users are isolated from each other, otherwise {@code null}
     */
    public static RequestFingerprint of(ChatRequest request, String tenant, String user) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(tenant, "tenant");
        List<ChatMessage> messages = request.messages();
        String params = CanonicalJson.write(RequestParametersCanonicalizer.toMap(request.parameters()));
        String tools = ToolSpecifications.canonicalJson(request.toolSpecifications());

        int lastUser = -1;
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage) {
                lastUser = i;
                break;
            }
        }
        ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        String question = last instanceof UserMessage u && u.hasSingleText() ? u.singleText() : null;

        Sha256 exact = Sha256.start().field(VERSION).field("exact").field(tenant).field(user).field(params).field(tools);
        Sha256 scope = Sha256.start().field(VERSION).field("scope").field(tenant).field(user).field(params).field(tools);
        int context = 0;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            // LangChain4j's serializer writes a message's fields in a fixed order: deterministic bytes.
            String json = ChatMessageSerializer.messageToJson(message);
            exact.field(json);
            if (message instanceof SystemMessage) {
                scope.field("system").field(json);
            } else if (i < lastUser) {
                scope.field("context").field(json);
                context++;
            }
        }
        return new RequestFingerprint(exact.hex(), scope.hex(), question, last == null ? null : last.type(), context);
    }
}
