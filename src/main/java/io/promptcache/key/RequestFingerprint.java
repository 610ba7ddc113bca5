package io.promptcache.key;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.ChatMessageType;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param exactKey  hex SHA-256 of the whole request
 * @param scopeKey  hex SHA-256 of the semantic partition
 * @param question  text of the last user message, or {@code null} when the request ends otherwise
 * @param lastMessageType type of the last message
 * @param conversationTurns how many messages (other than system messages) precede the question
 */
public record RequestFingerprint(String exactKey, String scopeKey, String question,
                                 ChatMessageType lastMessageType, int conversationTurns) {

    private static final int VERSION = 1;

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

        Map<String, Object> params = RequestParametersCanonicalizer.toMap(request.parameters());
        String tools = ToolSpecifications.canonicalJson(request.toolSpecifications());

        List<JsonNode> all = new ArrayList<>(messages.size());
        List<JsonNode> system = new ArrayList<>();
        for (ChatMessage message : messages) {
            JsonNode node = CanonicalJson.parse(ChatMessageSerializer.messageToJson(message));
            all.add(node);
            if (message instanceof SystemMessage) {
                system.add(node);
            }
        }

        int lastUser = -1;
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage) {
                lastUser = i;
                break;
            }
        }
        ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        String question = null;
        if (last instanceof UserMessage user0 && user0.hasSingleText()) {
            question = user0.singleText();
        }

        // The conversation before the question: every non-system message before the last user message.
        List<JsonNode> context = new ArrayList<>();
        for (int i = 0; i < Math.max(lastUser, 0); i++) {
            if (!(messages.get(i) instanceof SystemMessage)) {
                context.add(all.get(i));
            }
        }

        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("v", VERSION);
        identity.put("tenant", tenant);
        identity.put("user", user);
        identity.put("params", params);
        identity.put("tools", CanonicalJson.parse(tools));

        Map<String, Object> exact = new LinkedHashMap<>(identity);
        exact.put("kind", "exact");
        exact.put("messages", all);

        Map<String, Object> scope = new LinkedHashMap<>(identity);
        scope.put("kind", "scope");
        scope.put("system", system);
        scope.put("context", context);

        return new RequestFingerprint(
                Sha256.hex(CanonicalJson.write(exact)),
                Sha256.hex(CanonicalJson.write(scope)),
                question,
                last == null ? null : last.type(),
                context.size());
    }
}
