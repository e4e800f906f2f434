package io.regent.machines;

import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.kv.KvResult;
import io.regent.protocol.Configuration;
import io.regent.protocol.Epoch;
import io.regent.protocol.Role;
import io.regent.replication.ConfigurationRecord;
import io.regent.replication.Entry;
import io.regent.replication.GroupView;
import io.regent.replication.MemoryStorage;
import io.regent.replication.Pair;
import io.regent.replication.Position;
import io.regent.replication.Proposal;
import io.regent.replication.Replica;
import io.regent.replication.ReplicaEffect;
import io.regent.replication.ReplicationConfig;
import io.regent.replication.StorageException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachinesTest {

    private static final Epoch E1 = new Epoch(1, 1);

    /** A machine's apply, for a machine made of a name and a lambda. */
    private interface Body {
        Object apply(byte[] command, Position at, MachineState state);
    }

    private record Lambda(String name, Body body) implements Machine {
        @Override
        public Namespace namespace() {
            return new Namespace(name);
        }

        @Override
        public Object apply(byte[] command, Position at, MachineState state) {
            return body.apply(command, at, state);
        }
    }

    /** Issues numbered tickets: the state is the last number; "fail" throws after a change. */
    private static final class Tickets implements Machine {
        private final Namespace namespace = new Namespace("tickets");

        @Override
        public String name() {
            return "tickets";
        }

        @Override
        public Namespace namespace() {
            return namespace;
        }

        @Override
        public Object apply(byte[] command, Position at, MachineState state) {
            byte[] last = state.get(bytes("last"));
            long next = (last == null ? 0 : ByteBuffer.wrap(last).getLong()) + 1;
            state.put(bytes("last"), ByteBuffer.allocate(8).putLong(next).array());
            state.put(bytes("by/" + next), command);
            if (new String(command, StandardCharsets.UTF_8).equals("fail")) {
                throw new IllegalStateException("refused after a change");
            }
            return new Ticket(next, at.seq());
        }
    }

    private record Ticket(long number, long seq) { }

    private final MemoryStorage storage = new MemoryStorage(1 << 20, 1_000);
    private final Machines machines = new Machines(new KeyValueStore(1 << 20, 1_000), List.of(new Tickets()), Long.MAX_VALUE);
    private long seq;

    private String apply(String command) {
        return storage.apply(new Entry(++seq, E1, command), machines);
    }

    private static String issue(String who) {
        return new MachineCommand("tickets", bytes(who)).encode();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMachineGetsItsCommandsAndTheStoreTheRestEachInItsOwnKeys() {
        apply(KvCommand.put("last", "store's", null).encode());
        apply(issue("ann"));
        assertEquals(new Ticket(1, 2), machines.takeValue());
        apply(issue("bob"));
        assertEquals(new Ticket(2, 3), machines.takeValue());
        assertNull(machines.takeValue(), "a value is taken once");

        MachineState own = new Namespace("tickets").reading(storage.space());
        assertEquals(2, ByteBuffer.wrap(own.get(bytes("last"))).getLong());
        assertEquals(List.of("by/1", "by/2", "last"), own.scan(new byte[0], 10).stream()
                .map(p -> new String(p.key(), StandardCharsets.UTF_8)).toList());
        assertEquals("store's", KeyValueStore.get(storage.space(), "last").orElseThrow().value());
        assertEquals(List.of("last"), KeyValueStore.list(storage.space(), "", null, 10).stream()
                .map(KeyValueStore.Item::key).toList(), "the store lists its own keys only");
    }

    @Test
    void aCommandThatThrowsChangesNothingAndItsProposerGetsTheException() {
        apply(issue("ann"));
        machines.takeValue();
        long pairs = storage.space().count();
        assertEquals("failed", apply(issue("fail")));
        Machines.Failed f = assertInstanceOf(Machines.Failed.class, machines.takeValue());
        assertEquals("refused after a change", f.cause().getMessage());
        assertEquals(pairs, storage.space().count());
        assertEquals(1, ByteBuffer.wrap(new Namespace("tickets").reading(storage.space()).get(bytes("last"))).getLong());
        apply(issue("bob"));
        assertEquals(2, assertInstanceOf(Ticket.class, machines.takeValue()).number(), "the next command goes on");
    }

    @Test
    void aServerWithoutTheMachineHaltsRatherThanFallBehindForGood() {
        Machines without = new Machines(new KeyValueStore(1 << 20, 1_000), List.of(), Long.MAX_VALUE);
        StorageException e = assertThrows(StorageException.class,
                () -> storage.apply(new Entry(1, E1, issue("ann")), without));
        assertTrue(e.getMessage().contains("'tickets'"), e.getMessage());
        assertEquals(0, storage.applied().seq(), "nothing applied");
    }

    @Test
    void aDiskThatFailsDuringACommandHaltsTheServerRatherThanRefuseTheCommandHereOnly() {
        Machines failing = new Machines(new KeyValueStore(1 << 20, 1_000), List.of(new Lambda("tickets", (command, at, state) -> {
            throw new StorageException("read failed", null);
        })), Long.MAX_VALUE);
        assertThrows(StorageException.class, () -> storage.apply(new Entry(1, E1, issue("ann")), failing));
        assertEquals(0, storage.applied().seq());
    }

    /** Keeps each command under its own key; "free" deletes every key it holds. */
    private static Machine notes() {
        return new Lambda("notes", (command, at, state) -> {
            if (new String(command, StandardCharsets.UTF_8).equals("free")) {
                state.scan(new byte[0], 100).forEach(p -> state.delete(p.key()));
            } else {
                state.put(command, command);
            }
            return null;
        });
    }

    @Test
    void onceTheSpaceIsFullTheMasterRefusesApplicationsCommandsThatGrowItButNotThoseThatFreeIt() {
        Machines full = new Machines(new KeyValueStore(1 << 20, 1_000), List.of(notes()), 40);
        String note = new MachineCommand("notes", bytes("a-long-enough-note")).encode();
        assertNull(full.refusal(note, storage.space()));
        storage.apply(new Entry(++seq, E1, note), full);
        String another = new MachineCommand("notes", bytes("another")).encode();
        String refused = full.refusal(another, storage.space());
        assertTrue(refused != null && refused.contains("regent.kv.max-bytes") && refused.contains("'notes'"), refused);
        String digest = storage.digest();
        assertNull(full.refusal(new MachineCommand("notes", bytes("free")).encode(), storage.space()),
                "a command that frees space goes through");
        assertEquals(digest, storage.digest(), "the trial changed nothing");
        assertNull(full.refusal(KvCommand.put("k", "v", null).encode(), storage.space()),
                "the store answers for its own keys with its own quota");
        storage.apply(new Entry(++seq, E1, new MachineCommand("notes", bytes("free")).encode()), full);
        assertNull(full.refusal(another, storage.space()), "under the quota again");
    }

    @Test
    void theStoreSeesNoApplicationsKeysAndKeepsItsOwnWhereTheyWere() {
        apply(issue("ann"));
        apply(KvCommand.put("k", "v", null).encode());
        assertArrayEquals(bytes("v"), java.util.Arrays.copyOfRange(storage.space().get(bytes("k")), 8, 9),
                "a key of the store is the space's own key");
        MachineState store = Namespace.root(KeyValueStore.NAME).reading(storage.space());
        assertEquals(List.of("k"), store.scan(new byte[0], 100).stream()
                .map(p -> new String(p.key(), StandardCharsets.UTF_8)).toList(), "and the ticket's keys are not the store's");
    }

    @Test
    void aScanAsksForAtLeastOnePair() {
        assertThrows(IllegalArgumentException.class, () -> new Namespace("tickets").reading(storage.space()).scan(new byte[0], 0));
        assertEquals(List.<Pair>of(), new Namespace("tickets").reading(storage.space()).scan(new byte[0], Integer.MAX_VALUE));
    }

    @Test
    void namesAreCheckedAndUnique() {
        assertThrows(IllegalArgumentException.class, () -> new Machines(new KeyValueStore(1, 1), List.of(new Tickets(),
                new Tickets()), Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> new Machines(new KeyValueStore(1, 1), List.of(new Lambda(KeyValueStore.NAME, (command, at, state) -> null)), Long.MAX_VALUE),
                "the store's name is taken");
        assertThrows(IllegalArgumentException.class, () -> new Namespace("Tickets"));
        assertThrows(IllegalArgumentException.class, () -> new Namespace("x".repeat(33)));
        assertThrows(IllegalArgumentException.class, () -> MachineCommand.decode("app tickets"));
        assertFalse(MachineCommand.isMachineCommand(KvCommand.put("app", "x", null).encode()));
    }

    @Test
    void aCommandTravelsAsItsBytes() {
        byte[] payload = {0, (byte) 0xff, 10, 32, 127, (byte) 0x80};
        MachineCommand c = MachineCommand.decode(new MachineCommand("a-1", payload).encode());
        assertEquals("a-1", c.machine());
        assertArrayEquals(payload, c.payload());
    }

    @Test
    void aCommandSeesItsOwnChangesAndAScanMergesThem() {
        List<String> seen = new java.util.ArrayList<>();
        Machines both = new Machines(new KeyValueStore(1 << 20, 1_000), List.of(new Lambda("tickets", (command, at, state) -> {
            if (command[0] == 'w') {
                state.put(bytes("b"), bytes("1"));
                state.put(bytes("d"), bytes("1"));
                return null;
            }
            state.put(bytes("a"), bytes("2"));
            state.delete(bytes("b"));
            state.put(bytes("c"), bytes("2"));
            seen.add(String.valueOf(state.get(bytes("b"))));
            seen.add(new String(state.get(bytes("c")), StandardCharsets.UTF_8));
            state.scan(new byte[0], 2).forEach(p -> seen.add(new String(p.key(), StandardCharsets.UTF_8)));
            state.scan(bytes("b"), 5).forEach(p -> seen.add(new String(p.key(), StandardCharsets.UTF_8)));
            return null;
        })), Long.MAX_VALUE);
        storage.apply(new Entry(++seq, E1, new MachineCommand("tickets", bytes("w")).encode()), both);
        storage.apply(new Entry(++seq, E1, new MachineCommand("tickets", bytes("m")).encode()), both);
        assertEquals(List.of("null", "2", "a", "c", "c", "d"), seen);
        MachineState kept = new Namespace("tickets").reading(storage.space());
        assertNull(kept.get(bytes("b")));
        assertArrayEquals(bytes("2"), kept.get(bytes("a")));
        assertThrows(UnsupportedOperationException.class, () -> kept.put(bytes("a"), bytes("x")));
    }

    @Test
    void theMasterHandsTheAnswerObjectToTheProposerAsItIs() {
        MemoryStorage disk = new MemoryStorage(1 << 20, 100);
        Replica r = new Replica(ReplicationConfig.defaults("s1"), disk, machines,
                Configuration.bootstrap(Map.of("s1", 1), Map.of()), ConfigurationRecord.NONE);
        r.view(0, new GroupView(Role.MASTER, E1, "s1", List.of(), List.of()));
        r.drain().stream().filter(e -> e instanceof ReplicaEffect.Persist).forEach(e -> r.durable(0, disk.applied()));
        assertTrue(r.open());
        Proposal.Accepted a = assertInstanceOf(Proposal.Accepted.class, r.propose(1, issue("ann")));
        assertEquals(new Ticket(1, a.at().seq()), a.value());
        Proposal.Accepted kv = assertInstanceOf(Proposal.Accepted.class,
                r.propose(2, KvCommand.put("k", "v", null).encode()));
        assertEquals(new KvResult(KvResult.Outcome.WRITTEN, "k", 1), kv.value(), "the store's answer is typed too");
        assertEquals(kv.value(), KvResult.decode(kv.result()), "and the log keeps it for watches");
        assertNull(machines.takeValue());
    }

    @Test
    void pairsOutsideTheNamespaceNeverShow() {
        apply(KvCommand.put("z", "1", null).encode());
        assertEquals(List.<Pair>of(), new Namespace("tickets").reading(storage.space()).scan(new byte[0], 10));
        assertEquals(List.<Pair>of(), new Namespace("ticket").reading(storage.space()).scan(new byte[0], 10));
    }
}
