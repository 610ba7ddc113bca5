package io.promptcache.gateway;

/**
 * The upstream provider did not give an answer the cache can use: an error status, a reply that is not a chat
 * completion, no answer within the timeout, or no connection. The gateway passes the provider's own status and
 * body through when there is one, and never caches any of these.
 */
final class UpstreamException extends RuntimeException {

    enum Kind {
        /** The provider answered with this status and body. */
        REPLIED,
        /** No complete answer within the upstream timeout. */
        TIMEOUT,
        /** No connection, or the connection broke. */
        UNREACHABLE
    }

    private final Kind kind;
    private final int status;
    private final byte[] body;
    private final String contentType;

    private UpstreamException(Kind kind, int status, byte[] body, String contentType, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.body = body;
        this.contentType = contentType;
    }

    static UpstreamException replied(int status, byte[] body, String contentType) {
        return new UpstreamException(Kind.REPLIED, status, body, contentType, "the upstream answered HTTP " + status);
    }

    static UpstreamException timeout(java.time.Duration after) {
        return new UpstreamException(Kind.TIMEOUT, 504, null, null,
                "The upstream gave no answer within " + after.toMillis() + " ms (the gateway's --upstream-timeout).");
    }

    static UpstreamException unreachable(String why) {
        return new UpstreamException(Kind.UNREACHABLE, 502, null, null, "The upstream could not be reached: " + why);
    }

    Kind kind() {
        return kind;
    }

    int status() {
        return status;
    }

    byte[] body() {
        return body;
    }

    String contentType() {
        return contentType;
    }
}
