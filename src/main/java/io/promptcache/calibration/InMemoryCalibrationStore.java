package io.promptcache.calibration;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** Calibration kept in this JVM: what the in-memory cache store shares between the models built on it. */
final class InMemoryCalibrationStore implements CalibrationStore {

    private final Map<String, ArrayDeque<String>> pairs = new ConcurrentHashMap<>();
    private final Map<String, String> states = new ConcurrentHashMap<>();
    private final Map<String, Long> calls = new ConcurrentHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    @Override
    public List<String> appendPair(String space, String pair, int max) {
        ArrayDeque<String> q = pairs.computeIfAbsent(space, s -> new ArrayDeque<>());
        synchronized (q) {
            q.addLast(pair);
            while (q.size() > max) {
                q.removeFirst();
            }
            return new ArrayList<>(q);
        }
    }

    @Override
    public List<String> pairs(String space) {
        ArrayDeque<String> q = pairs.get(space);
        if (q == null) {
            return List.of();
        }
        synchronized (q) {
            return new ArrayList<>(q);
        }
    }

    @Override
    public Optional<String> state(String space) {
        return Optional.ofNullable(states.get(space));
    }

    @Override
    public void saveState(String space, String stateJson) {
        states.put(space, stateJson);
    }

    @Override
    public long addJudgeCalls(String space, long n) {
        return calls.merge(space, n, Long::sum);
    }

    @Override
    public void keepNewest(String space, int n) {
        ArrayDeque<String> q = pairs.get(space);
        if (q != null) {
            synchronized (q) {
                while (q.size() > n) {
                    q.pollFirst();
                }
            }
        }
    }

    @Override
    public void register(String space) {
        registered.add(space);
    }

    @Override
    public void reset(String space) {
        registered.remove(space);
        pairs.remove(space);
        states.remove(space);
        calls.remove(space);
    }

    @Override
    public Set<String> spaces() {
        Set<String> all = new TreeSet<>(states.keySet());
        all.addAll(registered);
        all.addAll(pairs.keySet());
        return all;
    }
}
