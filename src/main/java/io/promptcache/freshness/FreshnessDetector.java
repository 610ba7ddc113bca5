package io.promptcache.freshness;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recognises questions whose answer goes stale in minutes (today's news, the time now, the latest
 * version, a price, the weather) and answers that state the current date or time. Word lists and
 * patterns, Chinese and English; its precision and recall on a labelled list of our own are in
 * docs/operations.md. Cheap: a few regular expressions, no model.
 */
public final class FreshnessDetector {

    private static final Pattern ZH_QUESTION = Pattern.compile(
            "今天|今日|今晚|今早|明天|昨天|现在|此刻|目前|当前|眼下|最新|实时|刚刚|本周|这周|这个星期|本月|这个月|今年|"
                    + "近期|最近|股价|股市|大盘|汇率|天气|气温|下雨|新闻|热搜|头条|比分|赛况|油价|金价|房价|币价|行情|"
                    + "几点|星期几|周几|几号|几月几日|日期|多少钱|价格|报价|票房|排行榜|限行|航班动态|路况");

    private static final Pattern EN_QUESTION = Pattern.compile(
            "\\b(today|today's|tonight|tomorrow|yesterday|now|right now|current|currently|latest|newest|this week|this month|"
                    + "this year|recent|recently|price|prices|cost now|stock|stocks|share price|exchange rate|weather|"
                    + "forecast|temperature|news|headlines|score|scores|breaking|live|trending|what time|what day|"
                    + "what date|time is it|date is it|up to date|up-to-date)\\b",
            Pattern.CASE_INSENSITIVE);

    /** English uses of those words that are not about time ("electric current", "the latest possible"...). */
    private static final List<Pattern> EN_EXCEPTIONS = List.of(
            Pattern.compile("\\b(electric|alternating|direct|ocean) current\\b", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\blive (in|on|with|without|longer|together|abroad)\\b", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\bhow (do|does|did|can|could) .* live\\b", Pattern.CASE_INSENSITIVE));

    private static final Pattern ZH_ANSWER = Pattern.compile(
            "(今天|今日|现在|当前|目前|此刻)(是|为|时间是|时间为|日期是)?[^。！？\\n]{0,8}"
                    + "(\\d{4}\\s*年|\\d{1,2}\\s*月\\s*\\d{1,2}\\s*[日号]|\\d{1,2}\\s*[点时:：]\\s*\\d{0,2}|星期[一二三四五六日天]|周[一二三四五六日天])");

    private static final Pattern EN_ANSWER = Pattern.compile(
            "\\b(today is|it is now|it's now|the current time is|the time is now|current date is|as of today)\\b"
                    + "|\\b(it is|it's) \\d{1,2}(:\\d{2})?\\s*(am|pm|a\\.m\\.|p\\.m\\.)",
            Pattern.CASE_INSENSITIVE);

    private static final FreshnessDetector DEFAULT = new FreshnessDetector();

    public static FreshnessDetector defaults() {
        return DEFAULT;
    }

    /** True when the question asks for something current: its answer goes stale in minutes. */
    public boolean timeSensitiveQuestion(String question) {
        if (question == null || question.isBlank()) {
            return false;
        }
        if (ZH_QUESTION.matcher(question).find()) {
            return true;
        }
        if (!EN_QUESTION.matcher(question).find()) {
            return false;
        }
        String lower = question.toLowerCase(Locale.ROOT);
        for (Pattern exception : EN_EXCEPTIONS) {
            if (exception.matcher(lower).find()) {
                return false;
            }
        }
        return true;
    }

    /** True when the answer states the current date or time. */
    public boolean statesCurrentTime(String answer) {
        return answer != null && (ZH_ANSWER.matcher(answer).find() || EN_ANSWER.matcher(answer).find());
    }
}
