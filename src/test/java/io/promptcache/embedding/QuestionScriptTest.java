package io.promptcache.embedding;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The documented routing rule: the script of a question's letters picks its in-process model. */
class QuestionScriptTest {

    @Test
    void latinQuestionsGoToTheEnglishModel() {
        assertEquals(QuestionScript.LATIN, QuestionScript.of("How do I reset my password?"));
        assertEquals(QuestionScript.LATIN, QuestionScript.of("Wie setze ich mein Passwort zurück?"), "any Latin-script language");
        assertEquals(InProcessModel.BGE_SMALL_EN, QuestionScript.of("What is Redis?").model());
    }

    @Test
    void cjkQuestionsGoToTheChineseModel() {
        assertEquals(QuestionScript.CJK, QuestionScript.of("什么是大模型？"));
        assertEquals(QuestionScript.CJK, QuestionScript.of("日本語の質問です"));
        assertEquals(QuestionScript.CJK, QuestionScript.of("한국어 질문"));
        assertEquals(InProcessModel.BGE_SMALL_ZH, QuestionScript.of("大模型是什么").model());
    }

    @Test
    void mixedTextCountsCjkCharactersAgainstLatinWords() {
        assertEquals(QuestionScript.CJK, QuestionScript.of("如何在Java中使用Redis？"), "6 CJK characters against 2 words");
        assertEquals(QuestionScript.LATIN, QuestionScript.of("What does 你好 mean?"), "3 words against 2 characters");
        assertEquals(QuestionScript.CJK, QuestionScript.of("AI 是什么"), "1 word against 3 characters");
        assertEquals(QuestionScript.CJK, QuestionScript.of("OK 好"), "a tie goes to the model that reads both");
        assertEquals(QuestionScript.LATIN, QuestionScript.of("iPhone 15 Pro Max price"), "digits are not letters");
    }

    @Test
    void otherScriptsStayOnTheChineseModelAsBefore() {
        assertEquals(QuestionScript.OTHER, QuestionScript.of("Как сбросить пароль?"));
        assertEquals(InProcessModel.BGE_SMALL_ZH, QuestionScript.OTHER.model());
        assertEquals(QuestionScript.OTHER, QuestionScript.of("Привет world"), "a tie is no Latin majority");
    }

    @Test
    void aQuestionWithoutLettersHasNoModel() {
        for (String q : new String[]{"12345", "1+1=?", "😀👍", "？？？", "   ", "", "3.14 * 2"}) {
            assertEquals(QuestionScript.NONE, QuestionScript.of(q), q);
        }
        assertEquals(QuestionScript.NONE, QuestionScript.of(null));
        assertNull(QuestionScript.NONE.model());
    }
}
