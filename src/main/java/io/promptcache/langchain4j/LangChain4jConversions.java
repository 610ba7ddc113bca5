package io.promptcache.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;
import io.promptcache.core.CacheAnswer;
import io.promptcache.core.CacheMessage;
import io.promptcache.core.CacheRequest;
import io.promptcache.core.CacheTool;
import io.promptcache.key.CanonicalJson;
import io.promptcache.key.RequestParametersCanonicalizer;
import io.promptcache.key.ToolSpecifications;
import io.promptcache.prefix.ProviderCacheUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * LangChain4j's request and answer types to the engine's and back.
 *
 * <p>A message is encoded as LangChain4j's own serializer writes it (its fields in a fixed order: deterministic
 * bytes), which is what every earlier release keyed on, so entries stored before the engine had its own request model
 * are still found.
 */
public final class LangChain4jConversions {

    private LangChain4jConversions() {
    }

    /** The request as the engine keys it: {@code request} is the effective one, defaults already merged. */
    public static CacheRequest request(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        List<CacheMessage> messages = new ArrayList<>(request.messages().size());
        for (ChatMessage m : request.messages()) {
            messages.add(message(m));
        }
        List<CacheTool> tools = new ArrayList<>();
        List<ToolSpecification> specs = request.toolSpecifications();
        if (specs != null) {
            for (ToolSpecification s : specs) {
                tools.add(new CacheTool(s.name(), ToolSpecifications.canonicalJson(s)));
            }
        }
        return CacheRequest.builder()
                .messages(messages)
                .tools(tools)
                .parametersJson(CanonicalJson.write(RequestParametersCanonicalizer.toMap(request.parameters())))
                .modelName(request.parameters() == null ? null : request.parameters().modelName())
                .userEncoding(text -> ChatMessageSerializer.messageToJson(UserMessage.from(text)))
                .build();
    }

    /** One message, encoded as LangChain4j serialises it. */
    public static CacheMessage message(ChatMessage m) {
        String json = ChatMessageSerializer.messageToJson(m);
        if (m instanceof SystemMessage s) {
            return new CacheMessage(CacheMessage.Role.SYSTEM, s.text(), true, List.of(), null, null, json);
        }
        if (m instanceof UserMessage u) {
            boolean plain = u.hasSingleText();
            return new CacheMessage(CacheMessage.Role.USER, plain ? u.singleText() : null, plain, List.of(), null, null, json);
        }
        if (m instanceof AiMessage ai) {
            List<CacheMessage.ToolCall> calls = new ArrayList<>();
            if (ai.hasToolExecutionRequests()) {
                for (ToolExecutionRequest r : ai.toolExecutionRequests()) {
                    calls.add(new CacheMessage.ToolCall(r.id(), r.name(), r.arguments()));
                }
            }
            return new CacheMessage(CacheMessage.Role.ASSISTANT, ai.text(), ai.text() != null && calls.isEmpty(), calls,
                    null, null, json);
        }
        if (m instanceof ToolExecutionResultMessage r) {
            return new CacheMessage(CacheMessage.Role.TOOL, r.text(), r.text() != null, List.of(), r.id(), r.toolName(), json);
        }
        return new CacheMessage(CacheMessage.Role.OTHER, null, false, List.of(), null, null, json);
    }

    /** The answer as the engine stores it, with the provider's raw usage object when the OpenAI client kept it. */
    public static CacheAnswer answer(ChatResponse response) {
        Objects.requireNonNull(response, "response");
        AiMessage ai = response.aiMessage();
        TokenUsage usage = response.tokenUsage();
        List<CacheMessage.ToolCall> calls = new ArrayList<>();
        if (ai != null && ai.hasToolExecutionRequests()) {
            for (ToolExecutionRequest r : ai.toolExecutionRequests()) {
                calls.add(new CacheMessage.ToolCall(r.id(), r.name(), r.arguments()));
            }
        }
        com.fasterxml.jackson.databind.JsonNode raw = ProviderCacheUsage.usageObject(response);
        if (raw == null && usage instanceof OpenAiTokenUsage openAi && openAi.inputTokensDetails() != null
                && openAi.inputTokensDetails().cachedTokens() != null) {
            // no raw body kept: the client's own reading of OpenAI's cached tokens is the usage there is
            com.fasterxml.jackson.databind.node.ObjectNode o = CanonicalJson.mapper().createObjectNode();
            if (openAi.inputTokenCount() != null) {
                o.put("prompt_tokens", openAi.inputTokenCount());
            }
            o.putObject("prompt_tokens_details").put("cached_tokens", openAi.inputTokensDetails().cachedTokens());
            raw = o;
        }
        return new CacheAnswer(
                ai == null ? null : ai.text(),
                ai == null ? null : ai.thinking(),
                response.finishReason() == null ? null : response.finishReason().name(),
                usage == null ? null : usage.inputTokenCount(),
                usage == null ? null : usage.outputTokenCount(),
                usage == null ? null : usage.totalTokenCount(),
                response.modelName(),
                response.id(),
                calls,
                raw == null ? null : raw.toString());
    }

    /** A LangChain4j response carrying a stored answer. */
    public static ChatResponse chatResponse(CacheAnswer answer) {
        Objects.requireNonNull(answer, "answer");
        AiMessage.Builder ai = AiMessage.builder().text(answer.text()).thinking(answer.thinking());
        if (answer.hasToolCalls()) {
            List<ToolExecutionRequest> requests = new ArrayList<>();
            for (CacheMessage.ToolCall c : answer.toolCalls()) {
                requests.add(ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build());
            }
            ai.toolExecutionRequests(requests);
        }
        ChatResponseMetadata metadata = ChatResponseMetadata.builder()
                .id(answer.id())
                .modelName(answer.modelName())
                .tokenUsage(answer.inputTokens() == null && answer.outputTokens() == null && answer.totalTokens() == null
                        ? null : new TokenUsage(answer.inputTokens(), answer.outputTokens(), answer.totalTokens()))
                .finishReason(finishReason(answer.finishReason()))
                .build();
        return ChatResponse.builder().aiMessage(ai.build()).metadata(metadata).build();
    }

    private static FinishReason finishReason(String name) {
        if (name == null) {
            return null;
        }
        try {
            return FinishReason.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            return FinishReason.OTHER; // a reason a newer front door stored: still an answer
        }
    }
}
