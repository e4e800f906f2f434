package io.regent.history;

import io.regent.history.Operation.Outcome;
import io.regent.history.Request.Consistency;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryTest {

    private final AtomicLong clock = new AtomicLong();
    private final History history = new History(clock::incrementAndGet);

    @Test
    void concurrentClientsAreRecordedInOrderOfInvocation() throws InterruptedException {
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int client = c;
            clients.add(new Thread(() -> {
                for (int i = 0; i < 1_000; i++) {
                    History.Call call = history.invoke(client, Request.put("k" + client, "c" + client + "-" + i));
                    call.ok(Result.written(i + 1), -1);
                }
            }));
        }
        clients.forEach(Thread::start);
        for (Thread t : clients) {
            t.join();
        }
        List<Operation> ops = history.operations();
        assertEquals(4_000, ops.size());
        for (int i = 1; i < ops.size(); i++) {
            assertTrue(ops.get(i - 1).invokedNanos() < ops.get(i).invokedNanos());
        }
        assertTrue(ops.stream().allMatch(o -> o.respondedNanos() > o.invokedNanos() && o.outcome() == Outcome.OK));
        assertEquals(4, history.byKey().size());
        assertEquals(1_000, history.operations("k2").size());
        assertTrue(new LinearizabilityChecker().check(history).linearizable());
    }

    @Test
    void anOperationStillInFlightMayYetTakeEffect() {
        history.invoke(1, Request.put("k", "a")).ok(Result.written(1));
        history.invoke(2, Request.put("k", "b")); // never answered
        history.invoke(3, Request.read("k", Consistency.LINEARIZABLE)).ok(Result.present("b", 2));
        Operation inFlight = history.operations().get(1);
        assertEquals(Outcome.UNKNOWN, inFlight.outcome());
        assertEquals(Operation.IN_FLIGHT, inFlight.respondedNanos());
        assertNull(inFlight.result());
        assertTrue(new LinearizabilityChecker().check(history).linearizable());
    }

    @Test
    void aCallIsCompletedOnce() {
        History.Call call = history.invoke(1, Request.delete("k"));
        call.failed();
        assertThrows(IllegalStateException.class, call::unknown);
        assertEquals(Outcome.FAILED, history.operations().get(0).outcome());
    }

    @Test
    void anAnswerThatCannotAnswerTheRequestIsRefused() {
        History.Call call = history.invoke(1, Request.read("k", Consistency.COMMITTED));
        assertThrows(IllegalArgumentException.class, () -> call.ok(Result.written(1)));
        assertThrows(IllegalArgumentException.class, () -> Request.read("k", Consistency.MIN_SEQ));
        assertThrows(IllegalArgumentException.class, () -> Request.casPut("k", "v", -1));
    }
}
