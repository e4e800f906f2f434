package io.regent.kv;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyValueStoreTest {

    private final KeyValueStore store = new KeyValueStore();

    private KvResult apply(KvCommand c) {
        return KvResult.decode(store.apply(c.encode()));
    }

    @Test
    void versionsCountWritesAndCompareAndSetChecksThem() {
        assertEquals(new KvResult(KvResult.Outcome.WRITTEN, "a", 1), apply(KvCommand.put("a", "x", 0L)));
        assertEquals(new KvResult(KvResult.Outcome.CONFLICT, "a", 1), apply(KvCommand.put("a", "y", 0L)));
        assertEquals(new KvResult(KvResult.Outcome.WRITTEN, "a", 2), apply(KvCommand.put("a", "y", 1L)));
        assertEquals(new KvResult(KvResult.Outcome.CONFLICT, "a", 2), apply(KvCommand.delete("a", 1L)));
        assertEquals("y", store.get("a").orElseThrow().value());
        assertEquals(new KvResult(KvResult.Outcome.DELETED, "a", 2), apply(KvCommand.delete("a", null)));
        assertEquals(new KvResult(KvResult.Outcome.ABSENT, "a", 0), apply(KvCommand.delete("a", null)));
        assertTrue(store.get("a").isEmpty());
    }

    @Test
    void anInvalidCommandChangesNothing() {
        apply(KvCommand.put("a", "x", null));
        String before = store.digest();
        assertEquals(KvResult.Outcome.INVALID, KvResult.decode(store.apply("{\"op\":\"explode\"}")).outcome());
        assertEquals(KvResult.Outcome.INVALID, KvResult.decode(store.apply("not json")).outcome());
        assertEquals(before, store.digest());
    }

    @Test
    void listsPageByKeyWithinAPrefix() {
        for (String k : List.of("a1", "b1", "b2", "b3", "c1")) {
            apply(KvCommand.put(k, k, null));
        }
        assertEquals(List.of("b1", "b2"), store.list("b", null, 2).stream().map(KeyValueStore.Item::key).toList());
        assertEquals(List.of("b3"), store.list("b", "b2", 2).stream().map(KeyValueStore.Item::key).toList());
        assertEquals(List.of("a1", "b1", "b2", "b3", "c1"), store.list("", null, 10).stream().map(KeyValueStore.Item::key).toList());
    }

    @Test
    void aSnapshotRestoresTheSameStateAndDigest() {
        for (int i = 0; i < 1_000; i++) {
            apply(KvCommand.put("k" + i, "v \"quoted\" é " + i, null));
        }
        apply(KvCommand.delete("k7", null));
        KeyValueStore copy = new KeyValueStore();
        copy.restore(store.snapshot());
        assertEquals(store.digest(), copy.digest());
        assertEquals(store.get("k5"), copy.get("k5"));
        assertNotEquals(new KeyValueStore().digest(), copy.digest());
    }

    @Test
    void theDigestDependsOnValuesAndVersionsNotOnHistoryOrder() {
        KeyValueStore other = new KeyValueStore();
        apply(KvCommand.put("a", "1", null));
        apply(KvCommand.put("b", "2", null));
        other.apply(KvCommand.put("b", "2", null).encode());
        other.apply(KvCommand.put("a", "1", null).encode());
        assertEquals(store.digest(), other.digest());
        other.apply(KvCommand.put("a", "1", null).encode()); // same value, version 2
        assertNotEquals(store.digest(), other.digest());
    }

    @Test
    void keysAndValuesAreCheckedBeforeTheyAreSequenced() {
        KeyRules rules = new KeyRules(8);
        assertNull(rules.keyProblem("user:42.name_x-~"));
        assertNotNull(rules.keyProblem(""));
        assertNotNull(rules.keyProblem("a/b"));
        assertNotNull(rules.keyProblem("x".repeat(257)));
        assertNull(rules.valueProblem("12345678"));
        assertTrue(rules.valueProblem("123456789").contains("regent.kv.max-value-bytes"));
        assertNotNull(rules.valueProblem(null));
    }
}
