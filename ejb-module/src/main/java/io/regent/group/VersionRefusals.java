package io.regent.group;

import io.regent.upgrade.ProtocolVersion;
import io.regent.wire.UnspokenVersion;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Frames of a protocol version this build does not open (DESIGN.md §8.1): each counted, and
 * logged once per sender and version. A sender is named only if it is a member: the name is as
 * the unsigned frame claims it, and a forged one must neither reach the log nor crowd out the
 * genuine ones.
 */
final class VersionRefusals {

    private static final Logger LOG = Logger.getLogger(VersionRefusals.class.getName());
    private static final String OTHER = "a sender that is no member";

    private final String self;
    private final Set<String> members;
    private final AtomicLong refused = new AtomicLong();
    private final Set<String> logged = new HashSet<>();

    VersionRefusals(String self, Set<String> members) {
        this.self = self;
        this.members = Set.copyOf(members);
    }

    /** The sender as the log and the metrics may name it. */
    String sender(UnspokenVersion e) {
        return members.contains(e.claimedSender()) ? e.claimedSender() : OTHER;
    }

    void refused(UnspokenVersion e) {
        refused.incrementAndGet();
        String sender = sender(e);
        boolean first;
        synchronized (logged) {
            first = logged.add(sender + "@" + e.version());
        }
        if (first) {
            LOG.warning(() -> "Regent " + self + " refuses frames of protocol version " + e.version() + " from "
                    + sender + ": it opens versions " + ProtocolVersion.range()
                    + " (a server of a release this one cannot run beside; README, Upgrades)");
        }
    }

    long count() {
        return refused.get();
    }
}
