package io.promptcache.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promptcache.key.CanonicalJson;

/**
 * A request the gateway answers itself, with an HTTP status and a body in OpenAI's error shape
 * ({@code {"error": {"message", "type", "param", "code"}}}), so an OpenAI client raises its usual error.
 */
final class GatewayError extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    GatewayError(int status, String type, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    static GatewayError invalid(String param, String message) {
        return new GatewayError(400, "invalid_request_error", param, null, message);
    }

    int status() {
        return status;
    }

    /** The body: OpenAI's error object. */
    byte[] body() {
        return body(status, type, param, code, getMessage());
    }

    static byte[] body(int status, String type, String param, String code, String message) {
        ObjectNode root = CanonicalJson.mapper().createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        try {
            return CanonicalJson.mapper().writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
