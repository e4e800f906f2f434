package io.regent.kv;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KvTxnTest {

    private static final KvTxn TXN = new KvTxn(
            List.of(new KvTxn.VersionIs("then", 3), new KvTxn.ValueIs("b", " 2:x else put "), new KvTxn.Exists("c", false)),
            List.of(new KvTxn.Write("a", "multi\nline: value "), new KvTxn.Write("else", null), new KvTxn.Write("e", "")),
            List.of(new KvTxn.Write("f", "12:")), null);

    @Test
    void everyPartSurvivesItsTextFormWhateverTheValuesHold() {
        assertEquals(TXN, KvTxn.decode(TXN.encode()));
        KvTxn once = TXN.once("token-1");
        assertEquals(once, KvTxn.decode(once.encode()));
        assertTrue(KvTxn.isTxn(TXN.encode()));
        assertTrue(KvTxn.isTxn(once.encode()));
        KvTxn empty = new KvTxn(List.of(), List.of(), List.of(), null);
        assertEquals(empty, KvTxn.decode(empty.encode()));
    }

    @Test
    void singleWritesAreNotTransactions() {
        assertFalse(KvTxn.isTxn(KvCommand.put("txn", "x", null).encode()));
        assertFalse(KvTxn.isTxn(KvCommand.put("a", "txn then else", null).once("t").encode()));
        assertFalse(KvTxn.isTxn("txnx then else"));
    }

    @Test
    void aMalformedFormIsRefusedNamingTheProblem() {
        for (String bad : List.of("txn", "txn then", "txn cv a then else", "txn cv a -1 then else", "txn cx a 1 then else",
                "txn then put a 5:ab else", "txn then put a x:ab else", "txn then put a 2147483647:ab else", "txn then up a else", "once txn then else")) {
            assertNotNull(assertThrows(IllegalArgumentException.class, () -> KvTxn.decode(bad), bad).getMessage());
        }
    }

    @Test
    void aKeyWrittenTwiceInOneBranchIsAProblem() {
        assertNull(TXN.problem());
        KvTxn twice = new KvTxn(List.of(), List.of(new KvTxn.Write("a", "1"), new KvTxn.Write("a", null)), List.of(), null);
        assertTrue(twice.problem().contains("a"), twice.problem());
    }

    @Test
    void theResultSurvivesItsTextForm() {
        KvTxnResult r = new KvTxnResult(true, List.of(new KvResult(KvResult.Outcome.WRITTEN, "a", 2),
                new KvResult(KvResult.Outcome.ABSENT, "b", 0)), false);
        assertEquals(r, KvTxnResult.decode(r.encode()));
        assertEquals(r.again(), KvTxnResult.decode(r.again().encode()));
        KvTxnResult none = new KvTxnResult(false, List.of(), false);
        assertEquals(none, KvTxnResult.decode(none.encode()));
    }
}
