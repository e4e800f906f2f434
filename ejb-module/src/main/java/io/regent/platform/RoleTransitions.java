package io.regent.platform;

import io.regent.api.Epoch;
import io.regent.api.MasterGranted;
import io.regent.api.MasterRevoked;
import io.regent.host.MemberHost;
import io.regent.host.NotOpenReason;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the member's successive snapshots into the role events an application sees: a grant when
 * this server is open for writes in an epoch it was not granted yet, a revocation of that epoch
 * as soon as it is not, before any later grant. A grant is followed by exactly one revocation;
 * an epoch is granted again only if this server reopens in it after a revocation (it lost its
 * broker and found one again, say). States seen in between are not replayed: a mastership that
 * opened and closed between two looks is neither granted nor revoked.
 */
final class RoleTransitions {

    private final String self;
    private Epoch granted;

    RoleTransitions(String self) {
        this.self = self;
    }

    /** The events that take an application from what it was told to {@code s}. */
    List<Record> after(MemberHost.Snapshot s) {
        List<Record> events = new ArrayList<>(2);
        Epoch now = s.open() ? epoch(s.epoch()) : null;
        if (granted != null && !granted.equals(now)) {
            events.add(new MasterRevoked(granted, self, reason(s)));
            granted = null;
        }
        if (now != null && granted == null) {
            granted = now;
            events.add(new MasterGranted(now, self));
        }
        return events;
    }

    /** The application or the server stops: a mastership held ends now. */
    List<Record> stopping() {
        if (granted == null) {
            return List.of();
        }
        MasterRevoked revoked = new MasterRevoked(granted, self, MasterRevoked.Reason.STOPPING);
        granted = null;
        return List.of(revoked);
    }

    private MasterRevoked.Reason reason(MemberHost.Snapshot s) {
        if (s.open() || (s.master() != null && !s.master().equals(self))) {
            return MasterRevoked.Reason.SUPERSEDED;
        }
        NotOpenReason why = s.whyNotOpen();
        if (why == null) {
            return MasterRevoked.Reason.STEPPED_DOWN;
        }
        return switch (why) {
            case NO_QUORUM -> MasterRevoked.Reason.LOST_QUORUM;
            case NO_BROKER -> MasterRevoked.Reason.LOST_BROKER;
            case HALTED -> MasterRevoked.Reason.HALTED;
            case NOT_RUNNING -> MasterRevoked.Reason.STOPPING;
            case NOT_MASTER -> MasterRevoked.Reason.SUPERSEDED;
            case NO_MASTER, TAKING_OVER -> MasterRevoked.Reason.STEPPED_DOWN;
        };
    }

    /** The protocol's epoch as the application sees it, and back. */
    static Epoch epoch(io.regent.protocol.Epoch e) {
        return new Epoch(e.term(), e.index());
    }

    static io.regent.protocol.Epoch epoch(Epoch e) {
        return new io.regent.protocol.Epoch(e.term(), e.index());
    }
}
