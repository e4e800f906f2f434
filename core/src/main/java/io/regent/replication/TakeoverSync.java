package io.regent.replication;

import io.regent.protocol.Configuration;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A new master's census (DESIGN.md §3, takeover sync): where the servers' states stand, so that
 * it can bring itself up to the most advanced before it opens for writes. It is complete when it
 * holds enough positions to include every acknowledged write: a majority of the voters of the
 * configuration its history holds ({@link AckMode#MAJORITY}: any two majorities of one
 * configuration, or of two consecutive ones, share a voter), or every server live at the
 * takeover for as long as it stays live ({@link AckMode#ALL_LIVE}: a write may be on one of them
 * only). Neither has a deadline: opening on fewer positions could drop acknowledged writes.
 */
final class TakeoverSync {

    /** Whose positions make a majority, or null when only {@link #awaited} is needed. */
    private Configuration voters;
    private final Set<String> awaited;
    private final Map<String, Position> reports = new HashMap<>();

    /**
     * @param voters  a majority of whose voters must report, this server included; null: none
     * @param awaited servers whose positions are needed whatever their number
     */
    TakeoverSync(Configuration voters, List<String> awaited) {
        this.voters = voters;
        this.awaited = new HashSet<>(awaited);
    }

    /**
     * Catching up brought in a newer configuration: a majority of its voters must report too,
     * since the writes it committed are on a majority of those (DESIGN.md §9).
     */
    void reconfigure(Configuration next) {
        if (voters != null) {
            voters = next;
        }
    }

    private boolean majorityReported() {
        return voters == null || voters.isMajority(reports.keySet());
    }

    void report(String server, Position applied) {
        reports.put(server, applied);
    }

    /** A source that died before it answered a fetch no longer counts. */
    void forget(String server) {
        reports.remove(server);
        awaited.remove(server);
    }

    /** A server the protocol no longer hears (it died) is not waited for. */
    void stillLive(List<String> livePeers) {
        awaited.retainAll(livePeers);
    }

    boolean complete() {
        return majorityReported() && reports.keySet().containsAll(awaited);
    }

    /** Who has not answered yet: the awaited servers, or, short of a quorum, everybody else. */
    Set<String> missing(Set<String> everybody) {
        Set<String> missing = new HashSet<>(awaited.isEmpty() && !majorityReported() ? everybody : awaited);
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
