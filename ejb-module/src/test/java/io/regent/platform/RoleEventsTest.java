package io.regent.platform;

import io.regent.api.Epoch;
import io.regent.api.MasterGranted;
import io.regent.api.MasterRevoked;
import io.regent.host.MemberHost;
import io.regent.host.NotOpenReason;
import io.regent.protocol.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delivery on a thread of its own, the state observers see, and master-only work stopped on revocation. */
class RoleEventsTest {

    private static final io.regent.protocol.Epoch E1 = new io.regent.protocol.Epoch(3, 1);

    @Test
    void observersSeeTheStateTheEventAnnouncesAndRunningWorkIsInterruptedOnRevocation() throws Exception {
        AtomicReference<MemberHost.Snapshot> member = new AtomicReference<>(
                RoleTransitionsTest.notOpen(Role.BACKUP, E1, "s2", NotOpenReason.NOT_MASTER));
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicReference<MastershipState> state = new AtomicReference<>();
        CountDownLatch revoked = new CountDownLatch(1);
        try (RoleEvents events = new RoleEvents("s1", member::get, e -> {
            seen.add(e.getClass().getSimpleName() + " master=" + state.get().isMaster());
            if (e instanceof MasterRevoked) {
                revoked.countDown();
            }
        }, Thread::new)) {
            state.set(events.state());
            assertFalse(events.state().enter(), "no master-only work off the master");
            member.set(RoleTransitionsTest.open(E1));
            events.changed();
            assertTrue(events.state().awaitMaster(Duration.ofSeconds(5)));
            assertEquals(new Epoch(3, 1), events.state().granted().orElseThrow());

            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Boolean> interrupted = new AtomicReference<>(false);
            AtomicReference<Boolean> entered = new AtomicReference<>(false);
            Thread work = new Thread(() -> {
                entered.set(events.state().enter());
                started.countDown();
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                } finally {
                    events.state().exit();
                }
            });
            work.start();
            assertTrue(started.await(5, TimeUnit.SECONDS));
            assertTrue(entered.get(), "master-only work starts on the master");
            member.set(RoleTransitionsTest.notOpen(Role.MASTER, E1, "s1", NotOpenReason.NO_QUORUM));
            assertFalse(events.state().isMaster(), "false at once, before the event is even delivered");
            events.changed();
            assertTrue(revoked.await(5, TimeUnit.SECONDS));
            work.join(5_000);
            assertTrue(interrupted.get(), "the master-only work was told to stop");
        }
        assertEquals(List.of(MasterGranted.class.getSimpleName() + " master=true",
                MasterRevoked.class.getSimpleName() + " master=false"), seen);
    }
}
