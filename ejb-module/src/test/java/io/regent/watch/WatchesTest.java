package io.regent.watch;

import io.regent.machines.Machines;
import io.regent.host.MemberHost;
import io.regent.host.NotOpenReason;
import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.kv.KvTxn;
import io.regent.protocol.Epoch;
import io.regent.protocol.Role;
import io.regent.replication.Entry;
import io.regent.replication.MemoryStorage;
import io.regent.replication.Position;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Watches on a store the test writes to, with the commit point and the role set by hand. */
class WatchesTest {

    private static final Epoch E1 = new Epoch(1, 1);
    private final MemoryStorage storage = new MemoryStorage(1 << 20, 1_000);
    private final Machines store = new Machines(new KeyValueStore(1 << 20, 1_000));
    private long seq;
    private Watches watches;

    /** A stream that records what it is sent. */
    private static final class Recorder implements Watches.ChangeStream {
        final List<Change> changes = Collections.synchronizedList(new ArrayList<>());
        final List<Long> progress = Collections.synchronizedList(new ArrayList<>());
        volatile String ended;
        volatile boolean compacted;

        @Override
        public CompletionStage<?> send(List<Change> c) {
            changes.addAll(c);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<?> progress(long at) {
            progress.add(at);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void end(String reason, boolean compacted) {
            this.compacted = compacted;
            ended = reason;
        }

        @Override
        public boolean isClosed() {
            return ended != null;
        }
    }

    @AfterEach
    void close() {
        if (watches != null) {
            watches.close();
        }
    }

    private void write(KvCommand c) {
        storage.apply(new Entry(++seq, E1, c.encode()), store);
    }

    private static MemberHost.Snapshot master(long applied, long committed) {
        return new MemberHost.Snapshot(true, Role.MASTER, E1, "s1", "http://s1", true, null,
                new Position(applied, E1), true, committed);
    }

    private Watches start(MemberHost.Snapshot s) {
        watches = new Watches("s1", storage, s, System::currentTimeMillis, 2, 1_000,
                Executors.defaultThreadFactory());
        return watches;
    }

    private static void await(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "in time");
            Thread.sleep(5);
        }
    }

    @Test
    void aWatchGetsEachCommittedChangeUnderItsPrefixOnceAndInOrder() throws InterruptedException {
        write(KvCommand.put("a/1", "x", null));               // 1
        write(KvCommand.put("b/1", "y", null));               // 2: another prefix
        write(KvCommand.put("a/1", "z", 5L));                 // 3: a failed compare-and-set
        write(KvCommand.put("a/2", "w", null).once("t1"));    // 4
        write(KvCommand.put("a/2", "w", null).once("t1"));    // 5: its retry, applied once
        storage.apply(Entry.noOp(++seq, E1), store);          // 6: a master's opening no-op
        write(KvCommand.delete("a/1", null));                 // 7
        Watches w = start(master(7, 4));
        Recorder r = new Recorder();
        assertEquals(Watches.Start.STARTED, w.watch("reader", "a/", 0, r));
        await(() -> r.changes.size() == 2);
        assertEquals(List.of(new Change(1, Change.Type.PUT, "a/1", "x", 1), new Change(4, Change.Type.PUT, "a/2", "w", 1)),
                r.changes, "only up to the commit point");
        assertEquals(List.of(0L), r.progress, "its starting point first");
        w.changed(master(7, 7));
        await(() -> r.changes.size() == 3);
        assertEquals(new Change(7, Change.Type.DELETE, "a/1", null, 1), r.changes.get(2));
    }

    @Test
    void aTransactionsChangesShareItsPositionAndOnlyWhatChangedIsReported() throws InterruptedException {
        write(KvCommand.put("a/1", "x", null));                                                           // 1
        KvTxn txn = new KvTxn(List.of(new KvTxn.VersionIs("a/1", 1)),
                List.of(new KvTxn.Write("a/1", "y"), new KvTxn.Write("b/1", "elsewhere"), new KvTxn.Write("a/9", null),
                        new KvTxn.Write("a/2", "z")),
                List.of(new KvTxn.Write("a/failed", "f")), "t1");
        storage.apply(new Entry(++seq, E1, txn.encode()), store);                                         // 2: success
        storage.apply(new Entry(++seq, E1, txn.encode()), store);                                         // 3: its retry
        storage.apply(new Entry(++seq, E1, txn.once(null).encode()), store);                             // 4: failure
        storage.apply(new Entry(++seq, E1, new KvTxn(List.of(), List.of(new KvTxn.Write("a/3", "1"),
                new KvTxn.Write("a/3", "2")), List.of(), null).encode()), store);                        // 5: invalid
        Watches w = start(master(5, 5));
        Recorder r = new Recorder();
        assertEquals(Watches.Start.STARTED, w.watch("reader", "a/", 0, r));
        await(() -> r.changes.size() == 4);
        assertEquals(List.of(new Change(1, Change.Type.PUT, "a/1", "x", 1), new Change(2, Change.Type.PUT, "a/1", "y", 2),
                new Change(2, Change.Type.PUT, "a/2", "z", 1), new Change(4, Change.Type.PUT, "a/failed", "f", 1)), r.changes,
                "a delete of an absent key, a retry and an invalid transaction changed nothing");
    }

    @Test
    void anApplicationMachinesCommandsAreNoChangeOfAKey() throws InterruptedException {
        Machines machines = new Machines(new KeyValueStore(1 << 20, 1_000), List.of(new io.regent.machines.Machine() {
            @Override
            public String name() {
                return "tickets";
            }

            @Override
            public io.regent.machines.Namespace namespace() {
                return new io.regent.machines.Namespace("tickets");
            }

            @Override
            public Object apply(byte[] command, Position at, io.regent.machines.MachineState state) {
                state.put(command, command);
                return null;
            }
        }), Long.MAX_VALUE);
        write(KvCommand.put("a/1", "x", null));                                                       // 1
        storage.apply(new Entry(++seq, E1, new io.regent.machines.MachineCommand("tickets",
                "a/2".getBytes(java.nio.charset.StandardCharsets.UTF_8)).encode()), machines);          // 2
        storage.apply(new Entry(++seq, E1, "app tickets !"), machines);                                // 3: it failed
        write(KvCommand.put("a/3", "y", null));                                                       // 4
        Watches w = start(master(4, 4));
        Recorder r = new Recorder();
        w.watch("reader", "", 0, r);
        await(() -> r.changes.size() == 2);
        assertEquals(List.of(1L, 4L), r.changes.stream().map(Change::seq).toList());
        assertTrue(r.ended == null, "the watch goes on past them");
    }

    @Test
    void aWatchResumesAfterItsLastPositionWithoutRepeats() throws InterruptedException {
        for (int i = 1; i <= 5; i++) {
            write(KvCommand.put("k" + i, "v", null));
        }
        Watches w = start(master(5, 5));
        Recorder r = new Recorder();
        w.watch("reader", "", 3, r);
        await(() -> r.changes.size() == 2);
        assertEquals(List.of(4L, 5L), r.changes.stream().map(Change::seq).toList());
    }

    @Test
    void aWatchFromBeforeTheRetainedLogIsRefusedAndOneThatFallsBehindIsToldSo() throws InterruptedException {
        MemoryStorage small = new MemoryStorage(1 << 20, 3);
        for (int i = 1; i <= 5; i++) {
            small.apply(new Entry(i, E1, KvCommand.put("k" + i, "v", null).encode()), store);
        }
        watches = new Watches("s1", small, master(5, 5), System::currentTimeMillis, 2, 2,
                Executors.defaultThreadFactory());
        assertEquals(Watches.Start.TOO_FAR_BACK, watches.watch("reader", "", 1, new Recorder()),
                "4 writes back, past regent.watch.max-behind = 2");
        assertEquals(Watches.Start.STARTED, watches.watch("reader", "", 3, new Recorder()), "2 back");
        watches.close();
        watches = new Watches("s1", small, master(5, 5), System::currentTimeMillis, 2, 1_000,
                Executors.defaultThreadFactory());
        assertEquals(Watches.Start.COMPACTED, watches.watch("reader", "", 1, new Recorder()), "writes 1-2 are gone");
        assertEquals(Watches.Start.STARTED, watches.watch("reader", "", 2, new Recorder()));
    }

    @Test
    void watchesEndWhenThisServerIsNoLongerTheOpenMasterAndAreRefusedOnABackup() throws InterruptedException {
        write(KvCommand.put("a", "x", null));
        Watches w = start(master(1, 1));
        Recorder r = new Recorder();
        w.watch("reader", "", -1, r);
        MemberHost.Snapshot backup = new MemberHost.Snapshot(true, Role.BACKUP, new Epoch(2, 2), "s2", "http://s2",
                false, NotOpenReason.NOT_MASTER, new Position(1, E1), true, -1);
        w.changed(backup);
        await(() -> r.ended != null);
        assertTrue(r.ended.contains("no longer the master"), r.ended);
        assertEquals(Watches.Start.NOT_MASTER, w.watch("reader", "", -1, new Recorder()));
    }

    @Test
    void streamsAreBoundedInNumber() {
        Watches w = start(master(0, -1));
        assertEquals(Watches.Start.STARTED, w.watch("reader", "", -1, new Recorder()));
        assertEquals(Watches.Start.TOO_MANY, w.watch("reader", "", -1, new Recorder()), "one user holds 1 of 2 here");
        assertEquals(Watches.Start.STARTED, w.watch("another", "", -1, new Recorder()));
        assertEquals(Watches.Start.TOO_MANY, w.watch("a third", "", -1, new Recorder()), "the limit is 2 here");
    }

    @Test
    void aRoleStreamGetsTheViewAtOnceAndEachChange() throws InterruptedException {
        Watches w = start(master(0, -1));
        List<RoleChange> seen = Collections.synchronizedList(new ArrayList<>());
        w.watchRoles("reader", new Watches.RoleStream() {
            @Override
            public CompletionStage<?> send(RoleChange change) {
                seen.add(change);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void end(String reason) {
            }

            @Override
            public boolean isClosed() {
                return false;
            }
        });
        await(() -> seen.size() == 1);
        assertEquals(new RoleChange("s1", Role.MASTER, "s1", "http://s1", E1.toString(), true), seen.get(0));
        w.changed(new MemberHost.Snapshot(true, Role.BACKUP, new Epoch(2, 2), "s2", "http://s2", false,
                NotOpenReason.NOT_MASTER, Position.NONE, true, -1));
        await(() -> seen.size() == 2);
        assertEquals("s2", seen.get(1).master());
        assertEquals(Role.BACKUP, seen.get(1).role());
    }
}
