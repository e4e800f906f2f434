package io.regent.wire;

import java.util.HashMap;
import java.util.Map;

/**
 * Remembers, per sender and topic, the newest incarnation and counter accepted, and refuses a
 * frame that is not newer: a replayed or duplicated frame changes nothing. A sender's new run
 * (a higher incarnation) starts its counters again. Not thread-safe: each topic has one reader.
 */
public final class ReplayGuard {

    private record Seen(long incarnation, long counter) { }

    private final Map<String, Seen> seen = new HashMap<>();

    /** Whether {@code f} is newer than anything accepted from its sender on its topic; if so it is now the newest. */
    public boolean accept(Frame f) {
        String key = f.from() + '\u0000' + f.topic();
        Seen last = seen.get(key);
        boolean newer = last == null || f.incarnation() > last.incarnation()
                || (f.incarnation() == last.incarnation() && f.counter() > last.counter());
        if (newer) {
            seen.put(key, new Seen(f.incarnation(), f.counter()));
        }
        return newer;
    }
}
