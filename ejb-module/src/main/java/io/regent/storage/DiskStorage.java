package io.regent.storage;

import io.regent.protocol.Epoch;
import io.regent.replication.Applied;
import io.regent.replication.Chunk;
import io.regent.replication.Entry;
import io.regent.replication.Pair;
import io.regent.replication.Position;
import io.regent.replication.ReplicaStorage;
import io.regent.replication.SpaceDigest;
import io.regent.replication.StateMachine;
import io.regent.replication.StateSpace;
import io.regent.replication.StorageException;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static io.regent.storage.Records.bytes;
import static io.regent.storage.Records.commandLength;
import static io.regent.storage.Records.counters;
import static io.regent.storage.Records.decodeEntry;
import static io.regent.storage.Records.encode;
import static io.regent.storage.Records.epochOf;
import static io.regent.storage.Records.position;
import static io.regent.storage.Records.resultOf;
import static io.regent.storage.Records.seqKey;
import static io.regent.storage.Records.seqOf;

/**
 * A server's durable state in RocksDB (DESIGN.md §3, durability): the state space in a column
 * family of its own, the retained log of writes in another, and what the server must not forget
 * (where the state stands, its digest and size, the newest epoch, its incarnation) in the default
 * one. Each write is one atomic batch through RocksDB's write-ahead log; {@link #sync} makes every
 * batch so far durable with one fsync (group commit). After a crash RocksDB recovers the log up
 * to its last intact record, so a torn last write is dropped whole.
 *
 * <p>A snapshot is installed into a new column family beside the current state and swapped in
 * with one batch, so a crash during the transfer leaves the old state as it was. State may be far
 * larger than the heap: nothing here holds it in memory.
 *
 * <p>Writes come from one thread at a time (the host's lock); reads of the state and {@link #sync}
 * may come from any thread.
 */
public final class DiskStorage implements ReplicaStorage, AutoCloseable {

    private static final byte[] LOG = bytes("log");
    private static final byte[] APPLIED = bytes("applied");
    private static final byte[] DIGEST = bytes("digest");
    private static final byte[] STATE = bytes("state");
    private static final byte[] LOG_BASE = bytes("log-base");
    private static final byte[] EPOCH = bytes("epoch");
    private static final byte[] INCARNATION = bytes("incarnation");
    private static final byte[] REPLAY_MARKS = bytes("replay-marks");
    private static final byte[] FORMAT = bytes("format");
    /** 2: each retained write keeps its result beside its command (for watches). */
    private static final int CURRENT_FORMAT = 2;
    /** The log is trimmed once past its retention by 1/TRIM_BAND, down to that much below it. */
    private static final int TRIM_BAND = 50;
    private static final String STATE_PREFIX = "state-";

    /** Retention of the log: writes kept, in number and in bytes; past either, the oldest go. */
    public record Retention(int entries, long bytes) { }

    private final Path dir;
    private final Retention retention;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final LRUCache cache;
    private final WriteOptions unsynced = new WriteOptions();
    private final WriteOptions synced = new WriteOptions().setSync(true);
    private final RocksDB db;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle log;
    /** Guards the swap of the state's column family against readers. */
    private final ReadWriteLock swap = new ReentrantReadWriteLock();
    private final StateSpace space = new Reader();
    private ColumnFamilyHandle state;
    private int generation;

    private Position applied;
    private Position logBase;
    private long digest;
    private long pairs;
    private long pairBytes;
    private long logEntries;
    private long logBytes;
    private final long incarnation;

    /** Opens (or creates) the storage in {@code dir}, recovering what a crash left. */
    public static DiskStorage open(Path dir, Retention retention) {
        RocksDB.loadLibrary();
        try {
            Files.createDirectories(dir);
            return new DiskStorage(dir, retention);
        } catch (RocksDBException | java.io.IOException e) {
            throw new StorageException("cannot open the storage in " + dir + ": " + e.getMessage(), e);
        }
    }

    private DiskStorage(Path dir, Retention retention) throws RocksDBException {
        this.dir = dir;
        this.retention = retention;
        this.cache = new LRUCache(32L * 1024 * 1024);
        // obsolete write-ahead logs are overwritten rather than deleted: an fsync of a file that
        // does not grow skips the filesystem's journal (about half the time on ext4, measured)
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery).setRecycleLogFileNum(2).setMaxOpenFiles(256)
                .setKeepLogFileNum(2).setMaxTotalWalSize(64L * 1024 * 1024).setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setAvoidFlushDuringShutdown(true).setMaxBackgroundJobs(2);
        this.cfOptions = new ColumnFamilyOptions().setWriteBufferSize(16L * 1024 * 1024).setMaxWriteBufferNumber(2)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
        List<byte[]> existing;
        try (Options probe = new Options()) {
            existing = RocksDB.listColumnFamilies(probe, dir.toString());
        }
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        descriptors.add(new ColumnFamilyDescriptor(LOG, cfOptions));
        for (byte[] name : existing) {
            if (!Arrays.equals(name, RocksDB.DEFAULT_COLUMN_FAMILY) && !Arrays.equals(name, LOG)) {
                descriptors.add(new ColumnFamilyDescriptor(name, cfOptions));
            }
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        this.db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        this.meta = handles.get(0);
        this.log = handles.get(1);

        byte[] active = db.get(meta, STATE);
        String activeName = active == null ? STATE_PREFIX + 0 : new String(active, StandardCharsets.UTF_8);
        this.generation = Integer.parseInt(activeName.substring(STATE_PREFIX.length()));
        for (int i = 2; i < handles.size(); i++) {
            String name = new String(descriptors.get(i).getName(), StandardCharsets.UTF_8);
            if (name.equals(activeName)) {
                state = handles.get(i);
            } else {
                db.dropColumnFamily(handles.get(i)); // a snapshot whose install a crash cut short
                handles.get(i).close();
            }
        }
        if (state == null) {
            state = db.createColumnFamily(new ColumnFamilyDescriptor(bytes(activeName), cfOptions));
        }
        this.applied = position(db.get(meta, APPLIED));
        checkFormat(dir);
        this.logBase = position(db.get(meta, LOG_BASE));
        byte[] d = db.get(meta, DIGEST);
        if (d != null) {
            ByteBuffer b = ByteBuffer.wrap(d);
            digest = b.getLong();
            pairs = b.getLong();
            pairBytes = b.getLong();
        }
        countLog();
        // one more than the last run's, and at least the clock: a server whose disk was lost
        // still numbers its run past every earlier one, or its peers would take its frames for replays
        byte[] inc = db.get(meta, INCARNATION);
        this.incarnation = Math.max((inc == null ? 0 : ByteBuffer.wrap(inc).getLong()) + 1, System.currentTimeMillis());
        db.put(meta, synced, INCARNATION, ByteBuffer.allocate(8).putLong(incarnation).array());
    }

    // ---- what the host needs beyond the replica's port ----------------------------------

    /** Makes every write so far durable: one fsync of the write-ahead log, whatever their number. */
    public void sync() {
        try {
            db.flushWal(true);
        } catch (RocksDBException e) {
            throw new StorageException("sync failed: " + e.getMessage(), e);
        }
    }

    /** The newest epoch this server persisted, or {@link Epoch#NONE}. */
    public Epoch epoch() {
        try {
            return Records.epoch(db.get(meta, EPOCH));
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the epoch: " + e.getMessage(), e);
        }
    }

    /** Persists {@code e} durably before returning: nothing that depends on it may leave first. */
    public void persistEpoch(Epoch e) {
        write(synced, b -> b.put(meta, EPOCH, Records.encode(e)));
    }

    /** The replay marks kept last ({@code io.regent.wire.ReplayMarks}), or none. */
    public byte[] replayMarks() {
        try {
            byte[] kept = db.get(meta, REPLAY_MARKS);
            return kept == null ? new byte[0] : kept;
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the replay marks: " + e.getMessage(), e);
        }
    }

    /**
     * Keeps the replay marks, without a sync: a kill keeps them (the kernel has them), and a
     * power cut loses at most what came since the last sync, which a replay then gets in once.
     */
    public void keepReplayMarks(byte[] marks) {
        write(unsynced, b -> b.put(meta, REPLAY_MARKS, marks));
    }

    /** This run's number, above every earlier run's, durably: it tells this run's messages from replays. */
    @Override
    public long incarnation() {
        return incarnation;
    }

    public Path dir() {
        return dir;
    }

    /** Writes retained for others' gaps, and their bytes. */
    public long retainedEntries() {
        return logEntries;
    }

    public long retainedBytes() {
        return logBytes;
    }

    // ---- ReplicaStorage -----------------------------------------------------------------

    @Override
    public Position applied() {
        return applied;
    }

    @Override
    public String digest() {
        return SpaceDigest.format(pairs, digest);
    }

    @Override
    public StateSpace space() {
        return space;
    }

    @Override
    public String apply(Entry entry, StateMachine machine) {
        try (WriteBatch batch = new WriteBatch()) {
            Changes changes = new Changes(batch);
            String result = machine.apply(entry, changes);
            byte[] encoded = encode(entry, result);
            batch.put(log, seqKey(entry.seq()), encoded);
            Position before = logBase;
            long entries = logEntries + 1;
            long bytes = logBytes + encoded.length;
            Trim trim = trim(entries, bytes, entry);
            if (trim != null) {
                batch.deleteRange(log, seqKey(0), seqKey(trim.base().seq() + 1));
                batch.put(meta, LOG_BASE, encode(trim.base()));
            }
            batch.put(meta, APPLIED, encode(entry.position()));
            batch.put(meta, DIGEST, counters(changes.digest, changes.pairs, changes.bytes));
            db.write(unsynced, batch);
            applied = entry.position();
            digest = changes.digest;
            pairs = changes.pairs;
            pairBytes = changes.bytes;
            logEntries = trim == null ? entries : entries - trim.entries();
            logBytes = trim == null ? bytes : bytes - trim.bytes();
            logBase = trim == null ? before : trim.base();
            return result;
        } catch (RocksDBException e) {
            throw new StorageException("cannot apply " + entry.position() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean holds(Position p) {
        if (p.equals(logBase)) {
            return true;
        }
        if (p.seq() <= logBase.seq() || p.seq() > applied.seq()) {
            return false;
        }
        try {
            byte[] e = db.get(log, seqKey(p.seq()));
            return e != null && epochOf(e).equals(p.epoch());
        } catch (RocksDBException ex) {
            throw new StorageException("cannot read the log: " + ex.getMessage(), ex);
        }
    }

    @Override
    public List<Entry> entriesAfter(Position p, long maxBytes) {
        List<Entry> run = new ArrayList<>();
        long bytes = 0;
        try (RocksIterator it = db.newIterator(log)) {
            for (it.seek(seqKey(p.seq() + 1)); it.isValid(); it.next()) {
                byte[] value = it.value();
                // as the entry travels: without its stored result, with its framing
                long size = Entry.messageBytes(commandLength(value));
                if (!run.isEmpty() && bytes + size > maxBytes) {
                    break;
                }
                run.add(decodeEntry(seqOf(it.key()), value));
                bytes += size;
            }
        }
        return run;
    }

    @Override
    public List<Applied> appliedAfter(long seq, long maxBytes) {
        List<Applied> run = new ArrayList<>();
        long bytes = 0;
        try (RocksIterator it = db.newIterator(log)) {
            for (it.seek(seqKey(seq + 1)); it.isValid(); it.next()) {
                byte[] value = it.value();
                if (!run.isEmpty() && bytes + value.length > maxBytes) {
                    break;
                }
                Entry entry = decodeEntry(seqOf(it.key()), value);
                run.add(new Applied(entry, resultOf(value)));
                bytes += value.length;
            }
        }
        return run;
    }

    @Override
    public SnapshotView openSnapshot() {
        swap.readLock().lock();
        try {
            return new View(db.getSnapshot(), state, applied);
        } finally {
            swap.readLock().unlock();
        }
    }

    @Override
    public Restore beginRestore(Position at) {
        try {
            ColumnFamilyHandle staged = db.createColumnFamily(
                    new ColumnFamilyDescriptor(bytes(STATE_PREFIX + (generation + 1)), cfOptions));
            return new Install(staged, at);
        } catch (RocksDBException e) {
            throw new StorageException("cannot start a snapshot install: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        swap.writeLock().lock();
        try {
            state.close();
            log.close();
            meta.close();
            db.close();
            dbOptions.close();
            cfOptions.close();
            cache.close();
            unsynced.close();
            synced.close();
        } finally {
            swap.writeLock().unlock();
        }
    }

    // ---- the log's retention -------------------------------------------------------------

    private record Trim(Position base, long entries, long bytes) { }

    /**
     * Which oldest writes to drop once the log is past its retention by a fiftieth, down to 49/50
     * of it. A run reads only the header (epoch) and length of each write it drops, and is small:
     * it runs under the member's lock, and a run over a fifth of 256 MB of 60 KB values, each
     * value copied out, held that lock for up to 0.4 s (the master answered no inquiry meanwhile).
     * One range deletion per run, not per write.
     */
    private Trim trim(long entries, long bytes, Entry newest) throws RocksDBException {
        if (entries <= retention.entries() + retention.entries() / TRIM_BAND
                && bytes <= retention.bytes() + retention.bytes() / TRIM_BAND) {
            return null;
        }
        long keepEntries = retention.entries() - retention.entries() / TRIM_BAND;
        long keepBytes = retention.bytes() - retention.bytes() / TRIM_BAND;
        long dropEntries = 0;
        long dropBytes = 0;
        Position base = logBase;
        byte[] header = new byte[Records.EPOCH_BYTES];
        try (RocksIterator it = db.newIterator(log)) {
            for (it.seek(seqKey(logBase.seq() + 1)); it.isValid(); it.next()) {
                if (entries - dropEntries <= keepEntries && bytes - dropBytes <= keepBytes) {
                    break;
                }
                long seq = seqOf(it.key());
                if (seq >= newest.seq()) {
                    break;
                }
                dropEntries++;
                dropBytes += it.value(header);
                base = new Position(seq, epochOf(header));
            }
        }
        return dropEntries == 0 ? null : new Trim(base, dropEntries, dropBytes);
    }

    private void countLog() {
        byte[] header = new byte[Records.EPOCH_BYTES];
        try (RocksIterator it = db.newIterator(log)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                logEntries++;
                logBytes += it.value(header); // the length, without copying the write out
            }
        }
    }

    // ---- the state as the machine changes it and as readers see it -----------------------

    /** One write's changes, read through to the state: the machine sees what it wrote. */
    private final class Changes implements StateSpace {
        private final WriteBatch batch;
        // a write touches a key or two: no table of sixteen for each
        private final Map<ByteBuffer, byte[]> written = new HashMap<>(4);
        long digest = DiskStorage.this.digest;
        long pairs = DiskStorage.this.pairs;
        long bytes = DiskStorage.this.pairBytes;

        Changes(WriteBatch batch) {
            this.batch = batch;
        }

        @Override
        public byte[] get(byte[] key) {
            ByteBuffer k = ByteBuffer.wrap(key);
            if (written.containsKey(k)) {
                return written.get(k);
            }
            return space.get(key);
        }

        @Override
        public void put(byte[] key, byte[] value) {
            delete(key);
            try {
                batch.put(state, key, value);
            } catch (RocksDBException e) {
                throw new StorageException("cannot write: " + e.getMessage(), e);
            }
            written.put(ByteBuffer.wrap(key.clone()), value);
            digest += SpaceDigest.hash(key, value);
            pairs++;
            bytes += key.length + value.length;
        }

        @Override
        public void delete(byte[] key) {
            byte[] old = get(key);
            if (old == null) {
                return;
            }
            try {
                batch.delete(state, key);
            } catch (RocksDBException e) {
                throw new StorageException("cannot write: " + e.getMessage(), e);
            }
            written.put(ByteBuffer.wrap(key.clone()), null);
            digest -= SpaceDigest.hash(key, old);
            pairs--;
            bytes -= key.length + old.length;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public long count() {
            return pairs;
        }

        @Override
        public List<Pair> scan(byte[] from, int limit) {
            return space.scan(from, limit); // machines read ranges outside writes only
        }
    }

    /** The state as it stands, for readers on any thread. */
    private final class Reader implements StateSpace {
        @Override
        public byte[] get(byte[] key) {
            swap.readLock().lock();
            try {
                return db.get(state, key);
            } catch (RocksDBException e) {
                throw new StorageException("cannot read: " + e.getMessage(), e);
            } finally {
                swap.readLock().unlock();
            }
        }

        @Override
        public void put(byte[] key, byte[] value) {
            throw new UnsupportedOperationException("the state changes only through apply");
        }

        @Override
        public void delete(byte[] key) {
            throw new UnsupportedOperationException("the state changes only through apply");
        }

        @Override
        public long bytes() {
            return pairBytes;
        }

        @Override
        public long count() {
            return pairs;
        }

        @Override
        public List<Pair> scan(byte[] from, int limit) {
            swap.readLock().lock();
            try (RocksIterator it = db.newIterator(state)) {
                List<Pair> out = new ArrayList<>();
                for (it.seek(from); it.isValid() && out.size() < limit; it.next()) {
                    out.add(new Pair(it.key(), it.value()));
                }
                return out;
            } finally {
                swap.readLock().unlock();
            }
        }
    }

    /** A consistent view of the state, read in chunks while writes go on. */
    private final class View implements SnapshotView {
        private final Snapshot snapshot;
        private final ReadOptions options;
        private final ColumnFamilyHandle family;
        private final Position at;

        View(Snapshot snapshot, ColumnFamilyHandle family, Position at) {
            this.snapshot = snapshot;
            this.options = new ReadOptions().setSnapshot(snapshot).setFillCache(false);
            this.family = family;
            this.at = at;
        }

        @Override
        public Position at() {
            return at;
        }

        @Override
        public Chunk chunk(byte[] afterKey, long maxBytes) {
            List<Pair> out = new ArrayList<>();
            long bytes = 0;
            swap.readLock().lock();
            try (RocksIterator it = db.newIterator(family, options)) {
                if (afterKey == null) {
                    it.seekToFirst();
                } else {
                    it.seek(afterKey);
                    if (it.isValid() && Arrays.equals(it.key(), afterKey)) {
                        it.next();
                    }
                }
                for (; it.isValid(); it.next()) {
                    byte[] key = it.key();
                    byte[] value = it.value();
                    Pair pair = new Pair(key, value);
                    if (!out.isEmpty() && bytes + pair.messageBytes() > maxBytes) {
                        return new Chunk(out, false);
                    }
                    out.add(pair);
                    bytes += pair.messageBytes();
                }
                return new Chunk(out, true);
            } finally {
                swap.readLock().unlock();
            }
        }

        @Override
        public void close() {
            options.close();
            db.releaseSnapshot(snapshot);
        }
    }

    /** A snapshot being installed into a column family of its own, swapped in when complete. */
    private final class Install implements Restore {
        private final ColumnFamilyHandle staged;
        private final Position at;
        private long digestSum;
        private long count;
        private long size;

        Install(ColumnFamilyHandle staged, Position at) {
            this.staged = staged;
            this.at = at;
        }

        @Override
        public void add(List<Pair> chunk) {
            try (WriteBatch batch = new WriteBatch()) {
                for (Pair p : chunk) {
                    batch.put(staged, p.key(), p.value());
                    digestSum += SpaceDigest.hash(p.key(), p.value());
                    count++;
                    size += p.bytes();
                }
                db.write(unsynced, batch);
            } catch (RocksDBException e) {
                throw new StorageException("cannot install a snapshot chunk: " + e.getMessage(), e);
            }
        }

        @Override
        public void finish() {
            ColumnFamilyHandle old;
            swap.writeLock().lock();
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(meta, STATE, staged.getName());
                batch.put(meta, APPLIED, encode(at));
                batch.put(meta, LOG_BASE, encode(at));
                batch.put(meta, DIGEST, counters(digestSum, count, size));
                batch.deleteRange(log, seqKey(0), seqKey(Long.MAX_VALUE));
                // the staged pairs must be on disk before the batch that makes them the state
                db.flushWal(true);
                db.write(synced, batch);
                old = state;
                state = staged;
                generation++;
                applied = at;
                logBase = at;
                digest = digestSum;
                pairs = count;
                pairBytes = size;
                logEntries = 0;
                logBytes = 0;
            } catch (RocksDBException e) {
                throw new StorageException("cannot finish a snapshot install: " + e.getMessage(), e);
            } finally {
                swap.writeLock().unlock();
            }
            dropQuietly(old);
        }

        @Override
        public void abandon() {
            dropQuietly(staged);
        }
    }

    private void dropQuietly(ColumnFamilyHandle family) {
        try {
            db.dropColumnFamily(family);
        } catch (RocksDBException e) {
            // left for the next open, which drops every state but the active one
        } finally {
            family.close();
        }
    }

    // ---- encoding -----------------------------------------------------------------------

    private interface BatchWrite {
        void into(WriteBatch batch) throws RocksDBException;
    }

    private void write(WriteOptions options, BatchWrite what) {
        try (WriteBatch batch = new WriteBatch()) {
            what.into(batch);
            db.write(options, batch);
        } catch (RocksDBException e) {
            throw new StorageException("cannot write: " + e.getMessage(), e);
        }
    }

    /**
     * Upgrades a directory an earlier Regent wrote, whose retained log has no results: the log is
     * dropped, the state and its position kept (the log only serves catch-up and watches; a
     * server behind this one's log gets a snapshot instead).
     */
    private void checkFormat(Path dir) throws RocksDBException {
        byte[] f = db.get(meta, FORMAT);
        if (f != null && ByteBuffer.wrap(f).getInt() == CURRENT_FORMAT) {
            return;
        }
        if (f != null) {
            throw new StorageException("the storage in " + dir + " has format " + ByteBuffer.wrap(f).getInt()
                    + ", newer than this Regent's " + CURRENT_FORMAT + "; run the newer version", null);
        }
        try (WriteBatch batch = new WriteBatch()) {
            batch.deleteRange(log, seqKey(0), seqKey(Long.MAX_VALUE));
            batch.put(meta, LOG_BASE, encode(applied));
            batch.put(meta, FORMAT, ByteBuffer.allocate(4).putInt(CURRENT_FORMAT).array());
            db.write(synced, batch);
        }
    }
}
