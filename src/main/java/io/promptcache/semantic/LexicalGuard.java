package io.promptcache.semantic;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cheap checks for the near misses that embeddings are known to miss: a changed number, a negation
 * on one side only, an antonym verb (开通/取消, open/close), a different named entity or quoted term,
 * the two sides of a comparison swapped (Java比Python快吗 / Python比Java快吗, X better than Y / Y better than X).
 * Each check can be turned off; all are on by default.
 */
public final class LexicalGuard implements HitVerifier {

    public static final String NAME = "lexical";

    private static final Pattern DIGITS = Pattern.compile("\\d+(?:\\.\\d+)?");
    private static final Pattern CJK_NUMERAL = Pattern.compile("[零〇一二两三四五六七八九十百千万亿]+");
    private static final Pattern LATIN_WORD = Pattern.compile("[A-Za-z][A-Za-z0-9+#.\\-]*");
    private static final Pattern QUOTED = Pattern.compile("[「“\"《『‘']([^」”\"》』’']{1,40})[」”\"》』’']");
    private static final Pattern A_NOT_A = Pattern.compile("(\\p{IsHan})[不没]\\1");
    private static final Pattern CJK = Pattern.compile("\\p{IsHan}");
    private static final Pattern EN_WORD = Pattern.compile("[a-z']+");

    /** Words that contain a numeral character but are not numbers. */
    private static final List<String> NUMERAL_WORDS = List.of(
            "一下", "一个", "一样", "一起", "一直", "一般", "一些", "一点", "一定", "统一", "唯一", "万一",
            "千万", "一切", "一旦", "一边", "进一步", "同一", "第一时间", "万能", "十分", "百度", "千万别");

    /** Words that contain a negation character but do not negate. */
    private static final List<String> NOT_NEGATIONS = List.of(
            "非常", "无论", "不管", "不仅", "不过", "不但", "是否", "否则", "差不多", "无线", "不然", "要不",
            "莫名", "未来", "不久", "无聊", "非得", "不错", "不少", "不断", "无缘无故", "有无", "没事", "不一定");
    /** Negating characters; 别 and 否 are left out (辨别, 分别, 是否), 无 counts only in 无法/无需/无须/无效. */
    private static final Pattern CJK_NEGATION = Pattern.compile("[不没未勿]|非(?!常)|无[法需须效权]");
    /** A final 不 or 没 is a question particle: 好玩不？ 有没？ */
    private static final Pattern FINAL_PARTICLE = Pattern.compile("[不没有]+[?？!！。.~～\s]*$");
    private static final Set<String> EN_NEGATIONS = Set.of(
            "not", "no", "never", "without", "cannot", "none", "nothing", "neither", "nor", "nobody", "nowhere");

    /** Pairs of mutually exclusive term groups. */
    private static final List<List<List<String>>> ANTONYMS = List.of(
            groups(List.of("开通", "开启", "打开", "启用", "激活", "办理", "绑定", "订阅", "安装", "加入", "申请"),
                    List.of("取消", "关闭", "关掉", "停用", "注销", "解除", "退订", "解绑", "卸载", "退出", "撤销")),
            groups(List.of("增加", "提高", "上调", "上涨", "升高", "涨", "增长", "扩大"),
                    List.of("减少", "降低", "下调", "下跌", "跌", "下降", "缩小")),
            groups(List.of("买", "购买", "买入", "申购"), List.of("卖", "出售", "卖出", "赎回")),
            groups(List.of("借款", "借钱", "贷款", "借"), List.of("还款", "还钱", "还清")),
            groups(List.of("充值", "存款", "存钱", "转入"), List.of("提现", "取款", "取钱", "转出")),
            groups(List.of("登录", "登陆", "上线"), List.of("登出", "下线")),
            groups(List.of("上传"), List.of("下载")),
            groups(List.of("收入", "收款"), List.of("支出", "付款")),
            groups(List.of("最大", "最多", "最高", "最长", "最贵"), List.of("最小", "最少", "最低", "最短", "最便宜")),
            groups(List.of("上午"), List.of("下午")),
            groups(List.of("男"), List.of("女")),
            groups(List.of("open", "opens", "opening", "enable", "enabled", "activate", "subscribe", "install", "join", "start"),
                    List.of("close", "closes", "closing", "disable", "disabled", "deactivate", "cancel", "unsubscribe",
                            "uninstall", "leave", "stop", "delete", "remove")),
            groups(List.of("add", "increase", "raise", "more", "up"), List.of("subtract", "decrease", "reduce", "lower", "less", "down")),
            groups(List.of("buy", "buying", "purchase"), List.of("sell", "selling")),
            groups(List.of("login", "log in", "sign in"), List.of("logout", "log out", "sign out")),
            groups(List.of("upload"), List.of("download")),
            groups(List.of("import"), List.of("export")),
            groups(List.of("deposit"), List.of("withdraw", "withdrawal")),
            groups(List.of("max", "maximum", "best", "most", "largest", "highest"),
                    List.of("min", "minimum", "worst", "least", "smallest", "lowest")),
            groups(List.of("before"), List.of("after")),
            groups(List.of("male", "men", "man"), List.of("female", "women", "woman")));

    private final boolean checkNumbers;
    private final boolean checkNegation;
    private final boolean checkAntonyms;
    private final boolean checkEntities;
    private final boolean checkComparisons;

    private LexicalGuard(Builder b) {
        this.checkNumbers = b.checkNumbers;
        this.checkNegation = b.checkNegation;
        this.checkAntonyms = b.checkAntonyms;
        this.checkEntities = b.checkEntities;
        this.checkComparisons = b.checkComparisons;
    }

    public static LexicalGuard defaults() {
        return builder().build();
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
        String a = normalize(c.query());
        String b = normalize(c.candidate());
        if (checkNumbers && !numbers(a).equals(numbers(b))) {
            return Verdict.reject(NAME, "numbers differ");
        }
        if (checkNegation && negated(a) != negated(b)) {
            return Verdict.reject(NAME, "negation on one side");
        }
        if (checkAntonyms) {
            String clash = antonymClash(a, b);
            if (clash != null) {
                return Verdict.reject(NAME, "antonym " + clash);
            }
        }
        if (checkEntities && !entities(c.query()).equals(entities(c.candidate()))) {
            return Verdict.reject(NAME, "named entities differ");
        }
        if (checkEntities && quotedTermsDiffer(c.query(), c.candidate())) {
            return Verdict.reject(NAME, "quoted terms differ");
        }
        if (checkComparisons && (swappedAround(latinComparison(a), latinComparison(b))
                || swappedAround(cjkComparison(a), cjkComparison(b)))) {
            return Verdict.reject(NAME, "the sides of a comparison are swapped");
        }
        return Verdict.accept(NAME);
    }

    /** Words that open a noun phrase without naming it: skipped to find what a comparison compares with. */
    private static final Set<String> DETERMINERS = Set.of("the", "a", "an", "my", "your", "our", "their", "his", "her",
            "its", "this", "that", "these", "those");
    /** Words containing 比 that are not the comparative 比 (A比B). */
    private static final List<String> NOT_COMPARATIVE = List.of("比较", "比如", "比赛", "比例", "比特", "对比", "相比",
            "比分", "比重", "比喻", "比方", "好比", "比率", "无比", "比亚迪", "比尔", "比利时", "比萨", "比基尼", "比划",
            "比拼", "比值", "攀比", "类比", "排比", "正比", "反比", "百分比", "性价比", "日比");

    /** {what comes before "than", what it is compared with}, or null without one "than". */
    private static String[] latinComparison(String text) {
        List<String> w = words(text);
        int than = w.indexOf("than");
        if (than < 0 || than != w.lastIndexOf("than")) {
            return null;
        }
        for (int i = than + 1; i < w.size(); i++) {
            if (!DETERMINERS.contains(w.get(i))) {
                return new String[]{" " + String.join(" ", w.subList(0, than)) + " ", " " + w.get(i) + " "};
            }
        }
        return null;
    }

    /** {what comes before the comparative 比, the first two characters after it}, or null without one. */
    private static String[] cjkComparison(String text) {
        String t = text;
        for (String w : NOT_COMPARATIVE) {
            t = t.replace(w, "  ");
        }
        int at = t.indexOf('比');
        if (at < 0 || at != t.lastIndexOf('比')) {
            return null;
        }
        String after = t.substring(at + 1).strip();
        if (after.length() < 2) {
            return null;
        }
        return new String[]{t.substring(0, at), after.substring(0, 2)};
    }

    /** True when each question compares with something the other puts before its comparison. */
    private static boolean swappedAround(String[] x, String[] y) {
        return x != null && y != null && !x[1].equals(y[1]) && y[0].contains(x[1]) && x[0].contains(y[1]);
    }

    static String normalize(String text) {
        return Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** Multiset of the numbers mentioned, as canonical decimal strings. */
    static List<String> numbers(String text) {
        String t = text;
        for (String w : NUMERAL_WORDS) {
            t = t.replace(w, " ");
        }
        List<String> out = new ArrayList<>();
        Matcher d = DIGITS.matcher(t);
        while (d.find()) {
            out.add(canonicalNumber(d.group()));
        }
        Matcher m = CJK_NUMERAL.matcher(t);
        while (m.find()) {
            String run = m.group();
            if (run.equals("一")) {
                // 一 is mostly an article; before a measure word (一分硬币, 一个月) it is the number 1.
                int next = m.end();
                if (next < t.length() && MEASURE_WORDS.indexOf(t.charAt(next)) >= 0 && !t.startsWith("一个", m.start())) {
                    out.add("1");
                }
                continue;
            }
            if (run.equals("万") || run.equals("千") || run.equals("百") || run.equals("亿")) {
                continue;
            }
            Long value = cjkValue(run);
            out.add(value == null ? run : Long.toString(value));
        }
        for (String word : words(t)) {
            int v = EN_NUMBERS.indexOf(word);
            if (v >= 2) {
                out.add(Integer.toString(v)); // "one" is mostly an article, like 一
            }
        }
        Collections.sort(out);
        return out;
    }

    private static final String MEASURE_WORDS = "分元块角次年月日天周岁层号种位台辆张本斤公米克只条件首";

    private static final List<String> EN_NUMBERS = List.of("zero", "one", "two", "three", "four", "five", "six",
            "seven", "eight", "nine", "ten", "eleven", "twelve");

    private static String canonicalNumber(String s) {
        try {
            return new java.math.BigDecimal(s).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return s;
        }
    }

    /** Value of a Chinese numeral such as 三百二十五, 两万 or 二〇二四; null when it is not well formed. */
    static Long cjkValue(String run) {
        if (!containsUnit(run)) {
            StringBuilder digits = new StringBuilder();
            for (char ch : run.toCharArray()) {
                int d = digitOf(ch);
                if (d < 0) {
                    return null;
                }
                digits.append(d);
            }
            return digits.length() > 18 ? null : Long.parseLong(digits.toString());
        }
        long total = 0;
        long section = 0;
        long digit = 0;
        boolean hasDigit = false;
        for (char ch : run.toCharArray()) {
            int d = digitOf(ch);
            if (d >= 0) {
                digit = d;
                hasDigit = true;
                continue;
            }
            long unit = switch (ch) {
                case '十' -> 10;
                case '百' -> 100;
                case '千' -> 1000;
                case '万' -> 10_000;
                case '亿' -> 100_000_000;
                default -> -1;
            };
            if (unit < 0) {
                return null;
            }
            if (unit >= 10_000) {
                total = (total + section + digit) * unit;
                section = 0;
            } else {
                section += (hasDigit ? digit : 1) * unit;
            }
            digit = 0;
            hasDigit = false;
        }
        return total + section + digit;
    }

    private static int digitOf(char ch) {
        if (ch == '两') {
            return 2;
        }
        if (ch == '〇') {
            return 0;
        }
        return "零一二三四五六七八九".indexOf(ch);
    }

    private static boolean containsUnit(String run) {
        for (char ch : run.toCharArray()) {
            if ("十百千万亿".indexOf(ch) >= 0) {
                return true;
            }
        }
        return false;
    }

    static boolean negated(String text) {
        String t = A_NOT_A.matcher(text).replaceAll(" ");
        t = t.replace("有没有", " ").replace("有没", " ");
        t = FINAL_PARTICLE.matcher(t).replaceAll(" ");
        for (String w : NOT_NEGATIONS) {
            t = t.replace(w, " ");
        }
        if (CJK_NEGATION.matcher(t).find()) {
            return true;
        }
        if (t.contains("n't")) {
            return true;
        }
        for (String w : words(t)) {
            if (EN_NEGATIONS.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** Names the clashing pair, or null when there is none. */
    static String antonymClash(String a, String b) {
        Set<String> wordsA = new HashSet<>(words(a));
        Set<String> wordsB = new HashSet<>(words(b));
        for (List<List<String>> pair : ANTONYMS) {
            List<String> left = pair.get(0);
            List<String> right = pair.get(1);
            boolean aLeft = mentions(a, wordsA, left);
            boolean aRight = mentions(a, wordsA, right);
            boolean bLeft = mentions(b, wordsB, left);
            boolean bRight = mentions(b, wordsB, right);
            if (aLeft != bLeft || aRight != bRight) {
                if ((aLeft || aRight) && (bLeft || bRight)) {
                    return left.get(0) + "/" + right.get(0);
                }
            }
        }
        return null;
    }

    private static boolean mentions(String text, Set<String> words, List<String> terms) {
        for (String term : terms) {
            boolean latin = term.chars().allMatch(ch -> ch < 128);
            if (latin ? (term.contains(" ") ? text.contains(term) : words.contains(term)) : text.contains(term)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Named entities we can find without a model: Latin words inside Chinese text (product names,
     * codes), capitalised words after the first in English text, and quoted terms.
     */
    static Set<String> entities(String original) {
        String text = original == null ? "" : Normalizer.normalize(original, Normalizer.Form.NFKC);
        Set<String> out = new HashSet<>();
        boolean chinese = CJK.matcher(text).find();
        Matcher w = LATIN_WORD.matcher(text);
        boolean first = true;
        while (w.find()) {
            String word = w.group();
            if (word.length() < 2) {
                first = false;
                continue; // a stray letter is noise, not a name
            }
            if (chinese) {
                out.add(word.toLowerCase(Locale.ROOT));
            } else if (!first && Character.isUpperCase(word.charAt(0)) && !word.equals("I")) {
                out.add(word.toLowerCase(Locale.ROOT));
            }
            first = false;
        }
        return out;
    }

    /**
     * Quoted titles and terms (《…》, “…”) on both sides must be nearly the same: they name the thing
     * asked about. A quote on one side only, or one character of wording, is not a different title.
     */
    static boolean quotedTermsDiffer(String a, String b) {
        List<String> qa = quoted(a);
        List<String> qb = quoted(b);
        if (qa.isEmpty() || qb.isEmpty()) {
            return false;
        }
        for (String x : qa) {
            double best = 0;
            for (String y : qb) {
                best = Math.max(best, charOverlap(x, y));
            }
            if (best < 0.7) {
                return true;
            }
        }
        return false;
    }

    private static List<String> quoted(String text) {
        List<String> out = new ArrayList<>();
        Matcher q = QUOTED.matcher(Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKC));
        while (q.find()) {
            out.add(q.group(1).toLowerCase(Locale.ROOT).strip());
        }
        return out;
    }

    private static double charOverlap(String x, String y) {
        Set<Integer> a = new HashSet<>();
        x.codePoints().forEach(a::add);
        Set<Integer> b = new HashSet<>();
        y.codePoints().forEach(b::add);
        Set<Integer> inter = new HashSet<>(a);
        inter.retainAll(b);
        Set<Integer> union = new HashSet<>(a);
        union.addAll(b);
        return union.isEmpty() ? 1 : (double) inter.size() / union.size();
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = EN_WORD.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static List<List<String>> groups(List<String> left, List<String> right) {
        return List.of(left, right);
    }

    /** Builder for {@link LexicalGuard}; every check is on unless turned off. */
    public static final class Builder {
        private boolean checkNumbers = true;
        private boolean checkNegation = true;
        private boolean checkAntonyms = true;
        private boolean checkEntities = true;
        private boolean checkComparisons = true;

        /** Rejects a pair whose comparison has its two sides swapped (A than B / B than A, A比B / B比A). */
        public Builder checkComparisons(boolean on) {
            this.checkComparisons = on;
            return this;
        }

        public Builder checkNumbers(boolean on) {
            this.checkNumbers = on;
            return this;
        }

        public Builder checkNegation(boolean on) {
            this.checkNegation = on;
            return this;
        }

        public Builder checkAntonyms(boolean on) {
            this.checkAntonyms = on;
            return this;
        }

        public Builder checkEntities(boolean on) {
            this.checkEntities = on;
            return this;
        }

        public LexicalGuard build() {
            return new LexicalGuard(this);
        }
    }
}
