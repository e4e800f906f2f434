package io.regent.replication;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The snapshots this server is serving, one per asker at most: each is a consistent view of the
 * state at the moment it was asked for, read one chunk per request, and closed when the asker
 * finishes, asks again, or falls silent.
 */
final class SnapshotSessions {

    private static final class Session {
        final long request;
        final ReplicaStorage.SnapshotView view;
        long lastActive;

        Session(long request, ReplicaStorage.SnapshotView view, long now) {
            this.request = request;
            this.view = view;
            this.lastActive = now;
        }
    }

    private final Map<String, Session> sessions = new HashMap<>();

    /** Opens a new view for {@code asker}'s fetch number {@code request}, closing any earlier one. */
    ReplicaStorage.SnapshotView open(String asker, long request, ReplicaStorage storage, long now) {
        close(asker);
        Session s = new Session(request, storage.openSnapshot(), now);
        sessions.put(asker, s);
        return s.view;
    }

    /** The view of {@code asker}'s snapshot number {@code request}, or null if none is open. */
    ReplicaStorage.SnapshotView view(String asker, long request, long now) {
        Session s = sessions.get(asker);
        if (s == null || s.request != request) {
            return null;
        }
        s.lastActive = now;
        return s.view;
    }

    void close(String asker) {
        Session s = sessions.remove(asker);
        if (s != null) {
            s.view.close();
        }
    }

    /** Closes the sessions idle for {@code idle} ms or more. */
    void expire(long now, long idle) {
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            Session s = it.next();
            if (now - s.lastActive >= idle) {
                s.view.close();
                it.remove();
            }
        }
    }

    void closeAll() {
        sessions.values().forEach(s -> s.view.close());
        sessions.clear();
    }

    int open() {
        return sessions.size();
    }
}
