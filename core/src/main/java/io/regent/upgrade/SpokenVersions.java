package io.regent.upgrade;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest protocol version each member has been heard sending in its current run, from the
 * signed frames it sends, and when it was last heard at it (DESIGN.md §8.2). A member's new run
 * starts again from what that run sends: a server rolled back to the previous release is heard at
 * the previous version from its first frame. A member not heard lately, or gone from the broker,
 * counts as not heard at all, so a server stopped on its way back to the previous release cannot
 * let the group be finalised past it. Times are the caller's, in ms.
 */
public final class SpokenVersions {

    /** One member's run: fixed but for when it was last heard at its newest version. */
    private static final class Heard {
        final long incarnation;
        final int newest;
        volatile long at;

        Heard(long incarnation, int newest, long at) {
            this.incarnation = incarnation;
            this.newest = newest;
            this.at = at;
        }
    }

    private final Map<String, Heard> heard = new ConcurrentHashMap<>();

    /**
     * A frame of {@code version} from {@code member}'s run {@code incarnation} was opened at
     * {@code now}. Called for every frame: a frame that changes nothing but the time allocates
     * and locks nothing.
     */
    public void heard(String member, long incarnation, int version, long now) {
        Heard before = heard.get(member);
        if (before != null && incarnation == before.incarnation && version <= before.newest) {
            if (version == before.newest) {
                before.at = now;
            }
            return;
        }
        heard.compute(member, (m, h) -> h == null || incarnation > h.incarnation
                || (incarnation == h.incarnation && version > h.newest) ? new Heard(incarnation, version, now) : h);
    }

    /** {@code member} left (its broker connection closed): it counts as not heard until it sends again. */
    public void departed(String member) {
        heard.remove(member);
    }

    /**
     * The newest version every one of {@code voters} has been heard speaking in its current run,
     * each within {@code maxAgeMillis} of {@code now}: the version the group may be finalised at.
     * Empty while one has not been heard lately.
     */
    public OptionalInt commonTo(Collection<String> voters, long now, long maxAgeMillis) {
        int lowest = Integer.MAX_VALUE;
        for (String voter : voters) {
            Heard h = heard.get(voter);
            if (h == null || now - h.at > maxAgeMillis) {
                return OptionalInt.empty();
            }
            lowest = Math.min(lowest, h.newest);
        }
        return voters.isEmpty() ? OptionalInt.empty() : OptionalInt.of(lowest);
    }

    /** Each member heard and the newest version of its current run, by id. */
    public Map<String, Integer> view() {
        Map<String, Integer> v = new TreeMap<>();
        heard.forEach((member, h) -> v.put(member, h.newest));
        return v;
    }
}
