package io.regent.upgrade;

import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.machines.Machines;
import io.regent.protocol.Epoch;
import io.regent.replication.Entry;
import io.regent.replication.MemoryStorage;
import io.regent.replication.StorageException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpgradeTest {

    private static final Epoch E = new Epoch(1, 1);
    private static final Set<String> VOTERS = Set.of("s1", "s2", "s3");
    private static final long FRESH = 3_000;

    @Test
    void aGroupIsFinalisedOnlyOnceEveryVoterWasHeardSpeakingTheNewVersionInItsCurrentRun() {
        SpokenVersions spoken = new SpokenVersions();
        spoken.heard("s1", 7, 3, 0);
        spoken.heard("s2", 4, 2, 0);
        assertEquals(OptionalInt.empty(), spoken.commonTo(VOTERS, 0, FRESH), "s3 not heard yet");
        spoken.heard("s3", 9, 2, 0);
        spoken.heard("s3", 9, 3, 0);
        assertEquals(OptionalInt.of(2), spoken.commonTo(VOTERS, 0, FRESH), "s2 speaks 2 only");
        spoken.heard("s2", 5, 3, 0); // s2 restarted on the new release
        assertEquals(OptionalInt.of(3), spoken.commonTo(VOTERS, 0, FRESH));
        spoken.heard("s2", 6, 2, 0); // and rolled back: its new run speaks 2 only
        assertEquals(OptionalInt.of(2), spoken.commonTo(VOTERS, 0, FRESH));
        spoken.heard("s2", 5, 3, 0); // a late frame of the run before changes nothing
        assertEquals(OptionalInt.of(2), spoken.commonTo(VOTERS, 0, FRESH));
        assertEquals(Map.of("s1", 3, "s2", 2, "s3", 3), spoken.view());
        assertEquals(OptionalInt.empty(), spoken.commonTo(Set.of(), 0, FRESH));
    }

    @Test
    void aVoterNotHeardLatelyOrGoneFromTheBrokerHoldsTheGroupBack() {
        SpokenVersions spoken = new SpokenVersions();
        for (String voter : VOTERS) {
            spoken.heard(voter, 1, 3, 1_000);
        }
        assertEquals(OptionalInt.of(3), spoken.commonTo(VOTERS, 1_000 + FRESH, FRESH));
        // s2 stopped (on its way back to the previous release, say): its last run's word goes stale
        spoken.heard("s1", 1, 3, 5_000);
        spoken.heard("s3", 1, 3, 5_000);
        assertEquals(OptionalInt.empty(), spoken.commonTo(VOTERS, 5_000, FRESH));
        spoken.heard("s2", 1, 2, 5_000); // frames of the run's lower version keep nothing fresh
        assertEquals(OptionalInt.empty(), spoken.commonTo(VOTERS, 5_000, FRESH));
        spoken.heard("s2", 1, 3, 5_000);
        assertEquals(OptionalInt.of(3), spoken.commonTo(VOTERS, 5_000, FRESH));
        spoken.departed("s2");
        assertEquals(OptionalInt.empty(), spoken.commonTo(VOTERS, 5_000, FRESH), "its consumer closed on the broker");
    }

    @Test
    void theGroupVersionIsReplicatedStateThatOnlyRises() {
        MemoryStorage storage = new MemoryStorage(1 << 20, 1_000);
        Machines machines = new Machines(new KeyValueStore(1 << 20, 1_000), List.of(new GroupVersionMachine()), Long.MAX_VALUE);
        assertEquals(ProtocolVersion.UNRECORDED, GroupVersionMachine.read(storage.space()), "a group made before the record");
        String raise = GroupVersionMachine.raiseTo(3);
        assertNull(machines.refusal(raise, storage.space()));
        storage.apply(new Entry(1, E, raise), machines);
        assertEquals(3, GroupVersionMachine.read(storage.space()));
        assertEquals(3, machines.takeValue());
        assertNotNull(machines.refusal(raise, storage.space()), "the master does not raise it to where it is");
        assertTrue(Machines.failed(storage.apply(new Entry(2, E, GroupVersionMachine.raiseTo(2)), machines)),
                "a lower version changes nothing");
        assertEquals(3, GroupVersionMachine.read(storage.space()));
        assertTrue(machines.refusal(GroupVersionMachine.raiseTo(ProtocolVersion.CURRENT + 1), storage.space())
                .contains("speaks"), "a master does not raise the group past what it speaks");
        assertThrows(StorageException.class, () -> storage.apply(new Entry(3, E,
                GroupVersionMachine.raiseTo(ProtocolVersion.CURRENT + 1)), machines), "a server that cannot follow halts");
    }

    @Test
    void aFullStoreDoesNotHoldTheGroupBackFromFinalising() {
        MemoryStorage storage = new MemoryStorage(1 << 20, 1_000);
        Machines machines = new Machines(new KeyValueStore(1 << 20, 1_000), List.of(new GroupVersionMachine()), 1);
        storage.apply(new Entry(1, E, KvCommand.put("filler", "bytes", null).encode()), machines);
        assertTrue(storage.space().bytes() >= 1, "the space is over its quota");
        assertNull(machines.refusal(GroupVersionMachine.raiseTo(3), storage.space()));
    }

    @Test
    void aBuildWritesTheGroupsVersionWithinWhatItSpeaksAndRefusesGroupsOutsideIt() {
        assertEquals(ProtocolVersion.OLDEST, ProtocolVersion.writes(ProtocolVersion.UNRECORDED));
        assertEquals(ProtocolVersion.CURRENT, ProtocolVersion.writes(ProtocolVersion.CURRENT));
        assertTrue(ProtocolVersion.opens(ProtocolVersion.OLDEST) && ProtocolVersion.opens(ProtocolVersion.CURRENT));
        assertFalse(ProtocolVersion.opens(ProtocolVersion.CURRENT + 1) || ProtocolVersion.opens(ProtocolVersion.OLDEST - 1));
        assertNull(ProtocolVersion.refusal(ProtocolVersion.OLDEST));
        assertTrue(ProtocolVersion.refusal(ProtocolVersion.CURRENT + 1).contains("newer release"));
        assertTrue(ProtocolVersion.refusal(ProtocolVersion.OLDEST - 1).contains("release in between"));
    }

    @Test
    void featuresAreOnOnlyFromTheirGroupVersion() {
        assertEquals(List.of(), Feature.enabledAt(ProtocolVersion.UNRECORDED));
        assertEquals(List.of(Feature.SIGNED_FRAME_VERSION), Feature.enabledAt(3));
    }
}
