package io.regent.replication;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A new master's census (DESIGN.md §3, takeover sync): the position of each live server, so
 * that it can bring itself up to the most advanced before it opens for writes. It waits for
 * every server live at the takeover for as long as that server stays live: no deadline, because
 * opening without a live server's position could drop writes only that server holds.
 */
final class TakeoverSync {

    private final Set<String> awaited;
    private final Map<String, Position> reports = new HashMap<>();

    TakeoverSync(List<String> awaited) {
        this.awaited = new HashSet<>(awaited);
    }

    void report(String server, Position applied) {
        reports.put(server, applied);
    }

    /** A source that failed to answer a fetch is not asked again. */
    void forget(String server) {
        reports.remove(server);
        awaited.remove(server);
    }

    /** A server the protocol no longer hears (it died) is not waited for. */
    void stillLive(List<String> livePeers) {
        awaited.retainAll(livePeers);
    }

    boolean complete() {
        return reports.keySet().containsAll(awaited);
    }

    /** Who has not answered yet. */
    Set<String> missing() {
        Set<String> missing = new HashSet<>(awaited);
        missing.removeAll(reports.keySet());
        return missing;
    }

    /** The server whose state is the most advanced of those that reported (ties: any). */
    String mostAdvanced() {
        String best = null;
        for (Map.Entry<String, Position> r : reports.entrySet()) {
            if (best == null || r.getValue().isAheadOf(reports.get(best))) {
                best = r.getKey();
            }
        }
        return best;
    }

    Position positionOf(String server) {
        return reports.get(server);
    }
}
