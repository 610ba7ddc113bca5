package io.promptcache.semantic;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Never matches, across conversations, a question that only makes sense with its conversation:
 * one that points back with a pronoun or a demonstrative (它, 这个, 那, it, this, the above), or
 * continues (还有呢, 然后呢, what about, and then). Later turns are already pinned to their own
 * conversation by the scope; this guards first turns that lean on context the cache cannot see
 * (context injected elsewhere, a UI that sends only the last message).
 */
public final class ContextDependenceGuard implements HitVerifier {

    public static final String NAME = "context";

    /** Pointing words. Left out on purpose: 该/其/此 (应该, 其他, 因此), 这么/那么 (这么多), a final 呢. */
    private static final List<String> ZH = List.of("它", "它们", "他们", "她们", "这个", "那个", "这些", "那些",
            "这里", "那里", "这种", "那种", "这件", "那件", "这款", "那款", "这家", "那家", "这是", "那是",
            "刚才", "刚刚", "上面", "上述", "前面说", "上一", "前者", "后者", "以上", "还有呢", "然后呢", "那呢",
            "继续", "接着说", "同上");
    private static final Pattern ZH_LEADING_DEMONSTRATIVE = Pattern.compile("^[这那][\\p{IsHan}]?");
    private static final Pattern EN = Pattern.compile(
            "\\b(it|its|it's|they|them|their|this|that|these|those|he|him|his|she|her|the above|above|previous|"
                    + "earlier|former|latter|same|what about|how about|and then|what else|tell me more|continue|"
                    + "go on|again|also|too)\\b");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Verdict verify(MatchCandidate c) {
        if (!c.acrossConversations()) {
            return Verdict.accept(NAME);
        }
        if (dependsOnContext(c.query()) || dependsOnContext(c.candidate())) {
            return Verdict.reject(NAME, "refers to its conversation");
        }
        return Verdict.accept(NAME);
    }

    /** True when the question points back at something said before. */
    public static boolean dependsOnContext(String question) {
        if (question == null) {
            return false;
        }
        String t = Normalizer.normalize(question, Normalizer.Form.NFKC).strip();
        String lower = t.toLowerCase(Locale.ROOT);
        for (String w : ZH) {
            if (t.contains(w)) {
                return true;
            }
        }
        if (ZH_LEADING_DEMONSTRATIVE.matcher(t).find()) {
            return true;
        }
        return EN.matcher(lower).find();
    }
}
