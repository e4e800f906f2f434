package io.regent.storage;

import io.regent.machines.Machines;
import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.protocol.Epoch;
import io.regent.replication.Chunk;
import io.regent.replication.Entry;
import io.regent.replication.Pair;
import io.regent.replication.Position;
import io.regent.replication.ReplicaStorage;
import io.regent.replication.StreamMessage;
import io.regent.wire.StreamCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The storage on a real RocksDB: what survives a restart, a torn log, an interrupted snapshot install. */
class DiskStorageTest {

    private static final Epoch E1 = new Epoch(1, 1);
    private static final DiskStorage.Retention ROOMY = new DiskStorage.Retention(100_000, 1L << 30);
    private final Machines kv = new Machines(new KeyValueStore(Long.MAX_VALUE, Long.MAX_VALUE));

    @TempDir
    Path dir;

    private void write(DiskStorage s, int from, int to) {
        for (int i = from; i <= to; i++) {
            s.apply(new Entry(i, E1, KvCommand.put("k" + i, "value-" + i, null).encode()), kv);
        }
    }

    @Test
    void theLogKeepsEachWritesResultAcrossARestartForWatches() {
        try (DiskStorage s = DiskStorage.open(dir, ROOMY)) {
            write(s, 1, 3);
            s.apply(new Entry(4, E1, KvCommand.put("k1", "again", 9L).encode()), kv);
            s.sync();
        }
        try (DiskStorage s = DiskStorage.open(dir, ROOMY)) {
            List<io.regent.replication.Applied> after = s.appliedAfter(1, 1 << 20);
            assertEquals(List.of(2L, 3L, 4L), after.stream().map(a -> a.entry().seq()).toList());
            assertEquals(KvCommand.put("k2", "value-2", null).encode(), after.get(0).entry().command());
            assertEquals("WRITTEN 1 k2", after.get(0).result());
            assertEquals("CONFLICT 1 k1", after.get(2).result(), "the failed compare-and-set is recorded as such");
            assertEquals(after.get(0).entry(), s.entriesAfter(new Position(1, E1), 1 << 20).get(0));
        }
    }

    @Test
    void aRestartFindsWhatWasWrittenWithItsPositionDigestAndEpoch() {
        String digest;
        long run;
        try (DiskStorage s = DiskStorage.open(dir, ROOMY)) {
            assertEquals(0, s.replayMarks().length, "no marks kept yet");
            write(s, 1, 500);
            s.persistEpoch(new Epoch(4, 2));
            s.keepReplayMarks("s1 STREAM 3 9\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.sync();
            digest = s.digest();
            run = s.incarnation();
        }
        try (DiskStorage s = DiskStorage.open(dir, ROOMY)) {
            assertEquals("s1 STREAM 3 9\n", new String(s.replayMarks(), java.nio.charset.StandardCharsets.UTF_8),
                    "the replay marks outlive the run");
            assertEquals(new Position(500, E1), s.applied());
            assertEquals(digest, s.digest());
            assertEquals(new Epoch(4, 2), s.epoch(), "an epoch never goes back");
            assertTrue(s.incarnation() > run, "each run has a number of its own, above the last");
            assertEquals("value-42", KeyValueStore.get(s.space(), "k42").orElseThrow().value());
            assertTrue(s.holds(new Position(250, E1)));
            assertEquals(List.of(499L, 500L), s.entriesAfter(new Position(498, E1), 1 << 20).stream().map(Entry::seq).toList());
        }
    }

    @Test
    void aTornLastRecordIsDroppedWholeAndTheRestRecovered() throws IOException {
        try (DiskStorage s = DiskStorage.open(dir, ROOMY)) {
            write(s, 1, 200);
        }
        Path wal;
        try (Stream<Path> files = Files.list(dir)) {
            wal = files.filter(f -> f.toString().endsWith(".log")).max(Comparator.comparingLong(f -> f.toFile().length()))
                    .orElseThrow();
        }
        long length = Files.size(wal);
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.setLength(length - 13); // cut the last record mid-way
        }
        try (DiskStorage s = DiskStorage.open(dir, ROOMY)) {
            long seq = s.applied().seq();
            assertTrue(seq >= 190 && seq < 200, "recovered up to the last whole write: " + seq);
            assertTrue(KeyValueStore.get(s.space(), "k" + seq).isPresent());
            assertTrue(KeyValueStore.get(s.space(), "k" + (seq + 1)).isEmpty(), "nothing of the torn write");
            assertEquals(seq, s.space().count(), "the counters recovered with the state");
            write(s, (int) seq + 1, (int) seq + 5); // and it goes on from there
        }
    }

    @Test
    void aCrashOnARecycledWriteAheadLogRecoversEverySyncedWriteAndNothingStale(@TempDir Path crashed) throws IOException {
        String value = "v".repeat(1_000);
        int last = 0;
        try (DiskStorage s = DiskStorage.open(dir, new DiskStorage.Retention(1_000, 1L << 30))) {
            // enough to fill the memtables several times over: the live log is an old one overwritten
            for (int batch = 0; batch < 60; batch++) {
                for (int i = 0; i < 1_000; i++) {
                    last++;
                    s.apply(new Entry(last, E1, KvCommand.put("k" + (last % 5_000), value + last, null).encode()), kv);
                }
                s.sync();
            }
            copy(dir, crashed); // what the disk holds if the process died now, the stale tail included
        }
        try (DiskStorage s = DiskStorage.open(crashed, ROOMY)) {
            assertEquals(last, s.applied().seq(), "every synced write is back");
            for (int n = last - 4_999; n <= last; n++) {
                assertEquals(value + n, KeyValueStore.get(s.space(), "k" + (n % 5_000)).orElseThrow().value(),
                        "each key at its newest value: no record of an earlier use of a recycled log came back");
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void theLogKeepsOnlyItsRetentionAndServesRunsOfBoundedSize() {
        try (DiskStorage s = DiskStorage.open(dir, new DiskStorage.Retention(100, 1L << 30))) {
            write(s, 1, 1_000);
            assertTrue(s.retainedEntries() <= 110 && s.retainedEntries() >= 90, "kept " + s.retainedEntries());
            assertFalse(s.holds(new Position(500, E1)), "long gone");
            assertTrue(s.holds(new Position(990, E1)));
            List<Entry> run = s.entriesAfter(new Position(950, E1), 200);
            assertTrue(run.size() >= 1 && run.size() < 50, "at most about 200 bytes: " + run.size());
            assertEquals(951, run.get(0).seq());
        }
    }

    @Test
    void theLogIsTrimmedByBytesInSmallRunsAndCountedAlikeAfterARestart() {
        long retention = 1L << 20;
        String big = "x".repeat(60_000);
        long afterTrims;
        try (DiskStorage s = DiskStorage.open(dir, new DiskStorage.Retention(100_000, retention))) {
            long least = Long.MAX_VALUE;
            for (int i = 1; i <= 200; i++) {
                s.apply(new Entry(i, E1, KvCommand.put("big", big + i, null).encode()), kv);
                if (i > 20) { // past the retention from here on
                    least = Math.min(least, s.retainedBytes());
                }
                assertTrue(s.retainedBytes() <= retention + retention / 50, "kept " + s.retainedBytes() + " after " + i);
            }
            // a run drops a few writes (to 49/50 of the retention), not a fifth of the log
            assertTrue(least >= retention - retention / 50 - 61_000, "trimmed down to " + least);
            assertTrue(s.holds(new Position(200, E1)));
            assertFalse(s.holds(new Position(150, E1)), "past the retention: gone");
            afterTrims = s.retainedBytes();
        }
        try (DiskStorage s = DiskStorage.open(dir, new DiskStorage.Retention(100_000, retention))) {
            assertEquals(afterTrims, s.retainedBytes(), "the lengths read back at start are the ones trims counted");
        }
    }

    @Test
    void runsAndChunksOfSmallItemsFitTheMessageTheyAreCountedFor() {
        // many small writes: framing outweighs content, and must be counted with it
        StreamCodec codec = new StreamCodec();
        long limit = 64 * 1024;
        try (DiskStorage s = DiskStorage.open(dir, ROOMY)) {
            write(s, 1, 5_000);
            List<Entry> run = s.entriesAfter(Position.NONE, limit);
            assertTrue(run.size() < 5_000, "a bounded run: " + run.size());
            byte[] entries = codec.encode(new StreamMessage.Entries("s1", E1, Position.NONE, run, 1, run.get(run.size() - 1).position(),
                    Position.NONE));
            assertTrue(entries.length <= limit + 256, "a run of " + run.size() + " entries encodes to " + entries.length);
            try (ReplicaStorage.SnapshotView view = s.openSnapshot()) {
                Chunk c = view.chunk(null, limit);
                assertFalse(c.last());
                byte[] chunk = codec.encode(new StreamMessage.SnapshotChunk("s1", E1, view.at(), 1, c, view.at()));
                assertTrue(chunk.length <= limit + 256, "a chunk of " + c.pairs().size() + " pairs encodes to " + chunk.length);
            }
        }
    }

    @Test
    void aSnapshotTravelsInChunksAndAnInterruptedInstallLeavesTheOldStateAlone() {
        Path other = dir.resolve("other");
        try (DiskStorage source = DiskStorage.open(dir.resolve("source"), ROOMY)) {
            write(source, 1, 3_000);
            ReplicaStorage.SnapshotView view = source.openSnapshot();
            write(source, 3_001, 3_100); // writes after the view do not show in it
            List<Chunk> chunks = new ArrayList<>();
            byte[] after = null;
            Chunk c;
            do {
                c = view.chunk(after, 16 * 1024);
                chunks.add(c);
                after = c.lastKey();
            } while (!c.last());
            view.close();
            assertTrue(chunks.size() > 3, "chunks: " + chunks.size());
            assertEquals(3_000, chunks.stream().mapToInt(x -> x.pairs().size()).sum());

            try (DiskStorage target = DiskStorage.open(other, ROOMY)) {
                target.apply(new Entry(1, E1, KvCommand.put("mine", "kept", null).encode()), kv);
                ReplicaStorage.Restore cut = target.beginRestore(new Position(3_000, E1));
                cut.add(chunks.get(0).pairs());
                // the server dies here, in the middle of the transfer
            }
            try (DiskStorage target = DiskStorage.open(other, ROOMY)) {
                assertEquals(new Position(1, E1), target.applied(), "the old state, untouched");
                assertEquals("kept", KeyValueStore.get(target.space(), "mine").orElseThrow().value());
                ReplicaStorage.Restore restore = target.beginRestore(view.at());
                chunks.forEach(x -> restore.add(x.pairs()));
                restore.finish();
                assertEquals(view.at(), target.applied());
                assertTrue(KeyValueStore.get(target.space(), "mine").isEmpty());
                assertEquals(3_000, target.space().count());
            }
            try (DiskStorage target = DiskStorage.open(other, ROOMY)) {
                assertEquals(new Position(3_000, E1), target.applied(), "the install survives a restart");
                assertEquals(3_000, target.space().count());
                List<Pair> first = target.space().scan(new byte[0], 1);
                assertEquals("k1", new String(first.get(0).key()));
            }
        }
    }
}
