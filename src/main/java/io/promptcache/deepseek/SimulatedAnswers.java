package io.promptcache.deepseek;

import io.promptcache.prefix.TokenEstimator;

import io.promptcache.key.Sha256;

import java.util.List;

/** Deterministic answers: the same question always gets the same answer, in its own language. */
final class SimulatedAnswers {

    private static final List<String> ZH = List.of(
            "简单来说，它依赖大量数据和计算资源来学习规律。",
            "在实际应用中，需要结合具体场景评估效果和成本。",
            "它的优势在于通用性强，可以处理多种不同的任务。",
            "需要注意的是，输出结果仍然需要人工核实。",
            "常见的做法是先小范围试点，再逐步推广。",
            "它的核心思想是把复杂问题拆解成可以处理的小步骤。",
            "如果有更具体的需求，可以提供更多上下文以便给出更准确的回答。",
            "从成本角度看，缓存重复的问题可以显著降低调用费用。");

    private static final List<String> EN = List.of(
            "In short, it learns patterns from large amounts of data and compute.",
            "In practice, the benefit depends on the use case and its cost.",
            "Its main strength is that one model handles many different tasks.",
            "Outputs should still be checked by a person before they are relied on.",
            "A common approach is to pilot it on a small scale first.",
            "The core idea is to break a hard problem into manageable steps.",
            "With more context, a more precise answer is possible.",
            "Caching repeated questions cuts the cost of calls noticeably.");

    private SimulatedAnswers() {
    }

    static String answer(String question) {
        String q = question == null ? "" : question.strip();
        if (q.contains("大模型") && (q.contains("什么") || q.contains("是啥"))) {
            return "大模型（大语言模型，LLM）是在海量文本上训练、参数规模达到数十亿以上的神经网络模型。"
                    + "它通过预测下一个词来学习语言规律，能够完成问答、写作、翻译、编程等多种任务。"
                    + pick(ZH, q, 2);
        }
        if (isChinese(q)) {
            return "关于「" + shorten(q) + "」：" + pick(ZH, q, 3);
        }
        return "About \"" + shorten(q) + "\": " + pick(EN, q, 3);
    }

    static String afterTool(String toolName, String toolResult, boolean chinese) {
        return chinese
                ? "根据工具 " + toolName + " 的结果：" + toolResult + "。"
                : "According to the tool " + toolName + ": " + toolResult + ".";
    }

    static String thinking(String question) {
        return isChinese(question)
                ? "（模拟思考）先理解问题「" + shorten(question) + "」，再组织回答。"
                : "(simulated reasoning) First understand \"" + shorten(question) + "\", then answer.";
    }

    static boolean isChinese(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (TokenEstimator.isCjk(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static String shorten(String q) {
        return q.length() <= 60 ? q : q.substring(0, 60) + "…";
    }

    private static String pick(List<String> sentences, String seed, int n) {
        String h = Sha256.hex(seed);
        StringBuilder sb = new StringBuilder();
        int start = Integer.parseInt(h.substring(0, 4), 16);
        for (int i = 0; i < n; i++) {
            sb.append(sentences.get((start + i * 3) % sentences.size()));
            if (i + 1 < n && sentences == EN) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }
}
