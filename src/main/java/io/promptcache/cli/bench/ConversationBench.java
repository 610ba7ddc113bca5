package io.promptcache.cli.bench;

import io.promptcache.cli.EmbeddingOptions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.promptcache.CacheScope;
import io.promptcache.CachingChatModel;
import io.promptcache.deepseek.DeepSeek;
import io.promptcache.deepseek.DeepSeekSimulator;
import io.promptcache.quality.LabelledPair;
import io.promptcache.quality.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code promptcache bench conversations --pairs FILE}: from each labelled pair (a, b), the conversations
 * [a, F] and then [b, F], where F is a fixed follow-up that only makes sense in its conversation. It
 * reports how often b's follow-up is served when b's opening was (the saving canonical conversations
 * bring), that it is never served when b's opening was not (the safety), and the prompt tokens the cache
 * saved, against the same run with canonical conversations off.
 */
@Command(name = "conversations", mixinStandardHelpOptions = true,
        description = "Follow-ups after paraphrased openings: served when the opening was, never otherwise.")
public final class ConversationBench implements Callable<Integer> {

    static final String FOLLOW_UP_ZH = "能再详细解释一下吗？";
    static final String FOLLOW_UP_EN = "Can you explain that in more detail?";
    private static final String SYSTEM = "你是一个乐于助人的助手。You are a helpful assistant.";

    @Option(names = "--pairs", required = true, paramLabel = "FILE", description = "Labelled pairs: text_a<TAB>text_b<TAB>label.")
    Path pairs;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Use the first N pairs only; 0 for all.")
    int limit;

    @Option(names = "--json", description = "One JSON object with the results.")
    boolean json;

    @Mixin
    EmbeddingOptions embeddingOptions = new EmbeddingOptions();

    private final PrintStream out = System.out;

    /** What one run counted. */
    record Result(int pairs, int servedOpeners, int followUpsServedAfterServed, int unservedOpeners,
                  int followUpsServedAfterUnserved, long savedPromptTokens) {

        double servedGivenServed() {
            return servedOpeners == 0 ? 0 : (double) followUpsServedAfterServed / servedOpeners;
        }

        double servedGivenNotServed() {
            return unservedOpeners == 0 ? 0 : (double) followUpsServedAfterUnserved / unservedOpeners;
        }
    }

    @Override
    public Integer call() throws Exception {
        List<LabelledPair> all = LabelledPair.read(pairs);
        List<LabelledPair> used = limit > 0 && limit < all.size() ? all.subList(0, limit) : all;
        var embedder = embeddingOptions.create(Map.of());
        try (DeepSeekSimulator sim = DeepSeekSimulator.builder().start()) {
            Result canonical = run(used, sim, embedder, true);
            Result literal = run(used, sim, embedder, false);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", pairs.getFileName().toString());
            m.put("pairs", used.size());
            m.put("openersServed", canonical.servedOpeners());
            m.put("followUpServedGivenOpenerServed", round(canonical.servedGivenServed()));
            m.put("openersNotServed", canonical.unservedOpeners());
            m.put("followUpServedGivenOpenerNotServed", round(canonical.servedGivenNotServed()));
            m.put("savedPromptTokens", canonical.savedPromptTokens());
            m.put("savedPromptTokensWithoutCanonicalConversations", literal.savedPromptTokens());
            m.put("followUpServedGivenOpenerServedWithoutCanonicalConversations", round(literal.servedGivenServed()));
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(m));
            } else {
                m.forEach((k, v) -> out.printf("%-62s %s%n", k, v));
            }
        }
        return 0;
    }

    private Result run(List<LabelledPair> used, DeepSeekSimulator sim, dev.langchain4j.model.embedding.EmbeddingModel embedder,
                       boolean canonical) {
        CachingChatModel.Builder builder = CachingChatModel.builder().delegate(DeepSeek.chatModel(DeepSeek.simulator(sim)));
        if (embedder != null) {
            builder.embeddingModel(embedder); // else the in-process default, as users get it
        }
        CachingChatModel model = builder.canonicalConversations(canonical)
                .lookupTimeout(java.time.Duration.ofSeconds(10)).writeTimeout(java.time.Duration.ofSeconds(10))
                .maxEntries(1_000_000).build();
        int served = 0;
        int servedFollowUps = 0;
        int unserved = 0;
        int unservedFollowUps = 0;
        ProgressBar progress = new ProgressBar("conversations", canonical ? "canonical" : "literal", used.size());
        for (int i = 0; i < used.size(); i++) {
            LabelledPair p = used.get(i);
            String tenant = "pair-" + i; // pairs never meet
            String followUp = latin(p.stored()) ? FOLLOW_UP_EN : FOLLOW_UP_ZH;
            conversation(model, tenant, p.stored(), followUp);
            boolean[] b = conversation(model, tenant, p.asked(), followUp);
            if (b[0]) {
                if (p.same()) {
                    served++;
                    servedFollowUps += b[1] ? 1 : 0;
                }
            } else {
                unserved++;
                unservedFollowUps += b[1] ? 1 : 0;
            }
            progress.update(i + 1);
        }
        progress.done();
        return new Result(used.size(), served, servedFollowUps, unserved, unservedFollowUps,
                model.accounting().snapshot().savedPromptTokens());
    }

    /** Asks the opening and the follow-up; whether each was served from the cache. */
    private static boolean[] conversation(CachingChatModel model, String tenant, String opening, String followUp) {
        List<ChatMessage> history = new ArrayList<>(List.of(SystemMessage.from(SYSTEM)));
        boolean[] servedFromCache = new boolean[2];
        String[] turns = {opening, followUp};
        try (CacheScope scope = CacheScope.open(tenant)) {
            for (int t = 0; t < 2; t++) {
                history.add(UserMessage.from(turns[t]));
                ChatResponse r = model.chat(ChatRequest.builder().messages(history).build());
                history.add(AiMessage.from(r.aiMessage().text()));
                servedFromCache[t] = scope.lastOutcome().orElseThrow().source().cached();
            }
        }
        return servedFromCache;
    }

    private static boolean latin(String text) {
        return text.codePoints().noneMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
