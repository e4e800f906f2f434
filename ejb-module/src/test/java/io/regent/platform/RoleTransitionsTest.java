package io.regent.platform;

import io.regent.api.Epoch;
import io.regent.api.MasterGranted;
import io.regent.api.MasterRevoked;
import io.regent.host.MemberHost;
import io.regent.host.NotOpenReason;
import io.regent.protocol.Role;
import io.regent.replication.Position;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The role events an application is told, from the member's snapshots (issue 34, item 2). */
class RoleTransitionsTest {

    private static final io.regent.protocol.Epoch E1 = new io.regent.protocol.Epoch(3, 1);
    private static final io.regent.protocol.Epoch E2 = new io.regent.protocol.Epoch(4, 2);

    static MemberHost.Snapshot open(io.regent.protocol.Epoch e) {
        return new MemberHost.Snapshot(true, Role.MASTER, e, "s1", "https://s1", true, null, Position.NONE, true, 5);
    }

    static MemberHost.Snapshot notOpen(Role role, io.regent.protocol.Epoch e, String master, NotOpenReason why) {
        return new MemberHost.Snapshot(true, role, e, master, null, false, why, Position.NONE, true, -1);
    }

    @Test
    void grantedOnceWhenOpenAndRevokedAtOnceWhenNot() {
        RoleTransitions t = new RoleTransitions("s1");
        assertEquals(List.of(), t.after(notOpen(Role.MASTER, E1, "s1", NotOpenReason.TAKING_OVER)),
                "elected but still syncing: not granted yet");
        assertEquals(List.of(new MasterGranted(new Epoch(3, 1), "s1")), t.after(open(E1)));
        assertEquals(List.of(), t.after(open(E1)), "once per epoch");
        assertEquals(List.of(new MasterRevoked(new Epoch(3, 1), "s1", MasterRevoked.Reason.LOST_QUORUM)),
                t.after(notOpen(Role.MASTER, E1, "s1", NotOpenReason.NO_QUORUM)));
        assertEquals(List.of(), t.after(notOpen(Role.BACKUP, E2, "s2", NotOpenReason.NOT_MASTER)), "revoked once");
    }

    @Test
    void aNewEpochIsGrantedOnlyAfterTheOldOneIsRevoked() {
        RoleTransitions t = new RoleTransitions("s1");
        t.after(open(E1));
        assertEquals(List.of(new MasterRevoked(new Epoch(3, 1), "s1", MasterRevoked.Reason.SUPERSEDED),
                new MasterGranted(new Epoch(4, 2), "s1")), t.after(open(E2)));
    }

    @Test
    void anotherMasterSupersedesAndStoppingRevokesWhatIsHeld() {
        RoleTransitions t = new RoleTransitions("s1");
        t.after(open(E1));
        assertEquals(List.of(new MasterRevoked(new Epoch(3, 1), "s1", MasterRevoked.Reason.SUPERSEDED)),
                t.after(notOpen(Role.BACKUP, E2, "s2", NotOpenReason.NOT_MASTER)));
        assertEquals(List.of(), t.stopping(), "nothing held");
        t.after(open(E2));
        assertEquals(List.of(new MasterRevoked(new Epoch(4, 2), "s1", MasterRevoked.Reason.STOPPING)), t.stopping());
        t.after(open(E2));
        assertEquals(List.of(new MasterRevoked(new Epoch(4, 2), "s1", MasterRevoked.Reason.HALTED)),
                t.after(notOpen(Role.JOINING, E2, null, NotOpenReason.HALTED)));
    }
}
