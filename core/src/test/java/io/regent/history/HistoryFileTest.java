package io.regent.history;

import io.regent.history.Operation.Outcome;
import io.regent.history.Request.Consistency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.regent.history.LinearizabilityCheckerTest.failed;
import static io.regent.history.LinearizabilityCheckerTest.ok;
import static io.regent.history.LinearizabilityCheckerTest.unknown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryFileTest {

    private static final List<Operation> EVERY_KIND = List.of(
            ok(1, Request.put("k", "plain"), 0, 1.5, Result.written(1), 7),
            ok(2, Request.casPut("k", "tab\there, line\nthere, back\\slash\r", 1), 0.000001, 2, Result.written(2), 8),
            ok(3, Request.casPut("k", "-", 1), 1, 3, Result.conflict(2), 9),
            ok(1, Request.delete("k"), 3, 4, Result.deleted(2)),
            ok(2, Request.delete("k"), 4, 5, Result.ABSENT),
            ok(3, Request.casDelete("k", 0), 5, 6, Result.ABSENT),
            ok(1, Request.casDelete("k", 4), 6, 7, Result.conflict(0)),
            ok(2, Request.read("k", Consistency.LINEARIZABLE), 7, 8, Result.ABSENT, 9),
            ok(3, Request.read("k", Consistency.COMMITTED), 8, 9, Result.present("-", 2)),
            ok(1, Request.readMinSeq("k", 8), 9, 10, Result.present("tab\there, line\nthere, back\\slash\r", 2), 12),
            ok(2, Request.put("k", ""), 10, 11, Result.written(1)),
            ok(3, Request.put("k", "ünïcødé ✓"), 11, 12, Result.written(2)),
            unknown(1, Request.put("k", "lost?"), 12, 60_000.123456),
            failed(2, Request.casPut("k", "refused", 3), 13, 14),
            unknown(3, Request.read("k", Consistency.COMMITTED), 14, 15),
            new Operation(4, Request.delete("k"), 16_000_000, Operation.IN_FLIGHT, Outcome.UNKNOWN, null, -1));

    @Test
    void everyKindOfOperationRoundTrips() {
        String text = HistoryFile.format(EVERY_KIND);
        assertEquals(EVERY_KIND, HistoryFile.parse(text));
        assertEquals(EVERY_KIND.size() + 3, text.lines().count(), text); // a comment, the origin, the columns
    }

    @Test
    void aLineIsReadable() {
        List<String> lines = HistoryFile.format(EVERY_KIND).lines().toList();
        assertEquals("1\tk\tPUT\t-\tplain\t-\t-\t0.000000\t1.500000\tOK\twritten\t1\t-\t7", lines.get(3));
        assertEquals("3\tk\tCAS_PUT\t-\t\\-\t1\t-\t1.000000\t3.000000\tOK\tconflict\t2\t-\t9", lines.get(5));
        assertEquals("1\tk\tREAD\tMIN_SEQ\t-\t-\t8\t9.000000\t10.000000\tOK\tpresent\t2"
                + "\ttab\\there, line\\nthere, back\\\\slash\\r\t12", lines.get(12));
        assertTrue(lines.get(lines.size() - 1).contains("\t16.000000\tin-flight\tUNKNOWN\t"), lines.get(lines.size() - 1));
    }

    @Test
    void timesKeepTheirNanosecondsWhateverTheOrigin() {
        List<Operation> ops = List.of(
                new Operation(1, Request.put("k", "a"), -5_123_456_789L, -5_000_000_001L, Outcome.OK, Result.written(1), -1),
                new Operation(2, Request.put("k", "b"), 987_654_321_012L, 987_654_321_013L, Outcome.OK, Result.written(2), -1));
        assertEquals(ops, HistoryFile.parse(HistoryFile.format(ops)));
    }

    @Test
    void aKeptHistoryIsCheckedAgainWithTheSameVerdict(@TempDir Path dir) throws IOException {
        List<Operation> history = new SimulatedWorkload(11, 5, List.of("app/a"), 1_500).run();
        Path file = HistoryFile.keep(dir, "app/a", history);
        assertTrue(file.getFileName().toString().matches("history-app_a-[0-9a-f]+\\.tsv"), file.toString());
        List<Operation> back = HistoryFile.read(file);
        assertEquals(history, back);
        LinearizabilityChecker checker = new LinearizabilityChecker();
        assertTrue(checker.check(back).linearizable());
        assertEquals(history.size() + 3, Files.readAllLines(file).size());
    }

    @Test
    void aLineThatCannotBeReadIsNamed() {
        String text = HistoryFile.format(EVERY_KIND.subList(0, 2)) + "1\tk\tPUT\t-\tv\t-\t-\t1.0\t2.0\tOK\tgone\t1\t-\t-\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistoryFile.parse(text));
        assertTrue(e.getMessage().startsWith("line 6: no such result: gone"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HistoryFile.parse("1\tk\tPUT\n"));
    }
}
