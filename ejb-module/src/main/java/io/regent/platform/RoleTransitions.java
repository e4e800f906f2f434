package io.regent.platform;

import io.regent.api.Epoch;
import io.regent.api.MasterGranted;
import io.regent.api.MasterRevoked;
import io.regent.host.MemberHost;
import io.regent.host.NotOpenReason;
import io.regent.member.RoleSequence;

import java.util.List;

/**
 * Turns the member's successive snapshots into the role events an application sees: the order
 * is the core's ({@link RoleSequence}, which the simulation checks), and this adds who and why.
 * States seen in between are not replayed: a mastership that opened and closed between two looks
 * is neither granted nor revoked.
 */
final class RoleTransitions {

    private final String self;
    private final RoleSequence sequence = new RoleSequence();

    RoleTransitions(String self) {
        this.self = self;
    }

    /** The events that take an application from what it was told to {@code s}. */
    List<Record> after(MemberHost.Snapshot s) {
        return events(sequence.after(s.open() ? s.epoch() : null), reason(s));
    }

    /** The application or the server stops: a mastership held ends now. */
    List<Record> stopping() {
        return events(sequence.stopping(), MasterRevoked.Reason.STOPPING);
    }

    private List<Record> events(List<RoleSequence.Change> changes, MasterRevoked.Reason why) {
        return changes.stream().<Record>map(c -> c instanceof RoleSequence.Granted
                ? new MasterGranted(epoch(c.epoch()), self)
                : new MasterRevoked(epoch(c.epoch()), self, why)).toList();
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
