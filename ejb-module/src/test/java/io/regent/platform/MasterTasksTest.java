package io.regent.platform;

import io.regent.api.NotMasterException;
import io.regent.host.MemberHost;
import io.regent.host.NotOpenReason;
import io.regent.protocol.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mastership.executor(): refused off the master, cancelled (running or queued) on revocation. */
class MasterTasksTest {

    private static final io.regent.protocol.Epoch E1 = new io.regent.protocol.Epoch(3, 1);

    @Test
    void tasksRunOnTheMasterAndAreCancelledWhenItsEpochIsRevoked() throws Exception {
        AtomicReference<MemberHost.Snapshot> member = new AtomicReference<>(
                RoleTransitionsTest.notOpen(Role.BACKUP, E1, "s2", NotOpenReason.NOT_MASTER));
        try (RoleEvents events = new RoleEvents("s1", member::get, e -> { }, Thread::new)) {
            MastershipState state = events.state();
            RejectedExecutionException refused = assertThrows(RejectedExecutionException.class,
                    () -> state.executor().submit(() -> { }));
            assertInstanceOf(NotMasterException.class, refused.getCause());

            member.set(RoleTransitionsTest.open(E1));
            events.changed();
            assertTrue(state.awaitMaster(Duration.ofSeconds(5)));
            assertEquals("ran", state.executor().submit(() -> "ran").get(5, TimeUnit.SECONDS));

            CountDownLatch running = new CountDownLatch(MastershipState.TASK_THREADS);
            CountDownLatch never = new CountDownLatch(1);
            Future<?>[] busy = new Future<?>[MastershipState.TASK_THREADS];
            for (int i = 0; i < busy.length; i++) {
                busy[i] = state.executor().submit(() -> {
                    running.countDown();
                    never.await(); // until interrupted
                    return null;
                });
            }
            assertTrue(running.await(5, TimeUnit.SECONDS), "every pool thread is busy");
            Future<String> queued = state.executor().submit(() -> "too late");

            member.set(RoleTransitionsTest.notOpen(Role.MASTER, E1, "s1", NotOpenReason.NO_QUORUM));
            events.changed();
            for (Future<?> f : busy) {
                assertThrows(CancellationException.class, () -> f.get(5, TimeUnit.SECONDS), "a running task is cancelled");
            }
            assertThrows(CancellationException.class, () -> queued.get(5, TimeUnit.SECONDS), "so is a queued one");
        }
    }

    @Test
    void aTaskThatFailsReportsItsFailureToItsCaller() throws Exception {
        AtomicReference<MemberHost.Snapshot> member = new AtomicReference<>(RoleTransitionsTest.open(E1));
        try (RoleEvents events = new RoleEvents("s1", member::get, e -> { }, Thread::new)) {
            events.changed();
            assertTrue(events.state().awaitMaster(Duration.ofSeconds(5)));
            Future<?> failing = events.state().executor().submit(() -> {
                throw new IllegalStateException("the task's own failure");
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(5, TimeUnit.SECONDS));
            assertEquals("the task's own failure", e.getCause().getMessage());
        }
    }
}
