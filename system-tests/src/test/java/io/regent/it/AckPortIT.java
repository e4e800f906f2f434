package io.regent.it;

import io.regent.load.Writer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.regent.it.LocalGroup.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acknowledgement port under attack (issue 33), on servers that take their followers'
 * acknowledgements straight over mutual TLS: a crowd of connections without the group's key,
 * each sending bytes that are no TLS handshake or nothing at all, is closed by the master,
 * while writes go on being acknowledged and the followers' acknowledgements go on arriving over
 * their own links, which the crowd never pushes out.
 */
@ExtendWith(GroupExtension.class)
@GroupExtension.Uses(SharedGroup.MEASURED)
@org.junit.jupiter.api.Order(13)
class AckPortIT {

    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final int ATTACKERS = 64;
    private static final int WRITES = 1_500;
    private static LocalGroup group;

    @BeforeAll
    static void directAcksGroup(LocalGroup measured) {
        group = measured;
    }

    @Test
    void strangersOnTheAcknowledgementPortNeitherGetInNorSlowTheMembersOut() throws Exception {
        // every caught-up server is ready in this group: the role port names the master
        assertTrue(await(SETTLE, () -> group.allCaughtUp() && group.soleMasterByRole(0) > 0), "a settled group");
        int master = group.soleMasterByRole(0);
        long before = directAcks(master);
        try (Writer warm = new Writer(group.balancerUrl(), "ack-port-warm", 2, 64, 50).start()) {
            warm.join();
        }
        assertTrue(directAcks(master) > before, "the followers' acknowledgements reach the master over their own links");

        List<Socket> attackers = new ArrayList<>();
        try {
            for (int i = 0; i < ATTACKERS; i++) {
                Socket s = new Socket();
                s.connect(group.ackAddress(master), 2_000);
                if (i % 2 == 0) { // half send a frame in plaintext, half hold the connection silent
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeInt(8);
                    out.write(new byte[8]);
                    out.flush();
                }
                attackers.add(s);
            }
            long during = directAcks(master);
            try (Writer writer = new Writer(group.balancerUrl(), "ack-port", 4, 64, WRITES / 4).start()) {
                writer.join();
                assertEquals(WRITES, writer.acknowledgedCount(), "writes acknowledged while strangers crowd the port");
            }
            long direct = directAcks(master) - during;
            assertTrue(direct >= WRITES, "only " + direct + " of at least " + WRITES
                    + " acknowledgements arrived over the members' links during the attack");
            for (Socket s : attackers) {
                s.setSoTimeout(15_000);
                assertTrue(closedByTheServer(s), "a stranger's connection was kept open");
            }
        } finally {
            for (Socket s : attackers) {
                s.close();
            }
        }
    }

    /** Acknowledgements the master took over direct links so far. */
    private static long directAcks(int master) {
        JsonObject status = group.status(master);
        assertTrue(status != null, "s" + master + " answers /api/group");
        return status.getJsonObject("hops").getJsonObject("directTransitMillis").getJsonNumber("samples").longValue();
    }

    /** Whether the server closed it: what it sent (a TLS alert at most) ends, or the connection was reset. */
    private static boolean closedByTheServer(Socket s) throws IOException {
        try {
            s.getInputStream().readAllBytes();
            return true;
        } catch (java.net.SocketTimeoutException kept) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }
}
