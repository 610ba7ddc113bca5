package io.promptcache.freshness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detector on src/test/resources/freshness/labelled-questions.tsv: 220 questions we wrote, Chinese and
 * English, 110 asking for something current and 110 not. docs/operations.md reports the same figures.
 */
class FreshnessDetectorTest {

    final FreshnessDetector detector = FreshnessDetector.defaults();

    record Labelled(String question, boolean timeSensitive) {
        boolean chinese() {
            return question.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
        }
    }

    static List<Labelled> labelled() throws IOException {
        List<Labelled> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                FreshnessDetectorTest.class.getResourceAsStream("/freshness/labelled-questions.tsv")), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                out.add(new Labelled(f[0], "1".equals(f[1].strip())));
            }
        }
        return out;
    }

    /** Precision and recall of the detector on some labelled questions. */
    record Scores(int tp, int fp, int fn, int tn) {
        double precision() {
            return tp / (double) (tp + fp);
        }

        double recall() {
            return tp / (double) (tp + fn);
        }
    }

    Scores score(List<Labelled> items) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int tn = 0;
        for (Labelled l : items) {
            boolean said = detector.timeSensitiveQuestion(l.question());
            if (said && l.timeSensitive()) {
                tp++;
            } else if (said) {
                fp++;
            } else if (l.timeSensitive()) {
                fn++;
            } else {
                tn++;
            }
        }
        return new Scores(tp, fp, fn, tn);
    }

    @Test
    void theLabelledListHasBothLanguagesAndBothClasses() throws IOException {
        List<Labelled> all = labelled();
        assertTrue(all.size() >= 200, "at least 200 questions, was " + all.size());
        for (boolean zh : new boolean[]{true, false}) {
            for (boolean sensitive : new boolean[]{true, false}) {
                long n = all.stream().filter(l -> l.chinese() == zh && l.timeSensitive() == sensitive).count();
                assertTrue(n >= 40, (zh ? "zh" : "en") + (sensitive ? " time-sensitive " : " stable ") + n);
            }
        }
    }

    @Test
    void precisionAndRecallOnTheLabelledList() throws IOException {
        List<Labelled> all = labelled();
        Scores overall = score(all);
        Scores zh = score(all.stream().filter(Labelled::chinese).toList());
        Scores en = score(all.stream().filter(l -> !l.chinese()).toList());
        String report = String.format("overall P %.3f R %.3f %s; zh P %.3f R %.3f %s; en P %.3f R %.3f %s",
                overall.precision(), overall.recall(), overall, zh.precision(), zh.recall(), zh,
                en.precision(), en.recall(), en);
        System.out.println("freshness detector: " + report);
        // A missed time-sensitive question is served stale; a false alarm only costs a cache miss.
        assertTrue(overall.recall() >= 0.95, report);
        assertTrue(overall.precision() >= 0.90, report);
        assertTrue(zh.recall() >= 0.95 && en.recall() >= 0.95, report);
    }

    @ParameterizedTest
    @ValueSource(strings = {"今天是2026年11月26日，星期四。", "现在是下午3点20分。", "当前时间为 14:05。",
            "Today is Thursday, November 26, 2026.", "It is now 3:20 pm in Beijing.", "The current time is 14:05 UTC."})
    void answersThatStateTheCurrentDateOrTime(String answer) {
        assertTrue(detector.statesCurrentTime(answer), answer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"大模型是在海量文本上训练的神经网络。", "长城始建于公元前7世纪。", "1949年10月1日中华人民共和国成立。",
            "The Great Wall is over 21,000 km long.", "Python 3.0 was released in 2008.", "Water boils at 100 degrees."})
    void answersThatDoNot(String answer) {
        assertFalse(detector.statesCurrentTime(answer), answer);
    }
}
