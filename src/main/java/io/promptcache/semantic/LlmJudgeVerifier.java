package io.promptcache.semantic;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Asks a chat model a short yes/no question, whether two questions ask the same thing, for
 * candidates in the grey zone. Give it a model wrapped in an exact-only cache
 * ({@code CachingChatModel.builder().delegate(model).semanticEnabled(false)}) so the same pair is judged
 * once. No answer within the budget, an error, or anything but "yes" rejects.
 *
 * <p>The judge runs inside the lookup: give the caching model a {@code lookupTimeout} above this budget.
 */
public final class LlmJudgeVerifier implements HitVerifier {

    public static final String NAME = "llm-judge";

    static final String INSTRUCTIONS = "You decide whether two user questions ask for the same information, so that "
            + "a correct answer to the first is also a correct answer to the second. Numbers, negations, names, "
            + "places, products and time frames must match. Reply with one word: yes or no.";

    private final ChatModel judge;
    private final GreyZone zone;
    private final Duration budget;

    private LlmJudgeVerifier(Builder b) {
        this.judge = Objects.requireNonNull(b.judge, "judge");
        this.zone = b.zone;
        this.budget = b.budget;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Verdict verify(MatchCandidate c) {
        Verdict decided = zone.outside(NAME, c.similarity());
        if (decided != null) {
            return decided;
        }
        ChatRequest request = judgeRequest(c.candidate(), c.query());
        ChatResponse response = Budgeted.call(() -> judge.chat(request), budget);
        if (response == null || response.aiMessage() == null || response.aiMessage().text() == null) {
            return Verdict.reject(NAME, "no verdict within " + budget.toMillis() + " ms");
        }
        return saysYes(response.aiMessage().text()) ? Verdict.accept(NAME) : Verdict.reject(NAME, "judged different");
    }

    /** Whether a system message is this judge's instructions (the simulator answers them as a judge). */
    public static boolean isJudgeInstructions(String text) {
        return INSTRUCTIONS.equals(text);
    }

    /** The judge's question about two questions: the stored one first. */
    public static ChatRequest judgeRequest(String storedQuestion, String newQuestion) {
        return ChatRequest.builder()
                .messages(SystemMessage.from(INSTRUCTIONS),
                        UserMessage.from("Question 1: " + storedQuestion + "\nQuestion 2: " + newQuestion))
                .temperature(0.0)
                .maxOutputTokens(3)
                .build();
    }

    /**
     * TRUE for a yes, FALSE for a no, null for anything else (no verdict): the answer's first word decides, so
     * "not sure" or "yesterday" is no verdict.
     */
    public static Boolean verdictOf(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("不是") || t.startsWith("否") || t.startsWith("不同") || t.startsWith("不一样")) {
            return Boolean.FALSE;
        }
        if (t.startsWith("是") || t.startsWith("相同") || t.startsWith("一样")) {
            return Boolean.TRUE;
        }
        String word = t.split("[^\\p{L}]+", 2)[0];
        return switch (word) {
            case "yes" -> Boolean.TRUE;
            case "no" -> Boolean.FALSE;
            default -> null;
        };
    }

    static boolean saysYes(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        return t.startsWith("yes") || t.startsWith("是") || t.startsWith("相同") || t.startsWith("一样");
    }

    /** Builder of {@link LlmJudgeVerifier}. */
    public static final class Builder {
        private ChatModel judge;
        private GreyZone zone = GreyZone.everything();
        private Duration budget = Duration.ofSeconds(2);

        /** The model that judges; wrap it in an exact-only caching model so verdicts are reused. */
        public Builder judge(ChatModel judge) {
            this.judge = Objects.requireNonNull(judge, "judge");
            return this;
        }

        public Builder greyZone(double low, double high) {
            this.zone = new GreyZone(low, high);
            return this;
        }

        public Builder budget(Duration budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        public LlmJudgeVerifier build() {
            if (judge == null) {
                throw new IllegalStateException("judge must be set");
            }
            return new LlmJudgeVerifier(this);
        }
    }
}
