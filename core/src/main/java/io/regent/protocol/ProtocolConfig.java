package io.regent.protocol;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything the protocol needs to know, in milliseconds. The host maps its configuration keys
 * onto these fields; the constructor rejects nonsense with a message naming the field.
 *
 * @param self                 this server's id
 * @param address              where clients reach this server (opaque to the protocol)
 * @param members              every member's id and member number (1 = most preferred when indexes
 *                             are configured), self included; see {@link Index}
 * @param detectionInterval    period of INQUIRY ticks
 * @param replyTimeout         how long an INQUIRY may go unanswered
 * @param misses               consecutive unanswered inquiries before the master is suspected
 * @param electionBase         the base of every election delay
 * @param minHop               floor of a one-way delay estimate
 * @param probeInterval        period of delay probes and announcements
 * @param discoveryWindow      how long a starting server listens for a master before electing
 * @param preempt              whether a better-ranked backup takes mastership back
 * @param preemptDelay         how long it follows the worse-ranked master before it does
 * @param delayHistory         samples kept per peer for its delay estimate
 * @param quorumWindow         a server that has not heard a majority of the group (itself included)
 *                             within this window neither stays master nor declares (check-quorum)
 * @param index                this server's index: its member number when configured, or
 *                             {@link Index#measured} from its capacity figure
 * @param capacity             the figure the index was measured from (0 when configured), which
 *                             this server announces for operators to see
 * @param memberUrls           each member's address as the operator configured it: a member's
 *                             announced address is used (clients are redirected there with their
 *                             credentials) only if it is this one; empty: any http(s) URL is
 */
public record ProtocolConfig(String self, String address, Map<String, Integer> members, long detectionInterval,
        long replyTimeout, int misses, long electionBase, long minHop, long probeInterval,
        long discoveryWindow, boolean preempt, long preemptDelay, int delayHistory, long quorumWindow, int index,
        long capacity, Map<String, String> memberUrls) {

    public ProtocolConfig {
        require(self != null && !self.isBlank(), "self", "must be set");
        address = address == null ? "" : address;
        require(members != null && members.containsKey(self), "members", "must include self (" + self + ")");
        Set<Integer> indexes = new HashSet<>();
        for (Map.Entry<String, Integer> m : members.entrySet()) {
            require(m.getValue() != null && m.getValue() >= 1 && m.getValue() <= Index.MAX_SLOT, "members",
                    "number of " + m.getKey() + " must be within 1.." + Index.MAX_SLOT);
            require(indexes.add(m.getValue()), "members", "number " + m.getValue() + " is used twice");
        }
        index = index == 0 ? members.get(self) : index;
        require(Index.valid(index) && Index.slot(index) == members.get(self), "index",
                "must be this server's member number or measured from it");
        require(capacity >= 0 && (capacity == 0 || Index.isMeasured(index)), "capacity",
                "must be >= 0, and 0 unless the index is measured");
        require(detectionInterval >= 1, "detectionInterval", "must be >= 1 ms");
        require(replyTimeout >= 1, "replyTimeout", "must be >= 1 ms");
        require(misses >= 1, "misses", "must be >= 1");
        require(electionBase >= 0, "electionBase", "must be >= 0");
        require(minHop >= 1, "minHop", "must be >= 1 ms");
        require(probeInterval >= 1, "probeInterval", "must be >= 1 ms");
        require(discoveryWindow >= 0, "discoveryWindow", "must be >= 0");
        require(preemptDelay >= 0, "preemptDelay", "must be >= 0");
        require(delayHistory >= 1, "delayHistory", "must be >= 1");
        // peers are heard through inquiries (on a master) and probes (everywhere): a window shorter
        // than a probe round would make a healthy server think itself cut off
        require(quorumWindow >= probeInterval + detectionInterval, "quorumWindow",
                "must be at least the probe interval plus the detection interval");
        members = Map.copyOf(new LinkedHashMap<>(members));
        memberUrls = memberUrls == null ? Map.of() : Map.copyOf(memberUrls);
        require(members.keySet().containsAll(memberUrls.keySet()), "memberUrls", "must name members only");
        require(memberUrls.isEmpty() || address.equals(memberUrls.get(self)), "memberUrls",
                "must give this server (" + self + ") its own address " + address);
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": " + problem);
        }
    }

    /** A configuration with configured indexes: this server's is its member number. */
    public ProtocolConfig(String self, String address, Map<String, Integer> members, long detectionInterval,
            long replyTimeout, int misses, long electionBase, long minHop, long probeInterval, long discoveryWindow,
            boolean preempt, long preemptDelay, int delayHistory, long quorumWindow) {
        this(self, address, members, detectionInterval, replyTimeout, misses, electionBase, minHop, probeInterval,
                discoveryWindow, preempt, preemptDelay, delayHistory, quorumWindow, 0, 0, Map.of());
    }

    /** The same configuration, trusting only these member addresses (see {@code memberUrls}). */
    public ProtocolConfig withMemberUrls(Map<String, String> urls) {
        return new ProtocolConfig(self, address, members, detectionInterval, replyTimeout, misses, electionBase, minHop,
                probeInterval, discoveryWindow, preempt, preemptDelay, delayHistory, quorumWindow, index, capacity, urls);
    }

    /** The same configuration, with the index this server measured from {@code figure}. */
    public ProtocolConfig measured(long figure) {
        return new ProtocolConfig(self, address, members, detectionInterval, replyTimeout, misses, electionBase, minHop,
                probeInterval, discoveryWindow, preempt, preemptDelay, delayHistory, quorumWindow,
                Index.measured(figure, members.get(self)), Math.max(1, figure), memberUrls);
    }

    /** A peer heard of within this window counts as live when election delays are computed. */
    public long liveWindow() {
        return Math.max(3 * probeInterval, 2 * detectionInterval);
    }

    /**
     * The most the reply time-out widens to when round trips jitter (see {@code Detection}): it
     * bounds how much longer detection may take on a loaded group.
     */
    public long replyTimeoutCeiling() {
        return 3 * replyTimeout;
    }

    /**
     * How recently a master must have heard from a backup to count it as live: the time a
     * backup takes to judge its master, mirrored (K inquiry intervals plus one time-out).
     */
    public long followerWindow() {
        return misses * detectionInterval + replyTimeoutCeiling();
    }

    /**
     * A gap this long between two inputs means this server was stalled (paused, starved, in a
     * long GC): the group has had time to judge it dead, so it no longer trusts its own view.
     */
    public long stallThreshold() {
        return 2 * Math.max(Math.max(detectionInterval, probeInterval), replyTimeout);
    }

    /**
     * How far apart the survivors' suspicions of one crash can land: a backup whose last
     * inquiry was answered just before the crash suspects one detection tick after one whose
     * inquiry arrived just after it.
     */
    public long detectionSkew() {
        return detectionInterval;
    }

    /** A defaults-filled config, handy for hosts and tests; every field can be replaced. */
    public static ProtocolConfig defaults(String self, Map<String, Integer> members) {
        return new ProtocolConfig(self, "", members, 100, 200, 2, 20, 5, 500, 1_000, false, 5_000, 8, 800);
    }
}
