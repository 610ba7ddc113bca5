package io.promptcache.key;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.internal.JsonSchemaElementUtils;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns request parameters, including provider-specific ones (OpenAI's seed, user, reasoning
 * effort, Ollama's mirostat ...), into a canonical map. Provider parameter classes extend
 * {@link DefaultChatRequestParameters}; their extra accessors are found by reflection so a new
 * provider parameter changes the key instead of being silently ignored.
 */
public final class RequestParametersCanonicalizer {

    private static final Set<String> NOT_PARAMETERS = Set.of(
            "toString", "hashCode", "getClass", "toBuilder", "overrideWith", "defaultedBy", "builder");

    private static final Map<Class<?>, List<Method>> EXTRA_ACCESSORS = new ConcurrentHashMap<>();

    private RequestParametersCanonicalizer() {
    }

    /** Every parameter but the tools, which are canonicalised separately. */
    public static Map<String, Object> toMap(ChatRequestParameters p) {
        Map<String, Object> map = new TreeMap<>();
        if (p == null) {
            return map;
        }
        map.put("modelName", p.modelName());
        map.put("temperature", p.temperature());
        map.put("topP", p.topP());
        map.put("topK", p.topK());
        map.put("frequencyPenalty", p.frequencyPenalty());
        map.put("presencePenalty", p.presencePenalty());
        map.put("maxOutputTokens", p.maxOutputTokens());
        map.put("stopSequences", p.stopSequences());
        map.put("toolChoice", p.toolChoice() == null ? null : p.toolChoice().name());
        map.put("responseFormat", responseFormat(p.responseFormat()));
        for (Method accessor : extraAccessors(p.getClass())) {
            map.put(p.getClass().getSimpleName() + "." + accessor.getName(), invoke(accessor, p));
        }
        return map;
    }

    private static Object responseFormat(ResponseFormat format) {
        if (format == null) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", format.type() == null ? null : format.type().name());
        if (format.jsonSchema() != null) {
            map.put("name", format.jsonSchema().name());
            map.put("schema", format.jsonSchema().rootElement() == null
                    ? null : JsonSchemaElementUtils.toMap(format.jsonSchema().rootElement()));
        }
        return map;
    }

    private static List<Method> extraAccessors(Class<?> type) {
        return EXTRA_ACCESSORS.computeIfAbsent(type, t -> {
            List<Method> found = new ArrayList<>();
            for (Class<?> c = t; c != null && c != DefaultChatRequestParameters.class && c != Object.class;
                 c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) {
                    if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
                            && m.getParameterCount() == 0 && m.getReturnType() != void.class
                            && !m.isBridge() && !m.isSynthetic() && !NOT_PARAMETERS.contains(m.getName())) {
                        found.add(m);
                    }
                }
            }
            found.sort(Comparator.comparing(Method::getName));
            return List.copyOf(found);
        });
    }

    private static Object invoke(Method accessor, Object target) {
        try {
            Object value = accessor.invoke(target);
            if (value == null || value instanceof Number || value instanceof Boolean
                    || value instanceof CharSequence || value instanceof Map || value instanceof List) {
                return value == null ? null : CanonicalJson.tree(value);
            }
            return value instanceof Enum<?> e ? e.name() : String.valueOf(value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A parameter we cannot read still has to split the key: use its type and text.
            return "unreadable:" + accessor.getName();
        }
    }
}
