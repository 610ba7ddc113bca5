package io.promptcache.store;

/** Why an entry left a store; the vector index listens so it can forget the entry too. */
public enum RemovalCause {
    /** Its time to live ran out. */
    EXPIRED,
    /** The tenant reached its maximum entry count and this was the least recently used. */
    EVICTED,
    /** Deleted by a call: remove, clear by tenant or by scope. */
    EXPLICIT
}
