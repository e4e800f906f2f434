package io.regent.wire;

import io.regent.protocol.Epoch;
import io.regent.protocol.Message;
import io.regent.protocol.Role;
import io.regent.replication.Chunk;
import io.regent.replication.Entry;
import io.regent.replication.Pair;
import io.regent.replication.Position;
import io.regent.replication.StreamMessage;
import io.regent.upgrade.ProtocolVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every message through its binary form and back; frames that were tampered with, replayed or cut short are refused. */
class WireTest {

    private static final Epoch E = new Epoch(7, 2);
    private final ControlCodec control = new ControlCodec();
    private final StreamCodec stream = new StreamCodec();
    private static final List<String> MEMBERS = List.of("s1", "s2", "s3");
    private static final byte[] GROUP_KEY = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private static FrameCodec codec(String self) {
        return new FrameCodec(self, PairKeys.derive(GROUP_KEY, self, MEMBERS));
    }

    @Test
    void everyControlMessageComesBackAsItWent() throws Malformed {
        List<Message> all = List.of(new Message.Inquiry("s2", E, 41), new Message.Reply("s2", E, 41),
                new Message.Declaration("s2", E), new Message.Revocation("s2", E, "s3"),
                new Message.Probe("s2", E, 123_456_789L), new Message.ProbeEcho("s2", E, 5),
                new Message.Announcement("s2", E, Role.BACKUP, "https://h:9443", Map.of("s1", 4L, "s3", 19L), true),
                new Message.Announcement("s2", E, Role.MASTER, "https://h:9443", Map.of(), false, 201_002, 6_250_000L),
                new Message.Handover("s2", E, "s3"), new Message.Candidacy("s2", E), new Message.Support("s2", E, "s3"));
        for (Message m : all) {
            assertEquals(m, control.decode("s2", control.encode(m)), m.getClass().getSimpleName());
        }
    }

    @Test
    void everyStreamMessageComesBackAsItWent() throws Malformed {
        Position p = new Position(9, E);
        List<StreamMessage> all = List.of(
                new StreamMessage.Entries("s1", E, p, List.of(new Entry(10, E, "put k - ü v"), new Entry(11, E, "")), 3,
                        new Position(11, E), new Position(8, E)),
                new StreamMessage.Ack("s1", E, p), new StreamMessage.Fetch("s1", E, p, 4, true),
                new StreamMessage.SyncQuery("s1", E), new StreamMessage.SyncReport("s1", E, p),
                new StreamMessage.Tail("s1", E, p), new StreamMessage.Refusal("s1", E),
                new StreamMessage.Heartbeat("s1", E, 7, p), new StreamMessage.HeartbeatAck("s1", E, 7));
        for (StreamMessage m : all) {
            assertEquals(m, stream.decode("s1", stream.encode(m)), m.getClass().getSimpleName());
        }
        StreamMessage.SnapshotChunk chunk = new StreamMessage.SnapshotChunk("s1", E, p, 4,
                new Chunk(List.of(new Pair(new byte[] {1, 2}, new byte[] {3})), false), new Position(8, E));
        StreamMessage.SnapshotChunk back = (StreamMessage.SnapshotChunk) stream.decode("s1", stream.encode(chunk));
        assertEquals(chunk.at(), back.at());
        assertEquals(chunk.committed(), back.committed());
        assertArrayEquals(new byte[] {3}, back.chunk().pairs().get(0).value());
        StreamMessage.ChunkRequest next = (StreamMessage.ChunkRequest) stream.decode("s1",
                stream.encode(new StreamMessage.ChunkRequest("s1", E, 4, new byte[] {1, 2})));
        assertArrayEquals(new byte[] {1, 2}, next.afterKey());
    }

    @Test
    void aFrameOpensOnlyAsSealed() throws Malformed {
        Frame f = new Frame(ProtocolVersion.CURRENT, Topic.CONTROL, "regent", "s1", "s2", 3, 17, 1_000, control.encode(new Message.Declaration("s1", E)));
        byte[] sealed = codec("s1").seal(f);
        FrameCodec s2 = codec("s2");
        Frame back = s2.open(sealed);
        assertEquals(f.from(), back.from());
        assertEquals(f.to(), back.to());
        assertEquals(f.counter(), back.counter());
        assertArrayEquals(f.payload(), back.payload());
        for (int i = 0; i < sealed.length; i += 7) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 1;
            assertThrows(Malformed.class, () -> s2.open(tampered), "byte " + i);
        }
        FrameCodec otherKey = new FrameCodec("s2", PairKeys.derive("another-key-of-16-chars".getBytes(StandardCharsets.UTF_8),
                "s2", MEMBERS));
        assertThrows(Malformed.class, () -> otherKey.open(sealed));
        assertThrows(Malformed.class, () -> codec("s3").open(sealed), "a frame for s2 has no tag for s3");
        assertThrows(Malformed.class, () -> s2.open(Arrays.copyOf(sealed, 20)));
        byte[] newer = sealed.clone();
        newer[2] = ProtocolVersion.CURRENT + 1;
        UnspokenVersion refused = assertThrows(UnspokenVersion.class, () -> s2.open(newer));
        assertEquals(ProtocolVersion.CURRENT + 1, refused.version());
        assertEquals("s1", refused.claimedSender(), "the refusal names the sender the frame claims");
        byte[] older = sealed.clone();
        older[2] = ProtocolVersion.OLDEST - 1;
        assertEquals(ProtocolVersion.OLDEST - 1, assertThrows(UnspokenVersion.class, () -> s2.open(older)).version());
    }

    @Test
    void framesOfThePreviousVersionOpenAndAVersionCannotBeRewritten() throws Malformed {
        byte[] payload = control.encode(new Message.Declaration("s1", E));
        Frame previous = new Frame(ProtocolVersion.OLDEST, Topic.CONTROL, "regent", "s1", "s2", 3, 21, 1_000, payload);
        Frame current = new Frame(ProtocolVersion.CURRENT, Topic.CONTROL, "regent", "s1", "s2", 3, 22, 1_000, payload);
        FrameCodec s2 = codec("s2");
        assertEquals(ProtocolVersion.OLDEST, s2.open(codec("s1").seal(previous)).version());
        assertEquals(ProtocolVersion.CURRENT, s2.open(codec("s1").seal(current)).version());
        // version 3 signs its version: a frame of version 2 made to claim 3, or the reverse, is refused
        byte[] raised = codec("s1").seal(previous);
        raised[2] = (byte) ProtocolVersion.CURRENT;
        assertEquals("bad signature", assertThrows(Malformed.class, () -> s2.open(raised)).getMessage());
        byte[] lowered = codec("s1").seal(current);
        lowered[2] = (byte) ProtocolVersion.OLDEST;
        assertEquals("bad signature", assertThrows(Malformed.class, () -> s2.open(lowered)).getMessage());
        // nor can a frame of version 3 pass for one of version 2 whose body begins with the version
        // byte: the signed inputs differ in length (the body's first byte is no topic either)
        byte[] relabelled = relabelledWithVersionInBody(codec("s1").seal(current));
        assertThrows(Malformed.class, () -> s2.open(relabelled));
        Frame unspoken = new Frame(ProtocolVersion.CURRENT + 1, Topic.CONTROL, "regent", "s1", "s2", 3, 23, 1_000, payload);
        assertThrows(IllegalArgumentException.class, () -> codec("s1").seal(unspoken), "a build writes only what it speaks");
    }

    @Test
    void aBroadcastOpensForEveryMemberButNoMemberCanSignAsAnother() throws Malformed {
        Frame f = new Frame(ProtocolVersion.CURRENT, Topic.CONTROL, "regent", "s1", "", 3, 18, 1_000, control.encode(new Message.Declaration("s1", E)));
        byte[] sealed = codec("s1").seal(f);
        for (String member : MEMBERS) {
            assertEquals("s1", codec(member).open(sealed).from(), member);
        }
        // s3 holds its own pair keys only: a frame it makes up in s1's name, with s3's key for s2, is refused
        Map<String, byte[]> s3Keys = PairKeys.derive(GROUP_KEY, "s3", MEMBERS);
        FrameCodec forger = new FrameCodec("s1", Map.of("s1", s3Keys.get("s1"), "s2", s3Keys.get("s2"), "s3", s3Keys.get("s3")));
        Malformed m = assertThrows(Malformed.class, () -> codec("s2").open(forger.seal(f)));
        assertEquals("bad signature", m.getMessage());
        assertThrows(IllegalArgumentException.class, () -> codec("s3").seal(f), "a codec seals only its own frames");
    }

    /** A frame in a non-member's name left its body in the thread's digest, and the next genuine frame failed. */
    @Test
    void aFrameFromANonMemberLeavesNothingBehindForTheNextFrame() throws Malformed {
        Frame genuine = new Frame(ProtocolVersion.CURRENT, Topic.CONTROL, "regent", "s1", "s2", 3, 19, 1_000, control.encode(new Message.Declaration("s1", E)));
        Frame stranger = new Frame(ProtocolVersion.CURRENT, Topic.CONTROL, "regent", "s9", "s2", 3, 20, 1_000, control.encode(new Message.Declaration("s9", E)));
        FrameCodec outsider = new FrameCodec("s9", Map.of("s9", GROUP_KEY, "s2", GROUP_KEY));
        FrameCodec s2 = codec("s2");
        assertEquals("bad signature", assertThrows(Malformed.class, () -> s2.open(outsider.seal(stranger))).getMessage());
        Frame opened = s2.open(codec("s1").seal(genuine)); // refused as a bad signature before the fix
        assertEquals(19, opened.counter(), "the next genuine frame on the same thread opens");
    }

    /** {@code "RG" 2, length + 1, 3 body, tags}: the version-3 frame's signed bytes as a version-2 body. */
    private static byte[] relabelledWithVersionInBody(byte[] v3) {
        int length = java.nio.ByteBuffer.wrap(v3, 3, 4).getInt();
        byte[] out = new byte[v3.length + 1];
        out[0] = 'R';
        out[1] = 'G';
        out[2] = 2;
        java.nio.ByteBuffer.wrap(out, 3, 4).putInt(length + 1);
        out[7] = 3;
        System.arraycopy(v3, 7, out, 8, v3.length - 7);
        return out;
    }

    @Test
    void aReplayedOrDuplicatedFrameIsRefusedAndANewRunStartsAfresh() {
        ReplayGuard guard = new ReplayGuard();
        assertTrue(guard.accept(frame(5, 1)));
        assertTrue(guard.accept(frame(5, 2)));
        assertFalse(guard.accept(frame(5, 2)), "a duplicate");
        assertFalse(guard.accept(frame(5, 1)), "a replay");
        assertTrue(guard.accept(frame(6, 1)), "the sender restarted");
        assertFalse(guard.accept(frame(5, 3)), "a frame of its earlier run");
    }

    @Test
    void malformedPayloadsAreRefusedWithTheirProblem() {
        byte[] good = stream.encode(new StreamMessage.Entries("s1", E, new Position(1, E),
                List.of(new Entry(2, E, "put a - b")), 0, new Position(2, E), new Position(1, E)));
        for (int cut = 1; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThrows(Malformed.class, () -> stream.decode("s1", truncated), "cut at " + cut);
        }
        byte[] huge = good.clone();
        // the entry count claims two billion entries in a few bytes
        int countAt = 1 + 12 + 20 + 8 + 20 + 20;
        huge[countAt] = 0x7F;
        Malformed m = assertThrows(Malformed.class, () -> stream.decode("s1", huge));
        assertTrue(m.getMessage().contains("impossible count"), m.getMessage());
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(Malformed.class, () -> stream.decode("s1", longer), "a byte after the end");
        assertThrows(Malformed.class, () -> control.decode("s1", new byte[] {99, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1}));
    }

    private static Frame frame(long incarnation, long counter) {
        return new Frame(ProtocolVersion.CURRENT, Topic.STREAM, "regent", "s1", "", incarnation, counter, 0, new byte[0]);
    }
}
