package io.promptcache.deepseek;

/**
 * Approximate token counts, consistent for the same text: about 1.5 characters per token for
 * Chinese (and other CJK) characters and 4 characters per token for everything else.
 */
public final class TokenEstimator {

    private TokenEstimator() {
    }

    public static int count(CharSequence text) {
        return (int) Math.ceil(weight(text, 0, text.length()));
    }

    /** Token weight of {@code text[from, to)}, as a fraction, so prefixes add up exactly. */
    public static double weight(CharSequence text, int from, int to) {
        double w = 0;
        for (int i = from; i < to; i++) {
            w += weight(text.charAt(i));
        }
        return w;
    }

    static double weight(char ch) {
        return isCjk(ch) ? 1 / 1.5 : 1 / 4.0;
    }

    static boolean isCjk(char ch) {
        Character.UnicodeBlock block = Character.UnicodeBlock.of(ch);
        return block == Character.UnicodeBlock.CJK_UNIFIED_IDEOGRAPHS
                || block == Character.UnicodeBlock.CJK_UNIFIED_IDEOGRAPHS_EXTENSION_A
                || block == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION
                || block == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS
                || block == Character.UnicodeBlock.HIRAGANA
                || block == Character.UnicodeBlock.KATAKANA
                || block == Character.UnicodeBlock.HANGUL_SYLLABLES;
    }
}
