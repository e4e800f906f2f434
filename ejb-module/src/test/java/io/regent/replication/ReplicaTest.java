package io.regent.replication;

import io.regent.kv.KvCommand;
import io.regent.protocol.Epoch;
import io.regent.protocol.Role;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of DESIGN.md §3, one by one, on replicas wired by a network the test drives. */
class ReplicaTest {

    private static final Epoch E1 = new Epoch(1, 1);
    private static final Epoch E2 = new Epoch(2, 2);
    private static final List<String> BACKUPS_OF_S1 = List.of("s2", "s3");

    /** s1 master of epoch 1 with s2 and s3 live and caught up, open for writes. */
    private static ReplicaCluster openGroup(ReplicaCluster c) {
        c.elect("s1", E1, BACKUPS_OF_S1);
        c.deliverAll();
        assertTrue(c.get("s1").open(), "s1 opens once every live follower reported");
        return c;
    }

    private static long seq(Proposal p) {
        return assertInstanceOf(Proposal.Accepted.class, p).at().seq();
    }

    @Test
    void aWriteCommitsOnlyOnceEveryLiveFollowerAcknowledgedIt() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        long seq = seq(c.put("s1", "a", "1"));
        assertTrue(c.taken("s1", ReplicaEffect.Committed.class).isEmpty(), "no commit before the acks");

        c.deliverAll(m -> m.message() instanceof StreamMessage.Ack && m.from().equals("s3"));
        assertTrue(c.taken("s1", ReplicaEffect.Committed.class).isEmpty(), "s2's ack alone is not enough");

        c.put("s1", "b", "2");
        c.deliverAll();
        List<ReplicaEffect.Committed> done = c.taken("s1", ReplicaEffect.Committed.class);
        assertEquals(List.of(seq, seq + 1), done.stream().map(ReplicaEffect.Committed::seq).toList(),
                "cumulative acks commit both, in order");
        assertEquals(c.digest("s1"), c.digest("s2"));
        assertEquals(c.digest("s1"), c.digest("s3"));
    }

    @Test
    void aMinimumOfAcksCommitsWithoutTheSlowestFollower() {
        ReplicationConfig one = new ReplicationConfig("t", 1, 100, 5_000, 2_000, 50);
        ReplicaCluster c = openGroup(new ReplicaCluster(one, "s1", "s2", "s3"));
        c.put("s1", "a", "1");
        c.deliverAll(m -> m.to().equals("s3") || m.from().equals("s3"));
        assertEquals(1, c.taken("s1", ReplicaEffect.Committed.class).size());
    }

    @Test
    void aFollowerThatIsNoLongerLiveIsNotWaitedFor() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.cut.add("s3");
        c.put("s1", "a", "1");
        c.deliverAll();
        assertTrue(c.taken("s1", ReplicaEffect.Committed.class).isEmpty());
        c.view("s1", Role.MASTER, E1, "s1", List.of("s2")); // the protocol stopped hearing s3
        assertEquals(1, c.taken("s1", ReplicaEffect.Committed.class).size());
    }

    @Test
    void aWriteNotAcknowledgedInTimeFailsInsteadOfHanging() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.cut.add("s3");
        long seq = seq(c.put("s1", "a", "1"));
        c.deliverAll();
        c.tick(ReplicationConfig.defaults("x").ackTimeout());
        List<ReplicaEffect.Failed> failed = c.taken("s1", ReplicaEffect.Failed.class);
        assertEquals(List.of(seq), failed.stream().map(ReplicaEffect.Failed::seq).toList());
        assertTrue(c.taken("s1", ReplicaEffect.Committed.class).isEmpty());
    }

    @Test
    void aGapIsFilledFromTheMaster() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.put("s1", "a", "1");
        c.deliverAll(m -> m.to().equals("s3")); // s3 misses the first write
        c.put("s1", "b", "2");
        c.deliverAll();
        assertEquals(c.digest("s1"), c.digest("s3"));
        assertEquals(c.get("s1").applied(), c.get("s3").applied());
        assertEquals(2, c.taken("s1", ReplicaEffect.Committed.class).size());
    }

    @Test
    void aNewMasterCatchesUpWithTheMostAdvancedServerBeforeItOpens() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.put("s1", "a", "1");
        c.deliverAll();
        c.put("s1", "b", "2"); // reaches s3 only, then s1 dies
        c.deliverAll(m -> m.to().equals("s2"));
        c.cut.add("s1");
        String before = c.digest("s3");
        assertNotEquals(before, c.digest("s2"));

        c.view("s3", Role.BACKUP, E2, "s2", List.of());
        c.view("s2", Role.MASTER, E2, "s2", List.of("s3"));
        assertFalse(c.get("s2").open(), "not open before the census");
        assertInstanceOf(Proposal.Rejected.class, c.put("s2", "x", "1"));
        c.deliverAll();
        assertTrue(c.get("s2").open());
        assertEquals(before, c.digest("s2"), "the write only s3 had survives");
        assertTrue(c.store("s2").get("b").isPresent());
        seq(c.put("s2", "c", "3"));
        c.deliverAll();
        assertEquals(1, c.taken("s2", ReplicaEffect.Committed.class).size());
        assertEquals(c.digest("s2"), c.digest("s3"));
    }

    @Test
    void aDeposedMasterThatIsStillAliveIsAskedWhereItStandsToo() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.put("s1", "a", "1");
        c.deliverAll(m -> m.from().equals("s1")); // s1's write reaches nobody: s1 is the most advanced
        c.view("s3", Role.BACKUP, E2, "s2", List.of());
        c.view("s2", new GroupView(Role.MASTER, E2, "s2", List.of("s3"), List.of("s1", "s3")));
        c.deliverAll();
        assertTrue(c.get("s2").open());
        assertTrue(c.store("s2").get("a").isPresent(), "fetched from the deposed master, which answered the census");
        assertEquals(c.digest("s1"), c.digest("s2"));
    }

    @Test
    void aTakeoverFetchThatGoesUnansweredIsAskedAgainWhileItsSourceIsLive() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.put("s1", "a", "1");
        c.deliverAll(m -> !m.to().equals("s3")); // only s3 has the write
        c.cut.add("s1");
        c.view("s2", Role.MASTER, E2, "s2", List.of("s3"));
        c.deliverAll(m -> m.message() instanceof StreamMessage.Fetch); // the fetch from s3 is lost
        assertFalse(c.get("s2").open());
        c.tick(ReplicationConfig.defaults("x").fetchTimeout());
        c.deliverAll();
        assertTrue(c.get("s2").open());
        assertTrue(c.store("s2").get("a").isPresent(), "asked s3 again rather than opening without its write");
    }

    @Test
    void aStaleMasterIsFencedOffAndResyncsToTheNewHistory() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.put("s1", "a", "1");
        c.deliverAll();
        // s1 pauses with a write sequenced but not yet sent anywhere
        c.cut.add("s1");
        long stale = seq(c.put("s1", "lost", "never acknowledged"));
        c.network.clear();
        c.view("s3", Role.BACKUP, E2, "s2", List.of());
        c.view("s2", Role.MASTER, E2, "s2", List.of("s3"));
        c.deliverAll();
        c.put("s2", "b", "2");
        c.deliverAll();

        // s1 resumes: its stalled write reaches the others, who refuse it; s1 steps down
        c.cut.remove("s1");
        c.get("s1").receive(c.now, new StreamMessage.Entries("s1", E1, c.get("s1").applied(), List.of(), false));
        c.network.addLast(new ReplicaCluster.InFlight("s1", "s2",
                new StreamMessage.Entries("s1", E1, new Position(stale - 1, E1),
                        List.of(new Entry(stale, E1, KvCommand.put("lost", "x", null).encode())), false)));
        c.deliverAll();
        List<ReplicaEffect.Failed> failed = c.taken("s1", ReplicaEffect.Failed.class);
        assertEquals(List.of(stale), failed.stream().map(ReplicaEffect.Failed::seq).toList());
        assertFalse(c.get("s1").open());
        assertInstanceOf(Proposal.Rejected.class, c.put("s1", "late", "x"));

        // the protocol makes it rejoin: it catches up by snapshot and drops its own history
        c.view("s1", Role.JOINING, E2, "s2", List.of());
        c.deliverAll();
        assertEquals(c.digest("s2"), c.digest("s1"));
        assertTrue(c.store("s1").get("lost").isEmpty());
        assertEquals(List.of(new ReplicaEffect.Current(true)), c.taken("s1", ReplicaEffect.Current.class));
    }

    @Test
    void aStartingServerTakesASnapshotOfAHundredThousandKeys() {
        ReplicaCluster c = new ReplicaCluster("s1", "s2");
        c.cut.add("s2");
        c.elect("s1", E1, List.of());
        for (int i = 0; i < 100_000; i++) {
            c.put("s1", "key-" + i, "value-" + i);
        }
        c.network.clear();
        c.cut.remove("s2");
        c.view("s2", Role.JOINING, E1, "s1", List.of());
        c.deliverAll();
        assertEquals(1, c.get("s2").snapshotsInstalled());
        assertEquals(100_000, c.store("s2").size());
        assertEquals(c.digest("s1"), c.digest("s2"));
        assertEquals(List.of(new ReplicaEffect.Current(true)), c.taken("s2", ReplicaEffect.Current.class));
        c.put("s1", "after", "snapshot");
        c.deliverAll();
        assertEquals(c.digest("s1"), c.digest("s2"), "and follows the stream after it");
    }

    @Test
    void aFollowerBehindWhatTheMasterKeepsGetsASnapshot() {
        ReplicationConfig small = new ReplicationConfig("t", -1, 5, 5_000, 2_000, 2);
        ReplicaCluster c = openGroup(new ReplicaCluster(small, "s1", "s2", "s3"));
        for (int i = 0; i < 20; i++) {
            c.put("s1", "k" + i, "v");
        }
        c.deliverAll(m -> m.to().equals("s3"));
        c.put("s1", "last", "v");
        c.deliverAll();
        assertEquals(1, c.get("s3").snapshotsInstalled());
        assertEquals(c.digest("s1"), c.digest("s3"));
    }

    @Test
    void fillsComeInBatchesAndStillConverge() {
        ReplicationConfig small = new ReplicationConfig("t", -1, 100, 5_000, 2_000, 3);
        ReplicaCluster c = openGroup(new ReplicaCluster(small, "s1", "s2", "s3"));
        c.put("s1", "first", "everyone has it"); // an empty server would get a snapshot instead
        c.deliverAll();
        for (int i = 0; i < 10; i++) {
            c.put("s1", "k" + i, "v" + i);
        }
        c.deliverAll(m -> m.to().equals("s3") && m.message() instanceof StreamMessage.Entries);
        c.put("s1", "k10", "v10");
        c.deliverAll();
        assertEquals(0, c.get("s3").snapshotsInstalled());
        assertEquals(c.digest("s1"), c.digest("s3"));
        assertEquals(12, c.taken("s1", ReplicaEffect.Committed.class).size());
    }

    @Test
    void aBackupRefusesWritesOfAnOlderEpochAndSaysWhichIsNewer() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.view("s2", Role.BACKUP, E2, "s2", List.of());
        String before = c.digest("s2");
        c.put("s1", "a", "1");
        c.deliverAll();
        assertEquals(before, c.digest("s2"));
        assertFalse(c.get("s1").open(), "the refusal fenced s1 off");
    }

    @Test
    void onlyAnOpenMasterSequences() {
        ReplicaCluster c = new ReplicaCluster("s1", "s2");
        assertEquals(new Proposal.Rejected(Proposal.Reason.NOT_MASTER), c.put("s2", "a", "1"));
        c.elect("s1", E1, List.of("s2"));
        assertEquals(new Proposal.Rejected(Proposal.Reason.SYNCING), c.put("s1", "a", "1"));
        c.tick(60_000);
        assertFalse(c.get("s1").open(), "a live server's position is waited for, however long");
        c.view("s1", Role.MASTER, E1, "s1", List.of()); // the protocol stopped hearing s2
        assertTrue(c.get("s1").open());
    }
}
