package io.promptcache.gateway;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request and its response, as the gateway's routes see them: the server under them (Netty) reads the
 * whole body, bounded by the body limit, before the routes run. Kept apart so the routes are plain code.
 */
interface Exchange {

    String method();

    /** The path, without the query. */
    String path();

    /** The raw query, or null. */
    String query();

    /** The first value of a request header (any case), or null. */
    String header(String name);

    /** Every request header, in order. */
    List<Map.Entry<String, String>> headers();

    byte[] body();

    /** Sets a response header; before {@link #send} or {@link #stream}. */
    void responseHeader(String name, String value);

    /** True once the status has been sent. */
    boolean committed();

    /** The whole response. */
    void send(int status, String contentType, byte[] body);

    /** Starts a streamed response: status and headers now, the body in pieces. */
    Stream stream(int status, String contentType);

    /** The body of a streamed response. */
    interface Stream {
        /** Queues a piece; waits when the client reads slower than the answer comes. */
        void write(byte[] piece);

        /** Sends what is queued. */
        void flush();

        /** Ends the response. */
        void end();

        /** Ends the response with HTTP trailers (announced in the head's {@code Trailer} header). */
        void end(Map<String, String> trailers);
    }
}
