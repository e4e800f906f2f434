package io.regent.membership;

import io.regent.kv.KeyValueStore;
import io.regent.machines.Machines;
import io.regent.protocol.Configuration;
import io.regent.protocol.Epoch;
import io.regent.protocol.Seat;
import io.regent.replication.Entry;
import io.regent.replication.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration, its changes, its record in the log, and the master's checks (DESIGN.md §9). */
class ConfigurationTest {

    private static final Configuration THREE = Configuration.bootstrap(Map.of("s1", 1, "s2", 2, "s3", 3),
            Map.of("s1", "https://s1:9443"));
    private static final Seat S4 = new Seat("s4", 4, "https://s4:9443", false);

    @Test
    void changesGoOneMemberAtATimeAndNeverGiveAnIdOrNumberTwice() {
        Configuration added = new MembershipChange.AddLearner(S4).applyTo(THREE);
        assertEquals(1, added.version());
        assertEquals(List.of("s4"), added.learners());
        assertEquals(2, added.majority(), "a learner counts toward no majority");
        assertFalse(added.isMajority(List.of("s1", "s4")));
        assertTrue(added.isMajority(List.of("s1", "s2")));
        Configuration promoted = new MembershipChange.Promote("s4").applyTo(added);
        assertEquals(3, promoted.majority());
        Configuration removed = new MembershipChange.Remove("s2").applyTo(promoted);
        assertEquals(List.of("s1", "s3", "s4"), removed.voters());
        assertThrows(IllegalArgumentException.class, () -> removed.withLearner(new Seat("s2", 7, "", false)),
                "a removed id is never given again");
        assertThrows(IllegalArgumentException.class, () -> removed.withLearner(new Seat("s9", 2, "", false)),
                "nor a removed member number");
        assertThrows(IllegalArgumentException.class, () -> removed.withPromoted("s3"), "s3 votes already");
        assertThrows(IllegalArgumentException.class, () -> removed.without("s2"), "s2 is gone");
        assertThrows(IllegalArgumentException.class,
                () -> Configuration.bootstrap(Map.of("s1", 1), Map.of()).without("s1"), "no configuration without a voter");
    }

    @Test
    void aRecordedConfigurationFollowsOnlyFromTheOneBeforeItByOneChange() {
        Configuration added = new MembershipChange.AddLearner(S4).applyTo(THREE);
        Configuration promoted = new MembershipChange.Promote("s4").applyTo(added);
        Configuration removed = new MembershipChange.Remove("s1").applyTo(promoted);
        assertTrue(added.followsFrom(THREE) && promoted.followsFrom(added) && removed.followsFrom(promoted));
        assertFalse(promoted.followsFrom(THREE), "two changes");
        assertFalse(THREE.followsFrom(added), "backwards");
        Configuration twoAtOnce = new Configuration(2, List.of(new Seat("s2", 2, "", true), new Seat("s3", 3, "", true),
                new Seat("s4", 4, "", true)), Set.of("s1"), Set.of(1));
        assertFalse(twoAtOnce.followsFrom(added), "a promotion and a removal in one");
        Configuration forgot = new Configuration(3, removed.seats(), Set.of(), Set.of());
        assertFalse(forgot.followsFrom(promoted), "a removal that does not retire the member");

        ConfigurationMachine record = new ConfigurationMachine();
        Machines machines = new Machines(new KeyValueStore(1 << 20, 1_000), List.of(record), Long.MAX_VALUE);
        MemoryStorage storage = new MemoryStorage(1 << 20, 100);
        storage.apply(new Entry(1, new Epoch(1, 1), ConfigurationMachine.change(added)), machines);
        assertNotNull(machines.refusal(ConfigurationMachine.change(twoAtOnce), storage.space()),
                "a faulty master's leap is refused");
        assertNull(machines.refusal(ConfigurationMachine.change(promoted), storage.space()));
    }

    @Test
    void aConfigurationReadsBackAsWritten() {
        Configuration c = new MembershipChange.Remove("s2").applyTo(new MembershipChange.AddLearner(S4).applyTo(THREE));
        assertEquals(c, ConfigurationCodec.decode(ConfigurationCodec.encode(c)));
        for (String hostile : List.of("", "configuration x\nretired-ids\nretired-numbers\nvoter s1 1",
                "configuration 1\nretired-ids\nretired-numbers\nboss s1 1",
                "configuration 1\nretired-ids\nretired-numbers\nvoter s1 1\nvoter s1 2",
                "configuration 1\nretired-ids\nretired-numbers\nlearner s1 1",
                "configuration 1\nretired-ids\nretired-numbers\nvoter ../s1 1",
                "configuration 1\nretired-ids\nretired-numbers\nvoter s1 100000")) {
            assertThrows(IllegalArgumentException.class,
                    () -> ConfigurationCodec.decode(hostile.getBytes(StandardCharsets.UTF_8)), hostile);
        }
    }

    @Test
    void theRecordTakesAChangeOnlyOnTopOfTheVersionItWasMadeFrom() {
        ConfigurationMachine record = new ConfigurationMachine();
        Machines machines = new Machines(new KeyValueStore(1 << 20, 1_000), List.of(record), Long.MAX_VALUE);
        MemoryStorage storage = new MemoryStorage(1 << 20, 100);
        Epoch e = new Epoch(1, 1);
        assertTrue(record.read(storage.space()).isEmpty(), "a new group has its bootstrap configuration");
        Configuration one = new MembershipChange.AddLearner(S4).applyTo(THREE);
        String change = ConfigurationMachine.change(one);
        assertTrue(record.changes(change));
        assertFalse(record.changes("put k v"));
        assertNull(machines.refusal(change, storage.space()));
        storage.apply(new Entry(1, e, change), machines);
        assertEquals(one, record.read(storage.space()).orElseThrow());
        assertNotNull(machines.refusal(change, storage.space()), "made from version 0, the record is at 1");
        assertTrue(Machines.failed(storage.apply(new Entry(2, e, change), machines)), "and fails if sequenced anyway");
        assertEquals(one, record.read(storage.space()).orElseThrow());
    }

    @Test
    void theMasterRefusesAChangeThatWouldCostTheGroupItsMajorityOrComesTooSoon() {
        Configuration withLearner = new MembershipChange.AddLearner(S4).applyTo(THREE);
        Configuration four = new MembershipChange.Promote("s4").applyTo(withLearner);
        List<String> all = List.of("s1", "s2", "s3", "s4");
        ChangeCheck.View everyone = new ChangeCheck.View(true, "s1", all, 0, 10, 1);
        MembershipChange promote = new MembershipChange.Promote("s4");
        assertNull(ChangeCheck.refusal(promote, withLearner, everyone, false));
        assertNotNull(ChangeCheck.refusal(promote, withLearner, new ChangeCheck.View(false, "s1", all, 0, 10, 1), false),
                "one change at a time");
        assertNotNull(ChangeCheck.refusal(promote, withLearner, new ChangeCheck.View(true, "s1", all, 11, 10, 1), false),
                "a learner that lags");
        assertNotNull(ChangeCheck.refusal(promote, withLearner, new ChangeCheck.View(true, "s1", all, -1, 10, 1), false),
                "a learner that acknowledged nothing");
        assertNotNull(ChangeCheck.refusal(promote, withLearner,
                new ChangeCheck.View(true, "s1", List.of("s1", "s4"), 0, 10, 1), false),
                "three of four voters needed, two heard");
        assertNotNull(ChangeCheck.refusal(new MembershipChange.AddLearner(new Seat("s5", 5, "", false)), withLearner,
                everyone, false), "one learner at most");
        ChangeCheck.Refusal unknown = ChangeCheck.refusal(new MembershipChange.Remove("s8"), four, everyone, false);
        assertTrue(unknown.unknownMember());
        assertNotNull(ChangeCheck.refusal(new MembershipChange.Remove("s1"), four, everyone, false), "the master");
        assertNull(ChangeCheck.refusal(new MembershipChange.Remove("s2"), four, everyone, false));
        Configuration three = new MembershipChange.Remove("s2").applyTo(four);
        assertNotNull(ChangeCheck.refusal(new MembershipChange.Remove("s3"), three, everyone, false),
                "two voters stop at their first failure");
        assertFalse(ChangeCheck.refusal(new MembershipChange.Remove("s3"), three, everyone, false).unknownMember());
        assertNull(ChangeCheck.refusal(new MembershipChange.Remove("s3"), three, everyone, true), "unless forced");
        assertEquals(Set.of("s2"), three.retiredIds());
    }
}
