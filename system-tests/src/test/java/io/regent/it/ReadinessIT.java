package io.regent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.regent.it.LocalGroup.SIZE;
import static io.regent.it.LocalGroup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code regent.health.readiness=member}, for Kubernetes (README, Operations): every caught-up
 * server is ready, so a rollout is not blocked by the backups, while {@code /role/master} still
 * names exactly one server for routing; a server that is down, or still catching up, is not ready.
 */
@ExtendWith(GroupExtension.class)
class ReadinessIT {

    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static LocalGroup group;

    @BeforeAll
    static void memberReadinessGroup(LocalGroup main) {
        main.down(); // the machine's two cores are for this group now
        Path dir = Path.of(System.getProperty("regent.it.dir", "target/it-group")).resolveSibling("readiness-group");
        group = new LocalGroup(dir, 9580, 62116, Map.of("REGENT_HEALTH_READINESS", "member"));
        group.up();
    }

    @AfterAll
    static void stop() {
        if (group != null) {
            group.close();
        }
    }

    @Test
    void everyCaughtUpMemberIsReadyAndTheRoleEndpointStillNamesOneMaster() {
        assertTrue(await(SETTLE, () -> allReady() && masters() == 1), "all three ready, one master by its role");
        int master = masterByRole();
        int backup = master % SIZE + 1;
        group.killNow(backup);
        assertTrue(await(Duration.ofSeconds(10), () -> !group.ready(backup)), "a dead server is not ready");
        assertTrue(group.ready(master) && group.role(master, "master"), "the master is unaffected");
        group.start(backup);
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

    private int masterByRole() {
        for (int i = 1; i <= SIZE; i++) {
            if (group.role(i, "master")) {
                return i;
            }
        }
        throw new AssertionError("no master by its role endpoint");
    }
}
