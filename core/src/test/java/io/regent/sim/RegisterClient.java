package io.regent.sim;

import io.regent.history.Request;
import io.regent.history.Result;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One simulated client of the register keys and what it remembers, as a real client would: the
 * version it last saw of each key (what its compare-and-sets expect) and the position of its last
 * acknowledged write (what its {@code min-seq} reads name). It sends one request at a time, and
 * the values it writes are unique in the scenario, so that a read names the write it saw.
 */
final class RegisterClient {

    final int id;
    private final Map<String, Long> seen = new HashMap<>();
    private long lastSeq;
    private int written;

    RegisterClient(int id) {
        this.id = id;
    }

    /** The next request: writes of every kind, and reads at every consistency. */
    Request next(Random random, List<String> keys) {
        String key = keys.get(random.nextInt(keys.size()));
        long expected = seen.getOrDefault(key, 0L);
        int dice = random.nextInt(100);
        if (dice < 18) {
            return Request.put(key, value());
        } else if (dice < 32) {
            return Request.casPut(key, value(), expected);
        } else if (dice < 36) {
            return Request.delete(key);
        } else if (dice < 40) {
            return Request.casDelete(key, expected);
        } else if (dice < 55) {
            return Request.read(key, Request.Consistency.LINEARIZABLE);
        } else if (dice < 80) {
            return Request.read(key, Request.Consistency.COMMITTED);
        }
        return Request.readMinSeq(key, lastSeq);
    }

    /** What an answer teaches: the key's version, and for a write, the position it was answered at. */
    void learn(Request request, Result result, long seq) {
        if (result instanceof Result.Written w) {
            seen.put(request.key(), w.version());
        } else if (result instanceof Result.Present p) {
            seen.put(request.key(), p.version());
        } else if (result instanceof Result.Conflict c) {
            seen.put(request.key(), c.currentVersion());
        } else {
            seen.put(request.key(), 0L); // deleted, or absent
        }
        if (request.kind().isWrite()) {
            lastSeq = Math.max(lastSeq, seq);
        }
    }

    private String value() {
        return "c" + id + "-" + (++written);
    }
}
