package io.promptcache.embedding;

/**
 * The writing system a question is mostly in, which picks the in-process model that embeds it.
 *
 * <p>The rule, applied to the question's letters only: each Han, kana or Hangul character counts one;
 * each run of Latin letters (a word) counts one; each run of letters of any other script counts one.
 * A question is {@link #LATIN} when Latin words are a strict majority of that count, {@link #CJK} when
 * it has any CJK character and is not Latin, {@link #OTHER} when it has letters but is neither, and
 * {@link #NONE} when it has no letters at all (digits, emoji, symbols). So "如何在Java中使用Redis？" is
 * CJK (6 against 2), "What does 你好 mean?" is Latin (3 against 2), and a tie goes to CJK: bge-small-zh
 * reads English words, bge-small-en cannot read Chinese.
 */
public enum QuestionScript {
    CJK, LATIN, OTHER, NONE;

    /**
     * The in-process model for this script: bge-small-en for Latin, bge-small-zh for CJK and other
     * scripts (as before there was an English model), none for a question with no letters, which only
     * the exact tier answers.
     */
    public InProcessModel model() {
        return switch (this) {
            case LATIN -> InProcessModel.BGE_SMALL_EN;
            case CJK, OTHER -> InProcessModel.BGE_SMALL_ZH;
            case NONE -> null;
        };
    }

    public static QuestionScript of(String text) {
        if (text == null) {
            return NONE;
        }
        int cjk = 0;
        int latin = 0;
        int other = 0;
        Character.UnicodeScript run = null; // script of the word being read, LATIN or another non-CJK one
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (!Character.isLetter(cp)) {
                run = null;
                continue;
            }
            Character.UnicodeScript script = Character.UnicodeScript.of(cp);
            if (isCjk(script)) {
                cjk++;
                run = null;
            } else if (script != run) {
                if (script == Character.UnicodeScript.LATIN) {
                    latin++;
                } else {
                    other++;
                }
                run = script;
            }
        }
        if (cjk + latin + other == 0) {
            return NONE;
        }
        if (latin > cjk + other) {
            return LATIN;
        }
        return cjk > 0 ? CJK : OTHER;
    }

    private static boolean isCjk(Character.UnicodeScript script) {
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }
}
