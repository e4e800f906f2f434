package io.regent.wire;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers, per sender and topic, the newest incarnation and counter accepted, and refuses a
 * frame that is not newer: a replayed or duplicated frame changes nothing. A sender's new run
 * (a higher incarnation) starts its counters again. What it remembers can be kept across this
 * server's restarts ({@link #marks}, {@link #restore}), so that a frame recorded before one is
 * not taken for new after it. Not thread-safe: each topic has one reader.
 */
public final class ReplayGuard {

    /** The newest frame accepted from one sender on one topic. */
    public record Mark(String sender, Topic topic, long incarnation, long counter) { }

    private record Key(String sender, Topic topic) { }

    private record Seen(long incarnation, long counter) { }

    private final Map<Key, Seen> seen = new HashMap<>();

    /** Whether {@code f} is newer than anything accepted from its sender on its topic; if so it is now the newest. */
    public boolean accept(Frame f) {
        Key key = new Key(f.from(), f.topic());
        Seen last = seen.get(key);
        boolean newer = last == null || f.incarnation() > last.incarnation()
                || (f.incarnation() == last.incarnation() && f.counter() > last.counter());
        if (newer) {
            seen.put(key, new Seen(f.incarnation(), f.counter()));
        }
        return newer;
    }

    public List<Mark> marks() {
        List<Mark> marks = new ArrayList<>(seen.size());
        seen.forEach((k, s) -> marks.add(new Mark(k.sender(), k.topic(), s.incarnation(), s.counter())));
        return marks;
    }

    /** Takes in marks kept from an earlier run of this server, where they are newer than what it holds. */
    public void restore(Collection<Mark> marks) {
        for (Mark m : marks) {
            seen.merge(new Key(m.sender(), m.topic()), new Seen(m.incarnation(), m.counter()),
                    (held, kept) -> held.incarnation() > kept.incarnation()
                            || (held.incarnation() == kept.incarnation() && held.counter() >= kept.counter()) ? held : kept);
        }
    }
}
