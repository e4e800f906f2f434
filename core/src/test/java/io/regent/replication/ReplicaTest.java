package io.regent.replication;

import io.regent.machines.Machines;
import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.protocol.Configuration;
import io.regent.protocol.Epoch;
import io.regent.protocol.Role;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of DESIGN.md §3, one by one, on replicas wired by a network the test drives. */
class ReplicaTest {

    private static final Epoch E1 = new Epoch(1, 1);
    private static final Epoch E2 = new Epoch(2, 2);
    private static final Epoch E3 = new Epoch(3, 3);
    private static final List<String> BACKUPS_OF_S1 = List.of("s2", "s3");

    /**
     * s1 master of epoch 1 with s2 and s3 live and caught up, open for writes, its opening no-op
     * committed if a majority is reachable (and its commit forgotten: the tests count their writes').
     */
    private static ReplicaCluster openGroup(ReplicaCluster c) {
        c.elect("s1", E1, BACKUPS_OF_S1);
        c.deliverAll();
        assertTrue(c.get("s1").open(), "s1 opens once a majority reported");
        c.taken("s1", ReplicaEffect.Committed.class);
        return c;
    }

    /** Long enough for the master to stop counting a lost broadcast. */
    private static final long WINDOW_GIVES_UP = ReplicationConfig.defaults("x").quietPeriod() + 1;

    /** An open group of three whose master has one broadcast in flight at most; nothing in flight yet. */
    private static ReplicaCluster openGroupWithWindowOfOne() {
        ReplicationConfig d = ReplicationConfig.defaults("template");
        ReplicaCluster c = openGroup(new ReplicaCluster(new ReplicationConfig("template", AckMode.MAJORITY,
                d.ackTimeout(), d.fetchTimeout(), d.maxMessageBytes(), d.maxPendingBytes(), 1), "s1", "s2", "s3"));
        c.network.clear();
        return c;
    }

    private static long seq(Proposal p) {
        return assertInstanceOf(Proposal.Accepted.class, p).at().seq();
    }

    private static List<Long> committed(ReplicaCluster c, String id) {
        return c.taken(id, ReplicaEffect.Committed.class).stream().map(ReplicaEffect.Committed::seq).toList();
    }

    // ---- acknowledgement ----------------------------------------------------------------

    @Test
    void aWriteCommitsOnceDurableOnAMajorityWithoutWaitingForTheSlowest() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        long seq = seq(c.put("s1", "a", "1"));
        assertTrue(committed(c, "s1").isEmpty(), "no commit before an acknowledgement");
        c.deliverAll(m -> m.to().equals("s3") || m.from().equals("s3"));
        assertEquals(List.of(seq), committed(c, "s1"), "s1 and s2 are a majority of three");
    }

    @Test
    void theMasterKnowsItsCommitPointOnlyWithinItsOwnMastership() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        assertEquals(1, c.get("s1").committed(), "its opening no-op, the first entry of epoch 1");
        assertEquals(new Position(1, E1), c.get("s1").committedView().committed(), "what readers see");
        long first = seq(c.put("s1", "a", "1"));
        long second = seq(c.put("s1", "b", "1"));
        c.deliverAll();
        assertEquals(second, c.get("s1").committed(), "the newest committed write; " + first + " before it too");
        assertEquals(-1, c.get("s2").committed(), "a follower does not sequence");
        c.tick(1);
        c.deliverAll();
        assertEquals(new Position(second, E1), c.get("s2").committedView().committed(), "but its master told it");
        c.elect("s2", E2, List.of("s1", "s3"));
        assertEquals(-1, c.get("s1").committed(), "stepped down");
        assertTrue(c.get("s2").committed() < 0, "what it took over is not known committed until its own no-op commits");
        c.deliverAll();
        assertTrue(c.get("s2").open());
        assertEquals(second + 1, c.get("s2").committed(), "its no-op, and so everything before it");
        long own = seq(c.put("s2", "c", "1"));
        c.deliverAll();
        assertEquals(own, c.get("s2").committed());
    }

    @Test
    void theMasterCountsItsOwnCopyOnlyOnceItIsDurable() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.holdSyncs.add("s1");
        long seq = seq(c.put("s1", "a", "1"));
        c.deliverAll();
        assertTrue(committed(c, "s1").isEmpty(), "both backups have it, but s1's own copy is not durable");
        c.persist("s1");
        assertEquals(List.of(seq), committed(c, "s1"));
    }

    @Test
    void aFollowerAcknowledgesOnlyWhatIsDurable() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.holdSyncs.add("s2");
        c.cut.add("s3");
        c.put("s1", "a", "1");
        c.deliverAll();
        assertTrue(committed(c, "s1").isEmpty(), "s2 applied it but has not synced it");
        c.persist("s2");
        c.deliverAll();
        assertEquals(1, committed(c, "s1").size());
    }

    @Test
    void aMinorityNeverCommits() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.cut.add("s2");
        c.cut.add("s3");
        long seq = seq(c.put("s1", "a", "1"));
        c.deliverAll();
        c.tick(ReplicationConfig.defaults("x").ackTimeout());
        assertTrue(committed(c, "s1").isEmpty());
        assertEquals(List.of(seq), c.taken("s1", ReplicaEffect.Failed.class).stream().map(ReplicaEffect.Failed::seq).toList(),
                "it fails instead of hanging, and is never reported as done");
    }

    @Test
    void writesSequencedWhileTheWindowIsFullGoOutTogetherOnceItHasRoom() {
        ReplicaCluster c = openGroupWithWindowOfOne();
        long first = seq(c.put("s1", "a", "1"));
        long second = seq(c.put("s1", "b", "1"));
        long third = seq(c.put("s1", "c", "1"));
        assertEquals(List.of(1, 1), c.network.stream().map(m -> ((StreamMessage.Entries) m.message()).entries().size())
                .toList(), "one broadcast on its way (to each follower); the other writes wait for its commit");
        c.delivered.clear();
        c.deliverAll();
        assertEquals(List.of(first, second, third), committed(c, "s1"), "the second broadcast carried both");
        assertEquals(2, c.delivered.get(StreamMessage.Entries.class) / 2, "two broadcasts for three writes");
        assertEquals(c.digest("s1"), c.digest("s2"));
        assertEquals(c.digest("s1"), c.digest("s3"));
    }

    @Test
    void aLostBroadcastStopsHoldingTheWindowAfterAWhile() {
        ReplicaCluster c = openGroupWithWindowOfOne();
        long first = seq(c.put("s1", "a", "1"));
        c.network.clear(); // the broker lost it
        long second = seq(c.put("s1", "b", "1"));
        assertTrue(c.network.isEmpty(), "held behind the lost one");
        c.tick(WINDOW_GIVES_UP);
        c.deliverAll();
        assertEquals(List.of(first, second), committed(c, "s1"), "both commit, well before their time-out");
        assertEquals(c.digest("s1"), c.digest("s2"));
    }

    @Test
    void withAllLiveEveryLiveFollowerMustAcknowledge() {
        ReplicaCluster c = openGroup(ReplicaCluster.withMode(AckMode.ALL_LIVE, "s1", "s2", "s3"));
        long seq = seq(c.put("s1", "a", "1"));
        c.deliverAll(m -> m.message() instanceof StreamMessage.Ack && m.from().equals("s3"));
        assertTrue(committed(c, "s1").isEmpty(), "s2's ack alone is not enough");
        c.put("s1", "b", "2");
        c.tick(WINDOW_GIVES_UP); // the window stops waiting for the lost ack
        c.deliverAll();
        assertEquals(List.of(seq, seq + 1), committed(c, "s1"), "cumulative acks commit both, in order");
        assertEquals(c.digest("s1"), c.digest("s2"));
        assertEquals(c.digest("s1"), c.digest("s3"));
    }

    @Test
    void withAllLiveAFollowerThatIsNoLongerLiveIsNotWaitedFor() {
        ReplicaCluster c = openGroup(ReplicaCluster.withMode(AckMode.ALL_LIVE, "s1", "s2", "s3"));
        c.cut.add("s3");
        c.put("s1", "a", "1");
        c.deliverAll();
        assertTrue(committed(c, "s1").isEmpty());
        c.view("s1", Role.MASTER, E1, "s1", List.of("s2")); // the protocol stopped hearing s3
        assertEquals(1, committed(c, "s1").size());
    }

    @Test
    void aMasterHoldsOnlyABoundedNumberOfBytesOfWaitingWrites() {
        ReplicationConfig d = ReplicationConfig.defaults("t");
        ReplicaCluster c = openGroup(new ReplicaCluster(new ReplicationConfig("t", AckMode.MAJORITY, d.ackTimeout(),
                d.fetchTimeout(), d.maxMessageBytes(), 2_500), "s1", "s2", "s3"));
        c.cut.add("s2");
        c.cut.add("s3");
        String kilobyte = "x".repeat(1_000);
        for (int i = 0; i < 2; i++) {
            seq(c.put("s1", "k" + i, kilobyte));
        }
        assertEquals(new Proposal.Rejected(Proposal.Reason.BUSY), c.put("s1", "k2", kilobyte));
        c.cut.clear();
        c.tick(1);
        c.deliverAll();
    }

    @Test
    void theStateMachineCanRefuseAWriteBeforeItIsSequenced() {
        MemoryStorage storage = new MemoryStorage(1 << 20, 100);
        Replica r = new Replica(ReplicationConfig.defaults("s1"), storage, new Machines(new KeyValueStore(100, 10)),
                Configuration.bootstrap(Map.of("s1", 1), Map.of()), ConfigurationRecord.NONE);
        r.view(0, new GroupView(Role.MASTER, E1, "s1", List.of(), List.of()));
        r.drain().stream().filter(e -> e instanceof ReplicaEffect.Persist).forEach(e -> r.durable(0, storage.applied()));
        assertTrue(r.open());
        assertInstanceOf(Proposal.Accepted.class, r.propose(1, KvCommand.put("a", "x".repeat(50), null).encode()));
        Proposal refused = r.propose(2, KvCommand.put("b", "x".repeat(50), null).encode());
        assertTrue(assertInstanceOf(Proposal.Refused.class, refused).reason().contains("regent.kv.max-bytes"));
        assertEquals(2, storage.applied().seq(), "nothing was sequenced after the no-op and the first write");
    }

    // ---- reads ----------------------------------------------------------------------------

    private static java.util.Optional<String> committedValue(ReplicaCluster c, String id, String key) {
        return KeyValueStore.get(c.get(id).committedView().space(), key).map(KeyValueStore.Item::value);
    }

    @Test
    void readersSeeOnlyCommittedWritesOnTheMasterAndOnFollowers() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.put("s1", "k", "committed");
        c.deliverAll();
        c.tick(1);
        c.deliverAll();
        c.cut.add("s3");
        c.holdSyncs.add("s2"); // s2 applies the next write but cannot acknowledge it yet
        c.put("s1", "k", "in flight");
        c.deliverAll();
        assertEquals("in flight", c.read("s1", "k").orElseThrow().value(), "applied on the master");
        assertEquals("in flight", c.read("s2", "k").orElseThrow().value(), "and on s2");
        assertEquals(java.util.Optional.of("committed"), committedValue(c, "s1", "k"), "not yet what readers see");
        assertEquals(java.util.Optional.of("committed"), committedValue(c, "s2", "k"));
        c.persist("s2");
        c.deliverAll();
        assertEquals(java.util.Optional.of("in flight"), committedValue(c, "s1", "k"), "committed: readers see it");
        c.tick(1);
        c.deliverAll();
        assertEquals(java.util.Optional.of("in flight"), committedValue(c, "s2", "k"), "once the master told s2");
    }

    @Test
    void aLinearizableReadWritesNothingAndWaitsForAMajorityToConfirmTheMaster() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.put("s1", "k", "v");
        c.deliverAll();
        Position before = c.get("s1").applied();
        assertTrue(c.read("s1", 7));
        assertTrue(c.taken("s1", ReplicaEffect.ReadReady.class).isEmpty(), "not before a round of heartbeats");
        c.deliverAll(m -> m.from().equals("s3") || m.to().equals("s3"));
        List<ReplicaEffect.ReadReady> ready = c.taken("s1", ReplicaEffect.ReadReady.class);
        assertEquals(1, ready.size(), "s1 and s2 are a majority");
        assertEquals(7, ready.get(0).ticket());
        assertEquals(before, c.get("s1").applied(), "nothing was sequenced");
        assertEquals(before, ready.get(0).committed(), "the committed state reflects the write acknowledged before it");
        assertFalse(c.read("s2", 8), "a follower cannot vouch for being current");
    }

    @Test
    void aMasterCutOffOrDeposedCannotConfirmALinearizableRead() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.cut.add("s2");
        c.cut.add("s3");
        assertTrue(c.read("s1", 1));
        c.deliverAll();
        c.tick(ReplicationConfig.defaults("x").ackTimeout());
        assertTrue(c.taken("s1", ReplicaEffect.ReadReady.class).isEmpty(), "a minority never confirms it");
        assertEquals(1, c.taken("s1", ReplicaEffect.ReadFailed.class).size(), "it fails instead of hanging");

        c.cut.clear();
        c.cut.add("s1"); // s2 takes over while s1 hears nothing of it
        c.view("s2", Role.MASTER, E2, "s2", List.of("s3"));
        c.view("s3", Role.BACKUP, E2, "s2", List.of());
        c.deliverAll();
        assertTrue(c.get("s2").open());
        c.cut.clear();
        assertTrue(c.read("s1", 2), "s1 has not heard of epoch 2 yet");
        c.deliverAll();
        assertTrue(c.taken("s1", ReplicaEffect.ReadReady.class).isEmpty(), "the others refuse its heartbeat");
        assertEquals(1, c.taken("s1", ReplicaEffect.ReadFailed.class).size(), "and it steps down on their refusal");
        assertFalse(c.get("s1").open());
    }

    // ---- gaps, fetches, snapshots -------------------------------------------------------

    @Test
    void aGapIsFilledFromTheMaster() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.put("s1", "a", "1");
        c.deliverAll(m -> m.to().equals("s3")); // s3 misses the first write
        c.put("s1", "b", "2");
        c.deliverAll();
        assertEquals(c.digest("s1"), c.digest("s3"));
        assertEquals(c.get("s1").applied(), c.get("s3").applied());
        assertEquals(2, committed(c, "s1").size());
    }

    @Test
    void fillsComeInBoundedRunsAskedForOneByOne() {
        ReplicationConfig d = ReplicationConfig.defaults("t");
        ReplicaCluster c = openGroup(new ReplicaCluster(new ReplicationConfig("t", AckMode.MAJORITY, d.ackTimeout(),
                d.fetchTimeout(), 2_048, d.maxPendingBytes()), "s1", "s2", "s3"));
        c.put("s1", "first", "everyone has it"); // an empty server would get a snapshot instead
        c.deliverAll();
        for (int i = 0; i < 10; i++) {
            c.put("s1", "k" + i, "v".repeat(500));
        }
        c.deliverAll(m -> m.to().equals("s3") && m.message() instanceof StreamMessage.Entries);
        c.put("s1", "k10", "v10");
        c.delivered.clear();
        c.deliverAll();
        int fetches = c.delivered.getOrDefault(StreamMessage.Fetch.class, 0);
        assertTrue(fetches >= 3, "10 writes of 500 bytes in runs of at most 2 KiB: " + fetches + " fetches");
        assertEquals(0, c.get("s3").snapshotsInstalled());
        assertEquals(c.digest("s1"), c.digest("s3"));
    }

    @Test
    void aStartingServerTakesASnapshotInChunksOfBoundedSize() {
        ReplicationConfig d = ReplicationConfig.defaults("t");
        ReplicaCluster c = new ReplicaCluster(new ReplicationConfig("t", AckMode.MAJORITY, d.ackTimeout(),
                d.fetchTimeout(), 64 * 1024, d.maxPendingBytes()), "s1", "s2", "s3");
        c.cut.add("s3");
        openGroup(c);
        for (int i = 0; i < 20_000; i++) {
            c.put("s1", "key-" + i, "value-" + i);
            c.deliverAll();
        }
        c.cut.remove("s3");
        c.view("s3", Role.JOINING, E1, "s1", List.of());
        c.delivered.clear();
        c.deliverAll();
        int chunks = c.delivered.getOrDefault(StreamMessage.SnapshotChunk.class, 0);
        assertEquals(1, c.get("s3").snapshotsInstalled(), "an empty server takes the whole state");
        assertTrue(chunks >= 5, "about 500 KB in chunks of 64 KiB: " + chunks);
        assertEquals(20_000, c.keys("s3"));
        assertEquals(c.digest("s1"), c.digest("s3"));
        assertEquals(List.of(new ReplicaEffect.Current(true)), c.taken("s3", ReplicaEffect.Current.class));
        c.put("s1", "after", "snapshot");
        c.deliverAll();
        assertEquals(c.digest("s1"), c.digest("s3"), "and follows the stream after it");
    }

    @Test
    void aSnapshotWhoseSourceFallsSilentIsAbandonedAndTheOldStateKept() {
        ReplicationConfig d = ReplicationConfig.defaults("t");
        ReplicaCluster c = openGroup(new ReplicaCluster(new ReplicationConfig("t", AckMode.MAJORITY, d.ackTimeout(),
                d.fetchTimeout(), 1_024, d.maxPendingBytes()), 50, "s1", "s2", "s3"));
        c.put("s1", "mine", "s3 keeps it");
        c.deliverAll();
        c.cut.add("s3");
        for (int i = 0; i < 200; i++) {
            c.put("s1", "k" + i, "v".repeat(100));
        }
        c.deliverAll();
        c.cut.remove("s3");
        // s3 is further behind than the 50 writes s1 keeps: it needs the whole state
        c.view("s3", Role.JOINING, E1, "s1", List.of());
        c.deliverAll(m -> m.message() instanceof StreamMessage.ChunkRequest); // the second chunk is never asked for
        String before = c.digest("s3");
        assertTrue(c.read("s3", "mine").isPresent(), "still the old state while installing");
        c.tick(d.fetchTimeout());
        assertEquals(before, c.digest("s3"), "abandoned: the old state stays");
        c.deliverAll();
        assertEquals(1, c.get("s3").snapshotsInstalled(), "asked again and installed");
        assertEquals(c.digest("s1"), c.digest("s3"));
    }

    @Test
    void aRestartedServerFetchesOnlyTheTailItMissed() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        for (int i = 0; i < 100; i++) {
            c.put("s1", "k" + i, "v".repeat(100));
        }
        c.deliverAll();
        c.cut.add("s3");
        c.crashAndRestart("s3", false);
        for (int i = 100; i < 110; i++) {
            c.put("s1", "k" + i, "v".repeat(100));
        }
        c.deliverAll();
        c.cut.remove("s3");
        assertEquals(101, c.get("s3").applied().seq(), "replayed from its disk: the no-op and 100 writes");
        c.view("s3", Role.JOINING, E1, "s1", List.of());
        c.deliverAll();
        assertEquals(c.digest("s1"), c.digest("s3"));
        assertEquals(0, c.get("s3").snapshotsInstalled(), "the tail is retained: no snapshot");
        assertTrue(c.get("s3").bytesFetched() < 2_000, "only the ten missing writes: " + c.get("s3").bytesFetched());
    }

    // ---- takeover -----------------------------------------------------------------------

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
        assertEquals(before, c.digest("s2"), "the write s3 acknowledged survives");
        assertTrue(c.read("s2", "b").isPresent());
        seq(c.put("s2", "c", "3"));
        c.deliverAll();
        assertEquals(2, committed(c, "s2").size(), "its no-op, then the write");
        assertEquals(c.digest("s2"), c.digest("s3"));
    }

    @Test
    void aCensusOfAMajorityIsEnoughAndALiveButSilentServerDoesNotBlockIt() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.put("s1", "a", "1");
        c.deliverAll();
        c.cut.add("s1"); // s1 is alive to the protocol but its stream is stuck
        c.view("s3", Role.BACKUP, E2, "s2", List.of());
        c.view("s2", new GroupView(Role.MASTER, E2, "s2", List.of("s3"), List.of("s1", "s3")));
        c.deliverAll();
        assertTrue(c.get("s2").open(), "s2 and s3 are a majority of three");
    }

    @Test
    void aCensusShortOfAMajorityNeverOpens() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.cut.add("s1");
        c.cut.add("s3");
        c.view("s2", Role.MASTER, E2, "s2", List.of());
        c.tick(60_000);
        c.deliverAll();
        assertFalse(c.get("s2").open(), "alone, s2 cannot know every acknowledged write");
        c.cut.remove("s3");
        c.tick(1_000);
        c.deliverAll();
        assertTrue(c.get("s2").open(), "asked again, s3 answered");
    }

    @Test
    void aDeposedMasterThatIsStillAliveCountsInTheCensus() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.cut.add("s3");
        c.put("s1", "a", "1");
        c.deliverAll(m -> m.from().equals("s1")); // s1's write reaches nobody: s1 is the most advanced
        c.view("s2", new GroupView(Role.MASTER, E2, "s2", List.of(), List.of("s1")));
        c.deliverAll();
        assertTrue(c.get("s2").open());
        assertTrue(c.read("s2", "a").isPresent(), "fetched from the deposed master, which answered the census");
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
        assertTrue(c.read("s2", "a").isPresent(), "asked s3 again rather than opening without its write");
    }

    @Test
    void aFollowerBehindNeverServesAnotherFollowerAnOlderState() {
        // simulation seed 6667: s2 missed a write; s1 and s3 acknowledged it, then s3 took
        // over, handed over to s2 before s2 declared, and rejoined as s2's follower
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.put("s1", "a", "1");
        c.deliverAll(m -> m.to().equals("s2"));
        assertEquals(1, committed(c, "s1").size());
        c.view("s2", Role.BACKUP, E1, "s1", List.of("s3")); // s2 never sees E3 from s3
        c.cut.add("s2");
        c.elect("s3", E3, List.of("s1"));
        c.deliverAll();
        assertTrue(c.get("s3").open());
        c.cut.remove("s2");
        c.cut.add("s1");
        c.view("s2", Role.BACKUP, E3, "s3", List.of("s3"));
        c.view("s3", Role.JOINING, E3, "s2", List.of("s2"));
        c.tick(ReplicationConfig.defaults("x").fetchTimeout());
        c.deliverAll();
        assertEquals("1", c.read("s3", "a").orElseThrow().value(), "s3 kept the acknowledged write");
    }

    @Test
    void everyCommittedWriteSurvivesAWholeGroupCrash() {
        ReplicaCluster c = openGroup(new ReplicaCluster("s1", "s2", "s3"));
        c.holdSyncs.add("s3");
        for (int i = 0; i < 20; i++) {
            c.put("s1", "k" + i, "v" + i);
            boolean s3Misses = i % 3 == 0;
            c.deliverAll(m -> m.to().equals("s3") && s3Misses);
        }
        assertEquals(20, committed(c, "s1").size());
        for (String id : List.of("s1", "s2", "s3")) {
            c.crashAndRestart(id, false); // a power cut: only what was synced
        }
        c.holdSyncs.clear();
        // the most stale server comes back first and is elected; it must not open alone
        c.cut.add("s1");
        c.cut.add("s2");
        c.view("s3", Role.MASTER, E3, "s3", List.of());
        c.tick(10_000);
        c.deliverAll();
        assertFalse(c.get("s3").open(), "a lone stale disk never opens");
        c.cut.remove("s2");
        c.view("s2", Role.BACKUP, E3, "s3", List.of());
        c.tick(1_000);
        c.deliverAll();
        assertTrue(c.get("s3").open());
        for (int i = 0; i < 20; i++) {
            assertEquals("v" + i, c.read("s3", "k" + i).orElseThrow().value(), "k" + i);
        }
    }

    // ---- fencing ------------------------------------------------------------------------

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
        c.network.addLast(new ReplicaCluster.InFlight("s1", "s2",
                new StreamMessage.Entries("s1", E1, new Position(stale - 1, E1),
                        List.of(new Entry(stale, E1, KvCommand.put("lost", "x", null).encode())), 0,
                        new Position(stale, E1), Position.NONE)));
        c.deliverAll();
        List<ReplicaEffect.Failed> failed = c.taken("s1", ReplicaEffect.Failed.class);
        assertEquals(List.of(stale), failed.stream().map(ReplicaEffect.Failed::seq).toList());
        assertFalse(c.get("s1").open());
        assertInstanceOf(Proposal.Rejected.class, c.put("s1", "late", "x"));

        // the protocol makes it rejoin: it catches up by snapshot and drops its own history
        c.view("s1", Role.JOINING, E2, "s2", List.of());
        c.deliverAll();
        assertEquals(c.digest("s2"), c.digest("s1"));
        assertTrue(c.read("s1", "lost").isEmpty());
        assertEquals(List.of(new ReplicaEffect.Current(true)), c.taken("s1", ReplicaEffect.Current.class));
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
        ReplicaCluster c = new ReplicaCluster("s1", "s2", "s3");
        assertEquals(new Proposal.Rejected(Proposal.Reason.NOT_MASTER), c.put("s2", "a", "1"));
        c.cut.add("s2");
        c.cut.add("s3");
        c.elect("s1", E1, List.of("s2", "s3"));
        assertEquals(new Proposal.Rejected(Proposal.Reason.SYNCING), c.put("s1", "a", "1"));
    }
}
