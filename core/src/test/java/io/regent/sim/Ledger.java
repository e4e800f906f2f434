package io.regent.sim;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the simulated clients were told: writes sequenced and waiting, and writes acknowledged
 * (answered 2xx). Every key is written once, so an acknowledged write is lost exactly when its
 * key is missing or holds another value. It also remembers the writes whose fsync failed on the
 * server that sequenced them while their clients waited: that server may never acknowledge them.
 */
final class Ledger {

    record Write(String server, long seq, String key, String value) { }

    private final Map<String, Map<Long, Write>> waiting = new HashMap<>();
    private final Map<String, Write> acknowledged = new LinkedHashMap<>();
    private final Set<String> syncFailed = new HashSet<>();
    private long failed;

    void proposed(String server, long seq, String key, String value) {
        waiting.computeIfAbsent(server, s -> new HashMap<>()).put(seq, new Write(server, seq, key, value));
    }

    /**
     * The write the server committed at {@code seq}, no longer waiting, or null if no client
     * waited for it. Its client is answered only once the host's input is carried out.
     */
    Write committed(String server, long seq) {
        Map<Long, Write> w = waiting.get(server);
        return w == null ? null : w.remove(seq);
    }

    /** The client of {@code w} was answered 2xx. */
    void acknowledged(Write w) {
        acknowledged.put(w.key(), w);
    }

    void failed(String server, long seq) {
        Map<Long, Write> w = waiting.get(server);
        if (w != null && w.remove(seq) != null) {
            failed++;
        }
    }

    /**
     * An fsync of {@code server} up to {@code upTo} failed while it held durable only up to
     * {@code durable}: the writes between were in that fsync and are durable nowhere on it.
     */
    void syncFailed(String server, long durable, long upTo) {
        for (Write w : waiting.getOrDefault(server, Map.of()).values()) {
            if (w.seq() > durable && w.seq() <= upTo) {
                syncFailed.add(w.key());
            }
        }
    }

    /** Whether {@code w}'s fsync failed on the server that sequenced it. */
    boolean syncFailed(Write w) {
        return syncFailed.contains(w.key());
    }

    /** A crashed server's clients get no answer: their writes are in doubt, never acknowledged. */
    void crashed(String server) {
        waiting.remove(server);
    }

    Map<String, Write> acknowledged() {
        return acknowledged;
    }

    long failedCount() {
        return failed;
    }
}
