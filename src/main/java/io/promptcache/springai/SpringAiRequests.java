package io.promptcache.springai;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import io.promptcache.key.CanonicalJson;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Spring AI prompt in the engine's request model. Everything the provider reads splits the key: every message,
 * every option of the prompt and of the model's defaults (read from the options object's own getters, so a new
 * provider option splits the key instead of being ignored), and every tool's name, description and schema. What
 * the provider never reads (the API key, headers, timeouts, the tool context) is left out, so it never reaches a key.
 * A prompt the engine cannot represent (images, audio, several answers per call, log-probabilities, a message type
 * it does not know) is not cached at all: {@link Converted#notCachedBecause()} says why.
 */
final class SpringAiRequests {

    /** Transport and secrets: never sent as part of the request body, never in a key. */
    private static final Set<String> NOT_THE_REQUEST = Set.of("apiKey", "credential", "customHeaders", "proxy",
            "timeout", "maxRetries", "organizationId", "toolCallbacks", "toolContext", "class", "defaultOptions");

    private SpringAiRequests() {
    }

    /** The request, or why it is not cached. */
    record Converted(ChatRequest request, String notCachedBecause) {
        static Converted notCached(String why) {
            return new Converted(null, why);
        }
    }

    static Converted convert(Prompt prompt, ChatOptions defaults) {
        List<ChatMessage> messages = new ArrayList<>();
        for (Message m : prompt.getInstructions()) {
            String why = add(m, messages);
            if (why != null) {
                return Converted.notCached(why);
            }
        }
        if (messages.isEmpty()) {
            return Converted.notCached("no messages");
        }
        Map<String, Object> custom = new TreeMap<>();
        String model = null;
        try {
            ChatOptions options = prompt.getOptions();
            if (options != null) {
                Map<String, Object> read = read(options);
                String why = notCacheable(read);
                if (why != null) {
                    return Converted.notCached(why);
                }
                custom.put("options", read);
                model = options.getModel();
            }
            if (defaults != null) {
                Map<String, Object> read = read(defaults);
                String why = notCacheable(read);
                if (why != null) {
                    return Converted.notCached(why);
                }
                custom.put("defaultOptions", read);
                model = model != null ? model : defaults.getModel();
            }
        } catch (RuntimeException | ReflectiveOperationException unreadable) {
            return Converted.notCached("options the cache cannot read");
        }
        OpenAiChatRequestParameters parameters = OpenAiChatRequestParameters.builder()
                .modelName(model).customParameters(custom).build();
        return new Converted(ChatRequest.builder().messages(messages).parameters(parameters).build(), null);
    }

    /** Adds the message in the engine's form; returns why it cannot be, or null. */
    private static String add(Message m, List<ChatMessage> out) {
        switch (m.getMessageType()) {
            case SYSTEM -> out.add(SystemMessage.from(textOf(m)));
            case USER -> {
                if (m instanceof org.springframework.ai.chat.messages.UserMessage user && !user.getMedia().isEmpty()) {
                    return "media in a user message";
                }
                out.add(UserMessage.from(textOf(m)));
            }
            case ASSISTANT -> {
                AssistantMessage ai = (AssistantMessage) m;
                if (!ai.getMedia().isEmpty()) {
                    return "media in an assistant message";
                }
                List<ToolExecutionRequest> calls = new ArrayList<>();
                for (AssistantMessage.ToolCall call : ai.getToolCalls()) {
                    calls.add(ToolExecutionRequest.builder().id(call.id()).name(call.name())
                            .arguments(call.arguments() == null ? "" : call.arguments()).build());
                }
                String text = ai.getText();
                out.add(AiMessage.builder().text(text == null && calls.isEmpty() ? "" : text)
                        .toolExecutionRequests(calls).build());
            }
            case TOOL -> {
                for (ToolResponseMessage.ToolResponse r : ((ToolResponseMessage) m).getResponses()) {
                    out.add(ToolExecutionResultMessage.from(r.id(), r.name() == null ? "" : r.name(),
                            r.responseData() == null ? "" : r.responseData()));
                }
            }
            default -> {
                return "a message of type " + m.getMessageType();
            }
        }
        return null;
    }

    private static String textOf(Message m) {
        return m.getText() == null ? "" : m.getText();
    }

    private static String notCacheable(Map<String, Object> options) {
        Object n = options.get("n");
        if (n instanceof Number number && number.intValue() != 1) {
            return "n other than 1";
        }
        if (Boolean.TRUE.equals(options.get("logprobs"))) {
            return "logprobs";
        }
        return null;
    }

    /**
     * The options as the provider reads them: every public getter of the options class but transport and secrets,
     * with values in their JSON form, and the tools by their definitions, sorted by name.
     */
    static Map<String, Object> read(ChatOptions options) throws ReflectiveOperationException {
        Map<String, Object> out = new TreeMap<>();
        out.put("@options", options.getClass().getName());
        for (Method getter : options.getClass().getMethods()) {
            String name = property(getter);
            if (name == null || NOT_THE_REQUEST.contains(name) || out.containsKey(name)) {
                continue;
            }
            if (!getter.canAccess(options) && !getter.trySetAccessible()) {
                throw new IllegalAccessException(getter.getName());
            }
            Object value = getter.invoke(options);
            if (value != null) {
                out.put(name, CanonicalJson.mapper().convertValue(value, Object.class));
            }
        }
        if (options instanceof ToolCallingChatOptions tools && tools.getToolCallbacks() != null
                && !tools.getToolCallbacks().isEmpty()) {
            List<Map<String, Object>> definitions = new ArrayList<>();
            for (ToolCallback callback : tools.getToolCallbacks()) {
                ToolDefinition d = callback.getToolDefinition();
                Map<String, Object> def = new TreeMap<>();
                def.put("name", d.name());
                def.put("description", d.description());
                def.put("inputSchema", d.inputSchema() == null ? null : schema(d.inputSchema()));
                definitions.add(def);
            }
            definitions.sort(Comparator.comparing(d -> String.valueOf(d.get("name"))));
            out.put("tools", definitions);
        }
        return out;
    }

    private static Object schema(String json) {
        try {
            return CanonicalJson.mapper().readValue(json, Object.class);
        } catch (java.io.IOException notJson) {
            return json;
        }
    }

    /** The property a public no-argument getter reads, or null for other methods. */
    private static String property(Method m) {
        if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class
                || m.getReturnType() == void.class || m.isBridge()) {
            return null;
        }
        String n = m.getName();
        String rest = n.startsWith("get") && n.length() > 3 ? n.substring(3)
                : n.startsWith("is") && n.length() > 2 && (m.getReturnType() == boolean.class || m.getReturnType() == Boolean.class)
                ? n.substring(2) : null;
        return rest == null ? null : Character.toLowerCase(rest.charAt(0)) + rest.substring(1);
    }
}
