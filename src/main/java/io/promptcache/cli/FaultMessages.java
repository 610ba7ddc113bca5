package io.promptcache.cli;

/** Says what went wrong in one line a user can act on: the exception's kind and message, never a stack trace. */
final class FaultMessages {

    private FaultMessages() {
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t.getClass() == RuntimeException.class)) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
