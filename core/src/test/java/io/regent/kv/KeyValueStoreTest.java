package io.regent.kv;

import io.regent.machines.Machines;
import io.regent.protocol.Epoch;
import io.regent.replication.Entry;
import io.regent.replication.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyValueStoreTest {

    private final MemoryStorage storage = new MemoryStorage(1 << 20, 1_000);
    private final Machines store = new Machines(new KeyValueStore(1_000, 3));
    private long seq;

    private KvResult apply(KvCommand c) {
        return apply(c.encode());
    }

    private KvResult apply(String command) {
        return apply(command, store);
    }

    private KvResult apply(KvCommand c, Machines machine) {
        return apply(c.encode(), machine);
    }

    /** The answer the proposer gets, checked against what the log keeps of it for watches and retries. */
    private KvResult apply(String command, Machines machine) {
        String recorded = storage.apply(new Entry(++seq, new Epoch(1, 1), command), machine);
        KvResult answer = (KvResult) machine.takeValue();
        assertEquals(KvResult.decode(recorded), answer);
        return answer;
    }

    @Test
    void versionsCountWritesAndCompareAndSetChecksThem() {
        assertEquals(new KvResult(KvResult.Outcome.WRITTEN, "a", 1), apply(KvCommand.put("a", "x", 0L)));
        assertEquals(new KvResult(KvResult.Outcome.CONFLICT, "a", 1), apply(KvCommand.put("a", "y", 0L)));
        assertEquals(new KvResult(KvResult.Outcome.WRITTEN, "a", 2), apply(KvCommand.put("a", "y", 1L)));
        assertEquals(new KvResult(KvResult.Outcome.CONFLICT, "a", 2), apply(KvCommand.delete("a", 1L)));
        assertEquals("y", KeyValueStore.get(storage.space(), "a").orElseThrow().value());
        assertEquals(new KvResult(KvResult.Outcome.DELETED, "a", 2), apply(KvCommand.delete("a", null)));
        assertEquals(new KvResult(KvResult.Outcome.ABSENT, "a", 0), apply(KvCommand.delete("a", null)));
        assertTrue(KeyValueStore.get(storage.space(), "a").isEmpty());
    }

    @Test
    void anInvalidCommandChangesNothing() {
        apply(KvCommand.put("a", "x", null));
        String before = storage.digest();
        assertEquals(KvResult.Outcome.INVALID, apply("explode a - x").outcome());
        assertEquals(KvResult.Outcome.INVALID, apply("put a").outcome());
        assertEquals(KvResult.Outcome.INVALID, apply("del a 3 extra").outcome());
        assertEquals(before, storage.digest());
    }

    @Test
    void aWriteWithAnIdempotencyKeyAppliesOnceAndItsRetryGetsTheFirstAnswer() {
        Machines once = new Machines(new KeyValueStore(1 << 20, 3, 2));
        KvCommand write = KvCommand.put("a", "x", null).once("t1");
        assertEquals(write, KvCommand.decode(write.encode()));
        KvResult first = apply(write, once);
        assertEquals(new KvResult(KvResult.Outcome.WRITTEN, "a", 1), first);
        assertTrue(first.changed());
        KvResult retry = apply(write, once);
        assertEquals(new KvResult(KvResult.Outcome.WRITTEN, "a", 1, true), retry, "the first answer, again");
        assertFalse(retry.changed(), "a watch does not report the retry");
        assertEquals(1, KeyValueStore.get(storage.space(), "a").orElseThrow().version(), "applied once");
        assertEquals(List.of("a"), KeyValueStore.list(storage.space(), "", null, 10).stream()
                .map(KeyValueStore.Item::key).toList(), "what it remembers is not a client's key");
        assertNull(once.refusal(KvCommand.put("b", "y", null).once("t2").encode(), storage.space()),
                "remembered keys do not count against regent.kv.max-keys");
        apply(KvCommand.put("b", "y", null).once("t2"), once);
        apply(KvCommand.put("c", "z", null).once("t3"), once);
        assertEquals(new KvResult(KvResult.Outcome.WRITTEN, "a", 2), apply(write, once),
                "past the window of 2 the oldest key is forgotten, and the write applies again");
    }

    @Test
    void anIdempotencyKeySentWithAnotherWriteIsRefusedAndChangesNothing() {
        Machines once = new Machines(new KeyValueStore(1 << 20, 10, 10));
        String token = KvCommand.ownedBy("regent-writer", "t1");
        apply(KvCommand.put("a", "x", null).once(token), once);
        String before = storage.digest();
        assertEquals(new KvResult(KvResult.Outcome.REUSED, "a", 0), apply(KvCommand.put("a", "other", null).once(token), once),
                "another value under the same key");
        assertEquals(new KvResult(KvResult.Outcome.REUSED, "b", 0), apply(KvCommand.delete("b", null).once(token), once),
                "another command under the same key");
        assertEquals(before, storage.digest(), "nothing changed");
        assertFalse(apply(KvCommand.put("a", "other", null).once(token), once).changed());
        String someoneElses = KvCommand.ownedBy("regent-admin", "t1");
        assertNotEquals(token, someoneElses, "each user's keys are their own");
        assertEquals(new KvResult(KvResult.Outcome.WRITTEN, "a", 2), apply(KvCommand.put("a", "y", null).once(someoneElses), once),
                "another user's same key is another write, not the first one's answer");
    }

    @Test
    void aBarrierPassesAndChangesNothing() {
        apply(KvCommand.put("a", "x", null));
        String before = storage.digest();
        assertEquals("nop", KvCommand.barrier().encode());
        assertEquals(KvCommand.barrier(), KvCommand.decode("nop"));
        assertEquals(KvResult.Outcome.PASSED, apply(KvCommand.barrier()).outcome());
        assertEquals(before, storage.digest());
    }

    @Test
    void commandsKeepAnyValueWhole() {
        for (String value : List.of("", " spaces  inside ", "line\nbreak", "ünïcödé ✓", "put x - y")) {
            KvCommand c = KvCommand.put("k", value, 7L);
            assertEquals(c, KvCommand.decode(c.encode()));
        }
        assertEquals(KvCommand.delete("k", null), KvCommand.decode(KvCommand.delete("k", null).encode()));
        assertThrows(IllegalArgumentException.class, () -> KvCommand.decode("put k -1 v"));
    }

    @Test
    void listsPageByKeyWithinAPrefix() {
        Machines roomy = new Machines(new KeyValueStore(1 << 20, 100));
        for (String k : List.of("a1", "b1", "b2", "b3", "c1")) {
            storage.apply(new Entry(++seq, new Epoch(1, 1), KvCommand.put(k, k, null).encode()), roomy);
        }
        assertEquals(List.of("b1", "b2"), keys(KeyValueStore.list(storage.space(), "b", null, 2)));
        assertEquals(List.of("b3"), keys(KeyValueStore.list(storage.space(), "b", "b2", 2)));
        assertEquals(List.of("a1", "b1", "b2", "b3", "c1"), keys(KeyValueStore.list(storage.space(), "", null, 10)));
    }

    @Test
    void aWritePastTheQuotaIsRefusedBeforeItIsSequenced() {
        assertNull(store.refusal(KvCommand.put("a", "x".repeat(900), null).encode(), storage.space()));
        apply(KvCommand.put("a", "x".repeat(900), null));
        String tooBig = store.refusal(KvCommand.put("b", "x".repeat(200), null).encode(), storage.space());
        assertNotNull(tooBig);
        assertTrue(tooBig.contains("regent.kv.max-bytes"), tooBig);
        assertNull(store.refusal(KvCommand.put("a", "x".repeat(800), null).encode(), storage.space()),
                "replacing a value with a smaller one always fits");
        assertNull(store.refusal(KvCommand.delete("a", null).encode(), storage.space()), "deletes always fit");
        apply(KvCommand.put("b", "1", null));
        apply(KvCommand.put("c", "1", null));
        String tooMany = store.refusal(KvCommand.put("d", "1", null).encode(), storage.space());
        assertTrue(tooMany != null && tooMany.contains("regent.kv.max-keys"), tooMany);
    }

    @Test
    void equalStatesHaveEqualDigestsWhateverTheOrderOfWrites() {
        MemoryStorage other = new MemoryStorage(1 << 20, 1_000);
        Machines roomy = new Machines(new KeyValueStore(1 << 20, 100));
        storage.apply(new Entry(1, new Epoch(1, 1), KvCommand.put("x", "1", null).encode()), roomy);
        storage.apply(new Entry(2, new Epoch(1, 1), KvCommand.put("y", "2", null).encode()), roomy);
        other.apply(new Entry(1, new Epoch(1, 1), KvCommand.put("y", "2", null).encode()), roomy);
        other.apply(new Entry(2, new Epoch(1, 1), KvCommand.put("x", "1", null).encode()), roomy);
        assertEquals(storage.digest(), other.digest());
        other.apply(new Entry(3, new Epoch(1, 1), KvCommand.put("x", "3", null).encode()), roomy);
        assertNotEquals(storage.digest(), other.digest());
    }

    /** A transaction's answer, checked against what the log keeps of it. */
    private KvTxnResult txn(KvTxn t) {
        String recorded = storage.apply(new Entry(++seq, new Epoch(1, 1), t.encode()), store);
        Object answer = store.takeValue();
        assertEquals(KvTxnResult.decode(recorded), answer);
        return (KvTxnResult) answer;
    }

    private static KvTxn txn(List<KvTxn.Compare> compare, List<KvTxn.Write> success, List<KvTxn.Write> failure) {
        return new KvTxn(compare, success, failure, null);
    }

    @Test
    void aTransactionAppliesTheBranchItsComparesChoseAsOneWrite() {
        apply(KvCommand.put("a", "x", null));
        KvTxnResult taken = txn(txn(List.of(new KvTxn.VersionIs("a", 1), new KvTxn.ValueIs("a", "x"),
                new KvTxn.Exists("b", false)), List.of(new KvTxn.Write("a", "y"), new KvTxn.Write("b", "z")),
                List.of(new KvTxn.Write("c", "no"))));
        assertTrue(taken.succeeded());
        assertEquals(List.of(new KvResult(KvResult.Outcome.WRITTEN, "a", 2), new KvResult(KvResult.Outcome.WRITTEN, "b", 1)),
                taken.writes());
        KvTxnResult failed = txn(txn(List.of(new KvTxn.VersionIs("a", 1)), List.of(new KvTxn.Write("c", "yes")),
                List.of(new KvTxn.Write("a", null), new KvTxn.Write("c", null))));
        assertFalse(failed.succeeded());
        assertEquals(List.of(new KvResult(KvResult.Outcome.DELETED, "a", 2), new KvResult(KvResult.Outcome.ABSENT, "c", 0)),
                failed.writes());
        assertTrue(KeyValueStore.get(storage.space(), "a").isEmpty());
        assertEquals("z", KeyValueStore.get(storage.space(), "b").orElseThrow().value());
        assertTrue(KeyValueStore.get(storage.space(), "c").isEmpty());
    }

    @Test
    void aTransactionWithAnIdempotencyKeyAppliesOnce() {
        KvTxn t = txn(List.of(new KvTxn.Exists("a", false)), List.of(new KvTxn.Write("a", "1")), List.of()).once("t1");
        KvTxnResult first = txn(t);
        assertTrue(first.succeeded());
        String digest = storage.digest();
        KvTxnResult retry = txn(t);
        assertEquals(first.again(), retry, "the retry gets the first answer, though the compare fails now");
        assertEquals(digest, storage.digest());
        Object reused = apply(KvCommand.put("a", "2", null).once("t1").encode(), store).outcome();
        assertEquals(KvResult.Outcome.REUSED, reused);
        assertNull(store.refusal(t.encode(), storage.space()), "a retry is answered, never refused");
    }

    @Test
    void aTransactionThatWritesAKeyTwiceIsInvalidAndChangesNothing() {
        String digest = storage.digest();
        KvResult r = apply(txn(List.of(), List.of(new KvTxn.Write("a", "1"), new KvTxn.Write("a", "2")), List.of()).encode(),
                store);
        assertEquals(KvResult.Outcome.INVALID, r.outcome());
        assertEquals(digest, storage.digest());
    }

    @Test
    void aTransactionIsRefusedIfEitherBranchWouldPassTheQuota() {
        KvTxn roomy = txn(List.of(), List.of(new KvTxn.Write("a", "x".repeat(500))), List.of(new KvTxn.Write("b", "1")));
        assertNull(store.refusal(roomy.encode(), storage.space()));
        KvTxn tooBig = txn(List.of(), List.of(new KvTxn.Write("a", "1")),
                List.of(new KvTxn.Write("a", "x".repeat(600)), new KvTxn.Write("b", "x".repeat(600))));
        String problem = store.refusal(tooBig.encode(), storage.space());
        assertTrue(problem != null && problem.contains("regent.kv.max-bytes"), problem);
        KvTxn tooMany = txn(List.of(), List.of(new KvTxn.Write("a", "1"), new KvTxn.Write("b", "1"),
                new KvTxn.Write("c", "1"), new KvTxn.Write("d", "1")), List.of());
        problem = store.refusal(tooMany.encode(), storage.space());
        assertTrue(problem != null && problem.contains("regent.kv.max-keys"), problem);
    }

    private static List<String> keys(List<KeyValueStore.Item> items) {
        return items.stream().map(KeyValueStore.Item::key).toList();
    }
}
