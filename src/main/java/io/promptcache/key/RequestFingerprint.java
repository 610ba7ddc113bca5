package io.promptcache.key;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.ChatMessageType;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;

import java.util.ArrayList;
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
 * Both digests are fed field by field with length prefixes, so no tenant id, message or parameter
 * can be crafted to collide with another request's fields.
 *
 * @param exactKey  hex SHA-256 of the whole request
 * @param scopeKey  hex SHA-256 of the semantic partition
 * @param question  text of the last user message, or {@code null} when the request ends otherwise
 * @param lastMessageType type of the last message
 * @param conversationTurns how many messages (other than system messages) precede the question
 * @param literalScopeKey the scope key of the request as sent, before any earlier question was replaced by
 *                        its canonical form (equal to {@code scopeKey} when none was)
 * @param questionJson    the last user message as LangChain4j serialises it, or {@code null}
 * @param turns           the earlier (question, plain-text answer) pairs that a canonical form may replace
 */
public record RequestFingerprint(String exactKey, String scopeKey, String question,
                                 ChatMessageType lastMessageType, int conversationTurns,
                                 String literalScopeKey, String questionJson, List<Turn> turns) {

    /**
     * An earlier turn: the user message at {@code userIndex} and the assistant's plain-text answer after it.
     * {@code key} names it by what preceded it, the question and the answer's exact text.
     */
    public record Turn(int userIndex, String key) {
    }

    private static final String VERSION = "promptcache-key-v1";

    public RequestFingerprint {
        Objects.requireNonNull(exactKey, "exactKey");
        Objects.requireNonNull(scopeKey, "scopeKey");
        turns = turns == null ? List.of() : List.copyOf(turns);
    }

    /**
     * The key of the turn this request's question makes with {@code answerText}: what a later request of the
     * same conversation computes for it (see {@link Turn}).
     */
    public String turnKey(String answerText) {
        return turnKey(literalScopeKey, questionJson, answerText);
    }

    private static String turnKey(String scopeBefore, String questionJson, String answerText) {
        return Sha256.start().field(VERSION).field("turn").field(scopeBefore).field(questionJson).field(answerText).hex();
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
        return of(request, tenant, user, Map.of());
    }

    /**
     * The keys with some earlier questions replaced by their canonical form ({@code canonicalQuestions}:
     * user message index → question text): the conversation is then keyed as the one whose answers the
     * cache served. The turn keys always come from the request as sent.
     */
    public static RequestFingerprint of(ChatRequest request, String tenant, String user,
                                        Map<Integer, String> canonicalQuestions) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(canonicalQuestions, "canonicalQuestions");
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
        Sha256 literal = Sha256.start().field(VERSION).field("scope").field(tenant).field(user).field(params).field(tools);
        Sha256 scope = canonicalQuestions.isEmpty() ? literal : literal.copy();
        List<Turn> turns = new ArrayList<>();
        String questionJson = null;
        int context = 0;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            // LangChain4j's serializer writes a message's fields in a fixed order: deterministic bytes.
            String json = ChatMessageSerializer.messageToJson(message);
            String canonical = canonicalQuestions.containsKey(i) && message instanceof UserMessage
                    ? ChatMessageSerializer.messageToJson(UserMessage.from(canonicalQuestions.get(i))) : json;
            if (message instanceof UserMessage && i + 1 < lastUser && messages.get(i + 1) instanceof AiMessage ai
                    && !ai.hasToolExecutionRequests() && ai.text() != null) {
                // The scope digest so far is the scope this question had when it was asked.
                turns.add(new Turn(i, turnKey(literal.copy().hex(), json, ai.text())));
            }
            if (i == lastUser) {
                questionJson = json;
            }
            exact.field(canonical);
            if (message instanceof SystemMessage) {
                literal.field("system").field(json);
                if (scope != literal) {
                    scope.field("system").field(json);
                }
            } else if (i < lastUser) {
                literal.field("context").field(json);
                if (scope != literal) {
                    scope.field("context").field(canonical);
                }
                context++;
            }
        }
        String literalScope = literal.hex();
        return new RequestFingerprint(exact.hex(), scope == literal ? literalScope : scope.hex(), question,
                last == null ? null : last.type(), context, literalScope, questionJson, turns);
    }
}
