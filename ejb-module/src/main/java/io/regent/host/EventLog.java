package io.regent.host;

import io.regent.protocol.Event;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The recent events worth showing an operator: elections, revocations, handovers, and on the
 * replication side takeover syncs, snapshots and divergence.
 */
public final class EventLog {

    /** One line of the log, ready for JSON. */
    public record Entry(String at, String type, String detail) { }

    private static final int KEEP = 100;
    private final Deque<Entry> entries = new ArrayDeque<>();

    public synchronized void record(Event e) {
        String detail = describe(e);
        if (detail != null) {
            record(e.at(), e.getClass().getSimpleName(), detail);
        }
    }

    public synchronized void record(long at, String type, String detail) {
        if (entries.size() == KEEP) {
            entries.removeFirst();
        }
        entries.addLast(new Entry(Instant.ofEpochMilli(at).toString(), type, detail));
    }

    public synchronized List<Entry> recent() {
        List<Entry> newestFirst = new ArrayList<>(entries);
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** Null for events too frequent to keep (drops are counted instead). */
    public static String describe(Event e) {
        if (e instanceof Event.RoleChanged r) {
            return r.from() + " -> " + r.to() + " (master " + r.master() + ", epoch " + r.epoch() + ")";
        } else if (e instanceof Event.MasterSuspected s && s.master() == null) {
            return "no master heard of; election delay " + s.electionDelay() + " ms";
        } else if (e instanceof Event.MasterSuspected s) {
            return "master " + s.master() + " not functional after " + s.misses() + " missed inquiries"
                    + (s.sinceAnswer() >= 0 ? " (last answer " + s.sinceAnswer() + " ms ago" : " (no answer yet")
                    + (s.timerLate() > 0 ? ", time-out ran " + s.timerLate() + " ms late" : "") + "); election delay "
                    + s.electionDelay() + " ms";
        } else if (e instanceof Event.Declared d) {
            return "declared epoch " + d.epoch() + " by " + d.cause().label() + (d.electionMillis() > 0
                    ? " after " + d.electionMillis() + " ms" : "");
        } else if (e instanceof Event.Revoked r) {
            return "revoked " + r.revoked() + " in epoch " + r.epoch();
        } else if (e instanceof Event.Stalled s) {
            return "stalled for " + s.gap() + " ms; rejoining";
        } else if (e instanceof Event.HandedOver h) {
            return "handed over to " + h.target() + " from epoch " + h.epoch();
        } else if (e instanceof Event.QuorumLost q) {
            return "heard only " + q.heard() + " of the " + q.needed() + " servers a majority needs; stepped down from epoch "
                    + q.epoch();
        }
        return null;
    }
}
