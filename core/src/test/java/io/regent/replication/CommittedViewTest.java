package io.regent.replication;

import io.regent.machines.Machines;
import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.protocol.Epoch;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readers see the state as of the commit point: never a write that a failover could still undo. */
class CommittedViewTest {

    private static final Epoch E = new Epoch(1, 1);

    private final MemoryStorage storage = new MemoryStorage(1 << 20, 1_000);
    private final Machines store = new Machines(new KeyValueStore(Long.MAX_VALUE, Long.MAX_VALUE));
    private final CommittedView view = new CommittedView(storage.space(), Position.NONE);
    private long seq;

    private Position write(KvCommand c) {
        Entry e = new Entry(++seq, E, c.encode());
        storage.apply(e, view.recording(e.seq(), store));
        return e.position();
    }

    private Optional<String> read(String key) {
        return KeyValueStore.get(view.space(), key).map(KeyValueStore.Item::value);
    }

    private List<String> keys() {
        return KeyValueStore.list(view.space(), "", null, 100).stream().map(KeyValueStore.Item::key).toList();
    }

    @Test
    void anUncommittedWriteIsInvisibleUntilItCommits() {
        Position first = write(KvCommand.put("a", "1", null));
        view.committed(first);
        Position second = write(KvCommand.put("a", "2", null));
        Position third = write(KvCommand.put("b", "new", null));
        assertEquals(Optional.of("1"), read("a"), "the committed value, not the applied one");
        assertEquals(Optional.empty(), read("b"), "a key only an uncommitted write created");
        assertEquals(List.of("a"), keys());
        view.committed(second);
        assertEquals(Optional.of("2"), read("a"));
        assertEquals(Optional.empty(), read("b"));
        view.committed(third);
        assertEquals(Optional.of("new"), read("b"));
        assertEquals(List.of("a", "b"), keys());
        assertEquals(0, view.uncommittedKeys(), "no record outlives its write's commit");
    }

    @Test
    void severalUncommittedWritesToOneKeyUncoverOneByOne() {
        write(KvCommand.put("k", "v1", null));
        Position v1 = new Position(seq, E);
        view.committed(v1);
        write(KvCommand.put("k", "v2", null));
        Position v2 = new Position(seq, E);
        write(KvCommand.delete("k", null));
        Position deleted = new Position(seq, E);
        write(KvCommand.put("k", "v3", null));
        assertEquals(Optional.of("v1"), read("k"));
        view.committed(v2);
        assertEquals(Optional.of("v2"), read("k"));
        view.committed(deleted);
        assertEquals(Optional.empty(), read("k"), "a committed delete");
        assertEquals(List.of(), keys());
    }

    @Test
    void aDeleteNotYetCommittedStillShowsTheValueInReadsAndLists() {
        write(KvCommand.put("x/1", "a", null));
        write(KvCommand.put("x/2", "b", null));
        write(KvCommand.put("x/3", "c", null));
        view.committed(new Position(seq, E));
        write(KvCommand.delete("x/2", null));
        write(KvCommand.put("x/0", "early", null));
        assertEquals(List.of("x/1", "x/2", "x/3"), keys());
        assertEquals(List.of("x/1", "x/2"), KeyValueStore.list(view.space(), "x/", null, 2).stream()
                .map(KeyValueStore.Item::key).toList(), "a page of two, in key order");
        assertEquals(Optional.of("b"), read("x/2"));
    }

    @Test
    void aRecoveredOrInstalledStateIsNotReadableUntilTheCommitPointReachesIt() {
        write(KvCommand.put("a", "1", null));
        write(KvCommand.put("a", "2", null));
        CommittedView recovered = new CommittedView(storage.space(), new Position(seq, E));
        assertFalse(recovered.readable(), "what the disk holds may not be committed");
        recovered.committed(new Position(1, E));
        assertFalse(recovered.readable());
        recovered.committed(new Position(2, E));
        assertTrue(recovered.readable());

        view.committed(new Position(2, E));
        assertTrue(view.readable());
        view.replaced(new Position(5, E));
        assertFalse(view.readable(), "a snapshot installed at 5");
        view.committed(new Position(5, E));
        assertTrue(view.readable());
    }

    @Test
    void keysCompareAsTheStoreOrdersThem() {
        write(KvCommand.put("a", "1", null));
        view.committed(new Position(seq, E));
        String high = new String(new byte[] {(byte) 0xc3, (byte) 0xa9}, StandardCharsets.UTF_8); // é: bytes above ASCII
        write(KvCommand.put("a" + high, "2", null));
        write(KvCommand.delete("a", null));
        assertEquals(List.of("a"), keys());
        view.committed(new Position(seq, E));
        assertEquals(List.of("a" + high), keys());
    }
}
