package io.promptcache;

import java.time.Instant;

/**
 * The state of one dependency as the cache last saw it.
 *
 * @param dependency what this is about
 * @param up         false from the first fault until the next success
 * @param since      when it last changed state ({@code null} when it never failed)
 * @param lastFault  the last fault's kind, e.g. {@code "ConnectException"} or {@code "timeout"}; never prompt text
 * @param faults     faults counted since the model was built
 */
public record DependencyHealth(CacheDependency dependency, boolean up, Instant since, String lastFault, long faults) {
}
