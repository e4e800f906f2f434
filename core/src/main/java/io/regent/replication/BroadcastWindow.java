package io.regent.replication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Paces the open master's broadcasts of writes (DESIGN.md §3.1): at most {@code frames}
 * broadcasts travel uncommitted at once, and the writes sequenced while the window is full wait
 * here to go out together in the next one. Every hop of a replicated write (the broker, each
 * follower's decoding, its acknowledgement) costs per message rather than per write, so under
 * load this turns one message per write into one per batch; a lone writer never waits, since
 * its previous write has committed. A broadcast whose commit does not come (it was lost) stops
 * counting after a while; the reminders of {@link Replica} recover the writes themselves.
 */
final class BroadcastWindow {

    /** Writes that go out as one message: they follow {@code prev}. */
    record Run(Position prev, List<Entry> entries) { }

    /** A broadcast on its way: the last write it carries, and when it left. */
    private record Flight(long upTo, long sentAt) { }

    private final int frames;
    private final long maxBytes;
    private final ArrayDeque<Flight> flying = new ArrayDeque<>();
    private List<Entry> held = new ArrayList<>();
    private Position heldAfter;

    /**
     * @param frames   most broadcasts uncommitted at once
     * @param maxBytes most bytes of writes in one message, as they travel
     */
    BroadcastWindow(int frames, long maxBytes) {
        this.frames = frames;
        this.maxBytes = maxBytes;
    }

    /** A write just sequenced after {@code prev}: it waits for {@link #release}. */
    void hold(Position prev, Entry entry) {
        if (held.isEmpty()) {
            heldAfter = prev;
        }
        held.add(entry);
    }

    /**
     * What may be broadcast now that everything up to {@code committed} has committed: the
     * writes held, in runs of at most {@code maxBytes}, if the window has room; else nothing.
     */
    List<Run> release(long committed, long now) {
        while (!flying.isEmpty() && flying.peekFirst().upTo() <= committed) {
            flying.pollFirst();
        }
        if (held.isEmpty() || flying.size() >= frames) {
            return List.of();
        }
        List<Run> runs = new ArrayList<>();
        Position prev = heldAfter;
        List<Entry> run = new ArrayList<>();
        long bytes = 0;
        for (Entry e : held) {
            long size = Entry.messageBytes(Utf8.length(e.command()));
            if (!run.isEmpty() && bytes + size > maxBytes) {
                runs.add(new Run(prev, run));
                prev = run.get(run.size() - 1).position();
                run = new ArrayList<>();
                bytes = 0;
            }
            run.add(e);
            bytes += size;
        }
        runs.add(new Run(prev, run));
        flying.addLast(new Flight(held.get(held.size() - 1).seq(), now));
        held = new ArrayList<>();
        heldAfter = null;
        return runs;
    }

    /** Broadcasts that left before {@code before} no longer count: they were lost, or their writes failed. */
    void forgetSentBefore(long before) {
        while (!flying.isEmpty() && flying.peekFirst().sentAt() < before) {
            flying.pollFirst();
        }
    }

    /** The mastership ended or the link was lost: nothing is on its way, nothing waits. */
    void clear() {
        flying.clear();
        held = new ArrayList<>();
        heldAfter = null;
    }
}
