package io.regent.sim;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the simulated clients were told: writes sequenced and waiting, and writes acknowledged
 * (answered 2xx). Every key is written once, so an acknowledged write is lost exactly when its
 * key is missing or holds another value.
 */
final class Ledger {

    record Write(String server, long seq, String key, String value) { }

    private final Map<String, Map<Long, Write>> waiting = new HashMap<>();
    private final Map<String, Write> acknowledged = new LinkedHashMap<>();
    private long failed;

    void proposed(String server, long seq, String key, String value) {
        waiting.computeIfAbsent(server, s -> new HashMap<>()).put(seq, new Write(server, seq, key, value));
    }

    /** The write the server answered 2xx, or null if no client waited for it. */
    Write committed(String server, long seq) {
        Map<Long, Write> w = waiting.get(server);
        Write write = w == null ? null : w.remove(seq);
        if (write != null) {
            acknowledged.put(write.key(), write);
        }
        return write;
    }

    void failed(String server, long seq) {
        Map<Long, Write> w = waiting.get(server);
        if (w != null && w.remove(seq) != null) {
            failed++;
        }
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
