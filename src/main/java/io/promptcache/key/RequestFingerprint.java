package io.promptcache.key;

import dev.langchain4j.model.chat.request.ChatRequest;
import io.promptcache.core.CacheMessage;
import io.promptcache.core.CacheRequest;
import io.promptcache.core.CacheTool;
import io.promptcache.langchain4j.LangChain4jConversions;

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
 * @param lastMessageType role of the last message
 * @param conversationTurns how many messages (other than system messages) precede the question
 * @param literalScopeKey the scope key of the request as sent, before any earlier question was replaced by
 *                        its canonical form (equal to {@code scopeKey} when none was)
 * @param questionJson    the last user message's encoding ({@link CacheMessage#encoded()}), or {@code null}
 * @param turns           the earlier (question, plain-text answer) pairs that a canonical form may replace
 */
public record RequestFingerprint(String exactKey, String scopeKey, String question,
                                 CacheMessage.Role lastMessageType, int conversationTurns,
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
        return question != null && lastMessageType == CacheMessage.Role.USER;
    }

    /**
     * @param request effective request: the model's default parameters already overridden by the request's
     * @param tenant  tenant id, always part of both keys
     * @param user    user id when users are isolated from each other, otherwise {@code null}
     */
    public static RequestFingerprint of(ChatRequest request, String tenant, String user) {
        return of(LangChain4jConversions.request(request), tenant, user, Map.of());
    }

    /** As {@link #of(CacheRequest, String, String, Map)}, for a LangChain4j request. */
    public static RequestFingerprint of(ChatRequest request, String tenant, String user,
                                        Map<Integer, String> canonicalQuestions) {
        return of(LangChain4jConversions.request(request), tenant, user, canonicalQuestions);
    }

    public static RequestFingerprint of(CacheRequest request, String tenant, String user) {
        return of(request, tenant, user, Map.of());
    }

    /**
     * The keys with some earlier questions replaced by their canonical form ({@code canonicalQuestions}:
     * user message index → question text): the conversation is then keyed as the one whose answers the
     * cache served. The turn keys always come from the request as sent.
     */
    public static RequestFingerprint of(CacheRequest request, String tenant, String user,
                                        Map<Integer, String> canonicalQuestions) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(canonicalQuestions, "canonicalQuestions");
        Objects.requireNonNull(tenant, "tenant");
        List<CacheMessage> messages = request.messages();
        String params = request.parametersJson();
        String tools = toolSetJson(request.tools());

        int lastUser = request.lastUserIndex();
        CacheMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        String question = request.question();

        Sha256 exact = Sha256.start().field(VERSION).field("exact").field(tenant).field(user).field(params).field(tools);
        Sha256 literal = Sha256.start().field(VERSION).field("scope").field(tenant).field(user).field(params).field(tools);
        Sha256 scope = canonicalQuestions.isEmpty() ? literal : literal.copy();
        List<Turn> turns = new ArrayList<>();
        String questionJson = null;
        int context = 0;
        for (int i = 0; i < messages.size(); i++) {
            CacheMessage message = messages.get(i);
            String json = message.encoded();
            boolean fromUser = message.role() == CacheMessage.Role.USER;
            String canonical = fromUser && canonicalQuestions.containsKey(i)
                    ? request.encodeUserText(canonicalQuestions.get(i)) : json;
            if (fromUser && i + 1 < lastUser) {
                CacheMessage next = messages.get(i + 1);
                if (next.role() == CacheMessage.Role.ASSISTANT && !next.hasToolCalls() && next.text() != null) {
                    // The scope digest so far is the scope this question had when it was asked.
                    turns.add(new Turn(i, turnKey(literal.copy().hex(), json, next.text())));
                }
            }
            if (i == lastUser) {
                questionJson = json;
            }
            exact.field(canonical);
            if (message.role() == CacheMessage.Role.SYSTEM) {
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
                last == null ? null : last.role(), context, literalScope, questionJson, turns);
    }

    /** The tool set as the key holds it: sorted, so the order the tools were sent in never splits a key. */
    static String toolSetJson(List<CacheTool> tools) {
        if (tools.isEmpty()) {
            return "[]";
        }
        List<CacheTool> sorted = new ArrayList<>(tools);
        sorted.sort(CacheTool.CANONICAL_ORDER);
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < sorted.size(); i++) {
            out.append(i == 0 ? "" : ",").append(sorted.get(i).canonicalJson());
        }
        return out.append(']').toString();
    }
}
