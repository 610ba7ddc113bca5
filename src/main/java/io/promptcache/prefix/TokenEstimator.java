package io.promptcache.prefix;

/**
 * Approximate token counts, consistent for the same text: about 1.5 characters per token for
 * Chinese (and other CJK) characters and 4 characters per token for everything else. Weights are
 * kept in twelfths of a token so prefixes add up exactly, with no floating-point drift.
 */
public final class TokenEstimator {

    /** Weights are in units of 1/12 token. */
    public static final int UNITS_PER_TOKEN = 12;
    private static final int CJK_UNITS = 8;   // 1 / 1.5 token
    private static final int OTHER_UNITS = 3; // 1 / 4 token

    private TokenEstimator() {
    }

    public static int count(CharSequence text) {
        long units = 0;
        for (int i = 0; i < text.length(); i++) {
            units += units(text.charAt(i));
        }
        return (int) ((units + UNITS_PER_TOKEN - 1) / UNITS_PER_TOKEN);
    }

    /** Weight of one character in 1/12 token. */
    public static int units(char ch) {
        return isCjk(ch) ? CJK_UNITS : OTHER_UNITS;
    }

    public static boolean isCjk(char ch) {
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
