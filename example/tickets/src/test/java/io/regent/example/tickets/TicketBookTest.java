package io.regent.example.tickets;

import io.regent.api.AppliedAt;
import io.regent.api.Epoch;
import io.regent.api.ReplicatedState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TicketBookTest {

    /** The state as Regent keeps it, in memory. */
    private static final class MapState implements ReplicatedState {
        final TreeMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);

        @Override
        public byte[] get(byte[] key) {
            return map.get(key);
        }

        @Override
        public void put(byte[] key, byte[] value) {
            map.put(key, value);
        }

        @Override
        public void delete(byte[] key) {
            map.remove(key);
        }

        @Override
        public List<Entry> scan(byte[] from, int limit) {
            List<Entry> page = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> e : map.tailMap(from, true).entrySet()) {
                if (page.size() == limit) {
                    break;
                }
                page.add(new Entry(e.getKey(), e.getValue()));
            }
            return page;
        }
    }

    private final MapState state = new MapState();
    private final TicketBook book = new TicketBook();
    private long seq;

    private Ticket issue(String request, String holder) {
        IssueTicket c = book.codec().decode(book.codec().encode(new IssueTicket(request, holder)));
        return book.apply(c, new AppliedAt(++seq, new Epoch(3, 1)), state);
    }

    @Test
    void numbersRiseByOneAndARetryGetsItsFirstTicket() {
        assertEquals(new Ticket(1, "ann", "r1", 1, "3.1", false), issue("r1", "ann"));
        assertEquals(new Ticket(2, "bob", "r2", 2, "3.1", false), issue("r2", "bob"));
        assertEquals(new Ticket(1, "ann", "r1", 1, "3.1", true), issue("r1", "ann"));
        assertEquals(2, TicketBook.issued(state));
        assertEquals("bob", TicketBook.find(state, 2).orElseThrow().holder());
        assertTrue(TicketBook.find(state, 3).isEmpty());
    }

    @Test
    void badCommandsAreRefusedBeforeAndAfterTheLog() {
        assertThrows(IllegalArgumentException.class, () -> new IssueTicket("", "ann"));
        assertThrows(IllegalArgumentException.class, () -> book.codec().decode(new byte[] {1, 2, 3}));
    }

    @Test
    void runsListInTheirOrder() {
        JobRuns runs = new JobRuns();
        for (int i = 0; i < 3; i++) {
            JobRun r = runs.codec().decode(runs.codec().encode(new JobRun("s" + i, "3.1", i * 10L, i * 10L + 5)));
            assertEquals(i + 1L, runs.apply(r, new AppliedAt(++seq, new Epoch(3, 1)), state));
        }
        assertEquals(List.of("s1", "s2"), JobRuns.list(state, 1, 10).stream().map(JobRun::server).toList());
        assertEquals(List.of("s0"), JobRuns.list(state, 0, 1).stream().map(JobRun::server).toList());
    }
}
