package io.regent.it;

import io.regent.load.Writer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code regent.health.readiness=member}, for Kubernetes (README, Operations): every caught-up
 * server is ready, so a rollout is not blocked by the backups, while {@code /role/master} still
 * names exactly one server for routing; a server that is still catching up is not ready. The
 * restarted backup is watched from its first answer: it must be seen behind and not ready, and
 * never ready while its copy is not current.
 */
@ExtendWith(GroupExtension.class)
@GroupExtension.Uses(SharedGroup.MEASURED)
@org.junit.jupiter.api.Order(12)
class ReadinessIT {

    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static LocalGroup group;

    @BeforeAll
    static void memberReadinessGroup(LocalGroup measured) {
        group = measured;
    }

    /** One look at the restarting server: its readiness, then whether its copy is current. */
    private record Look(boolean ready, Boolean current, long appliedSeq) { }

    @Test
    void aMemberIsReadyOnlyOnceCaughtUpAndTheRoleEndpointStillNamesOneMaster() throws Exception {
        assertTrue(await(SETTLE, () -> allReady() && masters() == 1), "all three ready, one master by its role");
        int master = group.soleMasterByRole(0);
        int backup = master % SIZE + 1;
        group.killNow(backup);
        assertTrue(await(Duration.ofSeconds(10), () -> !group.ready(backup)), "a dead server is not ready");
        // a backlog the backup must fetch when it comes back
        try (Writer writer = new Writer(group.balancerUrl(), "readiness", 16, 64, 750).start()) {
            writer.join();
            assertEquals(12_000, writer.acknowledgedCount(), "writes while s" + backup + " was down");
        }
        assertTrue(group.ready(master) && group.role(master, "master"), "the master is unaffected");
        CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> group.start(backup));
        List<Look> looks = new ArrayList<>();
        while (!starting.isDone() || looks.isEmpty() || !looks.get(looks.size() - 1).ready()) {
            boolean ready = group.ready(backup);
            JsonObject r = group.replication(backup);
            if (r != null) {
                looks.add(new Look(ready, r.getBoolean("current"), r.getJsonNumber("appliedSeq").longValue()));
            }
            assertTrue(looks.size() < 20_000 && !starting.isCompletedExceptionally(), "s" + backup + " restarts");
            Thread.sleep(20);
        }
        starting.get();
        List<Look> readyBehind = looks.stream().filter(l -> l.ready() && !l.current()).toList();
        assertTrue(readyBehind.isEmpty(), "ready while its copy was not current: " + readyBehind);
        List<Look> behind = looks.stream().filter(l -> !l.current()).toList();
        System.out.printf("ReadinessIT: s%d seen %d times while restarting, %d of them catching up (not ready), "
                + "from position %d%n", backup, looks.size(), behind.size(), looks.get(0).appliedSeq());
        assertTrue(!behind.isEmpty(), "s" + backup + " was seen catching up, and not ready then: " + looks.subList(0,
                Math.min(5, looks.size())));
        assertTrue(await(SETTLE, this::allReady), "the restarted backup is ready once it caught up");
        assertTrue(group.role(backup, "member"), "and its role endpoint says it serves reads");
        assertEquals(1, masters(), "still one master");
    }

    private boolean allReady() {
        for (int i = 1; i <= SIZE; i++) {
            if (!group.ready(i)) {
                return false;
            }
        }
        return true;
    }

    private int masters() {
        int n = 0;
        for (int i = 1; i <= SIZE; i++) {
            n += group.role(i, "master") ? 1 : 0;
        }
        return n;
    }
}
