package io.promptcache.cassette;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** The first difference between a recorded request and the current one, both as {@link CassetteRequest#describe} trees. */
final class RequestDifference {

    private static final int SHOWN = 160;

    private RequestDifference() {
    }

    /** How near a recording is: the longer the common run of conversation messages, the nearer; then the rest. */
    static long nearness(Map<String, Object> recorded, Map<String, Object> current) {
        List<Map<String, Object>> a = conversation(recorded);
        List<Map<String, Object>> b = conversation(current);
        int common = 0;
        while (common < a.size() && common < b.size() && a.get(common).equals(b.get(common))) {
            common++;
        }
        long score = common * 8L;
        score += system(recorded).equals(system(current)) ? 4 : 0;
        score += Objects.equals(recorded.get("tools"), current.get("tools")) ? 2 : 0;
        score += Objects.equals(recorded.get("parameters"), current.get("parameters")) ? 1 : 0;
        return score;
    }

    /** In this order: the system prompt, the tools, the parameters, the model's parameters, then message by message. */
    static String first(Map<String, Object> recorded, Map<String, Object> current) {
        List<String> rs = system(recorded);
        List<String> cs = system(current);
        if (!rs.equals(cs)) {
            return "the system prompt: recorded " + show(String.join("\n", rs)) + ", now " + show(String.join("\n", cs));
        }
        String tools = tools(list(recorded.get("tools")), list(current.get("tools")));
        if (tools != null) {
            return tools;
        }
        String params = entries("parameter", map(recorded.get("parameters")), map(current.get("parameters")));
        if (params != null) {
            return params;
        }
        if (current.containsKey("modelParameters") && recorded.containsKey("modelParameters")) {
            String model = entries("the model's parameter", map(recorded.get("modelParameters")), map(current.get("modelParameters")));
            if (model != null) {
                return model;
            }
        }
        List<Map<String, Object>> rm = list(recorded.get("messages"));
        List<Map<String, Object>> cm = list(current.get("messages"));
        for (int i = 0; i < Math.min(rm.size(), cm.size()); i++) {
            Map<String, Object> r = rm.get(i);
            Map<String, Object> c = cm.get(i);
            if (r.equals(c)) {
                continue;
            }
            if (!Objects.equals(r.get("role"), c.get("role"))) {
                return "message " + i + ": recorded a " + r.get("role") + " message, now a " + c.get("role") + " message";
            }
            if ("tool".equals(c.get("role"))) {
                return "message " + i + ", the tool result of '" + c.get("tool") + "': recorded " + show(r.get("result"))
                        + ", now " + show(c.get("result"));
            }
            for (String field : new TreeSet<>(union(r.keySet(), c.keySet()))) {
                if (!Objects.equals(r.get(field), c.get(field))) {
                    return "message " + i + " (" + c.get("role") + "), its " + field + ": recorded " + show(r.get(field))
                            + ", now " + show(c.get(field));
                }
            }
        }
        if (rm.size() != cm.size()) {
            return "the number of messages: recorded " + rm.size() + ", now " + cm.size();
        }
        return "nothing shown in the request (the key also covers what the description leaves out, such as message names)";
    }

    private static String tools(List<Map<String, Object>> recorded, List<Map<String, Object>> current) {
        for (Map<String, Object> c : current) {
            Map<String, Object> r = byName(recorded, c.get("name"));
            if (r == null) {
                return "tool '" + c.get("name") + "': not recorded, now offered";
            }
            if (!r.equals(c)) {
                return "tool '" + c.get("name") + "': recorded " + show(r) + ", now " + show(c);
            }
        }
        for (Map<String, Object> r : recorded) {
            if (byName(current, r.get("name")) == null) {
                return "tool '" + r.get("name") + "': recorded, now no longer offered";
            }
        }
        return null;
    }

    private static Map<String, Object> byName(List<Map<String, Object>> tools, Object name) {
        for (Map<String, Object> t : tools) {
            if (Objects.equals(t.get("name"), name)) {
                return t;
            }
        }
        return null;
    }

    private static String entries(String what, Map<String, Object> recorded, Map<String, Object> current) {
        for (String k : new TreeSet<>(union(recorded.keySet(), current.keySet()))) {
            if (!Objects.equals(String.valueOf(recorded.get(k)), String.valueOf(current.get(k)))) {
                return what + " '" + k + "': recorded " + show(recorded.get(k)) + ", now " + show(current.get(k));
            }
        }
        return null;
    }

    private static List<String> system(Map<String, Object> request) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> m : list(request.get("messages"))) {
            if ("system".equals(m.get("role"))) {
                out.add(String.valueOf(m.get("text")));
            }
        }
        return out;
    }

    private static List<Map<String, Object>> conversation(Map<String, Object> request) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> m : list(request.get("messages"))) {
            if (!"system".equals(m.get("role"))) {
                out.add(m);
            }
        }
        return out;
    }

    private static <T> List<T> union(java.util.Collection<T> a, java.util.Collection<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** A value cut to a readable length, quoted when it is text. */
    static String show(Object value) {
        if (value == null) {
            return "(none)";
        }
        String s = value instanceof String str ? str : io.promptcache.key.CanonicalJson.write(value);
        if (s.length() > SHOWN) {
            s = s.substring(0, SHOWN) + "… (" + s.length() + " characters)";
        }
        return value instanceof String ? "\"" + s + "\"" : s;
    }
}
