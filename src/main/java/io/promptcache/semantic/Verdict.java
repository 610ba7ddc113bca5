package io.promptcache.semantic;

/**
 * What a verifier says of a candidate.
 *
 * @param accepted true when the verifier lets the candidate through
 * @param verifier name of the verifier that decided
 * @param reason   short, prompt-free reason (safe to log)
 */
public record Verdict(boolean accepted, String verifier, String reason) {

    public static Verdict accept(String verifier) {
        return new Verdict(true, verifier, "");
    }

    public static Verdict reject(String verifier, String reason) {
        return new Verdict(false, verifier, reason);
    }
}
