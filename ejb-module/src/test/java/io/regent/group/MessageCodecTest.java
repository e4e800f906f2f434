package io.regent.group;

import io.regent.protocol.Epoch;
import io.regent.protocol.Message;
import io.regent.protocol.Role;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group messages survive the wire; anything else is refused with a reason, never half-read. */
class MessageCodecTest {

    private final MessageCodec codec = new MessageCodec("g");

    @Test
    void everyMessageTypeRoundTrips() throws Exception {
        Epoch e = new Epoch(4, 2);
        List<Message> all = List.of(
                new Message.Inquiry("s1", e, 9), new Message.Reply("s2", e, 9), new Message.Declaration("s2", e),
                new Message.Revocation("s1", e, "s3"), new Message.Probe("s3", e, 123), new Message.ProbeEcho("s1", e, 123),
                new Message.Handover("s2", e, "s1"),
                new Message.Announcement("s3", e, Role.BACKUP, "http://x", Map.of("s1", 4L, "s2", 7L), true));
        for (Message m : all) {
            assertEquals(m, codec.decode(codec.encode(m)));
        }
    }

    @Test
    void malformedOrForeignMessagesAreRefusedWithAReason() {
        assertRefused("not json", "not a JSON object");
        assertRefused("{\"v\":2,\"group\":\"g\"}", "unsupported version");
        assertRefused("{\"v\":1,\"group\":\"other\"}", "message of another group");
        assertRefused("{\"v\":1,\"group\":\"g\",\"type\":\"Inquiry\",\"from\":\"s1\",\"term\":1,\"index\":1}",
                "field seq must be a whole number");
        assertRefused("{\"v\":1,\"group\":\"g\",\"type\":\"Nuke\",\"from\":\"s1\",\"term\":1,\"index\":1}",
                "unknown type Nuke");
        assertRefused("{\"v\":1,\"group\":\"g\",\"type\":\"Declaration\",\"from\":7,\"term\":1,\"index\":1}",
                "field from must be a string");
        assertRefused("x".repeat(70_000), "empty or oversized message");
    }

    @Test
    void aSignatureOnlyVerifiesForTheSameBodyAndKey() {
        MessageSigner signer = new MessageSigner("0123456789abcdef".getBytes());
        String body = codec.encode(new Message.Declaration("s1", new Epoch(1, 1)));
        String sig = signer.sign(body);
        assertTrue(signer.verify(body, sig));
        assertFalse(signer.verify(body.replace("\"term\":1", "\"term\":9"), sig));
        assertFalse(new MessageSigner("another-key-entirely".getBytes()).verify(body, sig));
        assertFalse(signer.verify(body, null));
    }

    private void assertRefused(String text, String reason) {
        Malformed e = assertThrows(Malformed.class, () -> codec.decode(text));
        assertEquals(reason, e.getMessage());
    }
}
