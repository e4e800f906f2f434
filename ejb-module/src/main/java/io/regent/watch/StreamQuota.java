package io.regent.watch;

import java.util.HashMap;
import java.util.Map;

/**
 * How many streams (watches of both kinds) a server keeps open: at most {@code limit} in all and
 * {@code perUser} for any one user, so that one reader cannot take every stream from the others.
 */
final class StreamQuota {

    private final int limit;
    private final int perUser;
    private final Map<String, Integer> byUser = new HashMap<>();
    /** Read without the lock: the member's every change asks whether any stream is open. */
    private volatile int open;

    StreamQuota(int limit, int perUser) {
        if (perUser < 1 || perUser > limit) {
            throw new IllegalArgumentException("a user's share must be between 1 and the limit " + limit);
        }
        this.limit = limit;
        this.perUser = perUser;
    }

    /** Takes a stream for {@code user}; false if the server or the user has as many as allowed. */
    synchronized boolean take(String user) {
        int mine = byUser.getOrDefault(user, 0);
        if (open >= limit || mine >= perUser) {
            return false;
        }
        byUser.put(user, mine + 1);
        open++;
        return true;
    }

    /** A stream of {@code user}'s ended. */
    synchronized void giveBack(String user) {
        int mine = byUser.getOrDefault(user, 0);
        if (mine <= 1) {
            byUser.remove(user);
        } else {
            byUser.put(user, mine - 1);
        }
        open = Math.max(0, open - 1);
    }

    int open() {
        return open;
    }
}
