package io.promptcache.key;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementUtils;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tool specifications in canonical order. AiServices collects tools by reflection, and
 * {@code Class.getDeclaredMethods()} has no defined order, so the same agent can send its
 * tools in a different order from one JVM to the next.
 */
public final class ToolSpecifications {

    private static final Comparator<ToolSpecification> BY_NAME_THEN_CONTENT =
            Comparator.comparing(ToolSpecification::name, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(ToolSpecifications::canonicalJson);

    private ToolSpecifications() {
    }

    public static List<ToolSpecification> sorted(List<ToolSpecification> tools) {
        if (tools == null || tools.isEmpty()) {
            return List.of();
        }
        List<ToolSpecification> copy = new ArrayList<>(tools);
        copy.sort(BY_NAME_THEN_CONTENT);
        return List.copyOf(copy);
    }

    /** True when the list is already in canonical order (so it can be passed on untouched). */
    public static boolean isSorted(List<ToolSpecification> tools) {
        if (tools == null) {
            return true;
        }
        for (int i = 1; i < tools.size(); i++) {
            if (BY_NAME_THEN_CONTENT.compare(tools.get(i - 1), tools.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    public static Map<String, Object> toMap(ToolSpecification tool) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", tool.name());
        map.put("description", tool.description());
        map.put("parameters", tool.parameters() == null ? null : JsonSchemaElementUtils.toMap(tool.parameters()));
        if (tool.metadata() != null && !tool.metadata().isEmpty()) {
            map.put("metadata", tool.metadata());
        }
        return map;
    }

    /** Canonical JSON of one tool; memoised, since an agent sends the same tools on every call. */
    public static String canonicalJson(ToolSpecification tool) {
        String cached = TOOL_JSON.get(tool);
        if (cached != null) {
            return cached;
        }
        String json = CanonicalJson.write(toMap(tool));
        if (TOOL_JSON.size() >= MEMO_LIMIT) {
            TOOL_JSON.clear();
        }
        TOOL_JSON.put(tool, json);
        return json;
    }

    /** Canonical JSON of the whole (sorted) tool set; an agent sends the same set every call, so it is memoised. */
    public static String canonicalJson(List<ToolSpecification> tools) {
        if (tools == null || tools.isEmpty()) {
            return "[]";
        }
        String cached = SET_JSON.get(tools);
        if (cached != null) {
            return cached;
        }
        List<Map<String, Object>> maps = new ArrayList<>();
        for (ToolSpecification tool : sorted(tools)) {
            maps.add(toMap(tool));
        }
        String json = CanonicalJson.write(maps);
        if (SET_JSON.size() >= MEMO_LIMIT) {
            SET_JSON.clear(); // a bound, not an LRU: agents have a handful of tool sets
        }
        SET_JSON.put(List.copyOf(tools), json);
        return json;
    }

    private static final int MEMO_LIMIT = 256;
    private static final Map<List<ToolSpecification>, String> SET_JSON = new ConcurrentHashMap<>();
    private static final Map<ToolSpecification, String> TOOL_JSON = new ConcurrentHashMap<>();
}
