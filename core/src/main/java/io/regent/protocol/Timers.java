package io.regent.protocol;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Which timer of each kind is current, so that stale firings are ignored. */
final class Timers {

    private final Map<TimerKind, Long> current = new EnumMap<>(TimerKind.class);
    private final Map<TimerKind, Boolean> periodic = new EnumMap<>(TimerKind.class);
    private final List<Effect> out;
    private long nextToken;

    Timers(List<Effect> out) {
        this.out = out;
    }

    void once(TimerKind kind, long delay) {
        set(kind, delay, 0);
    }

    void every(TimerKind kind, long firstDelay, long period) {
        set(kind, firstDelay, period);
    }

    private void set(TimerKind kind, long delay, long period) {
        long token = ++nextToken;
        current.put(kind, token);
        periodic.put(kind, period > 0);
        out.add(new Effect.SetTimer(kind, token, Math.max(0, delay), period));
    }

    void cancel(TimerKind kind) {
        if (current.remove(kind) != null) {
            out.add(new Effect.CancelTimer(kind));
        }
    }

    void cancelAll() {
        for (TimerKind kind : TimerKind.values()) {
            cancel(kind);
        }
    }

    boolean pending(TimerKind kind) {
        return current.containsKey(kind);
    }

    /** Whether this firing is the current timer's; a single-action timer is used up by it. */
    boolean fired(TimerKind kind, long token) {
        Long expected = current.get(kind);
        if (expected == null || expected != token) {
            return false;
        }
        if (!periodic.get(kind)) {
            current.remove(kind);
        }
        return true;
    }
}
