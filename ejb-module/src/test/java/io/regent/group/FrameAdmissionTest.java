package io.regent.group;

import io.regent.upgrade.ProtocolVersion;
import io.regent.wire.Frame;
import io.regent.wire.FrameCodec;
import io.regent.wire.Malformed;
import io.regent.wire.PairKeys;
import io.regent.wire.ReplayMarks;
import io.regent.wire.Topic;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Signed frames that do not belong here are refused, naming why; the rest pass once (DESIGN.md §6). */
class FrameAdmissionTest {

    private static final byte[] GROUP_KEY = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    /** s4 holds the group's key but is not configured as a member of s2's group. */
    private static final List<String> KEYED = List.of("s1", "s2", "s3", "s4");

    private final FrameAdmission s2 = new FrameAdmission("regent", "s2", Set.of("s1", "s2", "s3"), codec("s2"), List.of());

    private static FrameCodec codec(String self) {
        return new FrameCodec(self, PairKeys.derive(GROUP_KEY, self, KEYED));
    }

    private static byte[] sealed(Topic topic, String group, String from, String to, long counter) {
        return codec(from).seal(new Frame(ProtocolVersion.CURRENT, topic, group, from, to, 1, counter, System.currentTimeMillis(), new byte[] {7}));
    }

    private String refusal(Topic on, byte[] frame) {
        return assertThrows(Malformed.class, () -> s2.admit(on, frame)).getMessage();
    }

    @Test
    void admitsFramesForItselfAndBroadcastsOnTheirOwnTopic() throws Malformed {
        assertEquals("s1", s2.admit(Topic.STREAM, sealed(Topic.STREAM, "regent", "s1", "s2", 1)).from());
        assertEquals("", s2.admit(Topic.CONTROL, sealed(Topic.CONTROL, "regent", "s3", "", 1)).to());
        assertEquals(Topic.DIRECT, s2.admit(Topic.DIRECT, sealed(Topic.DIRECT, "regent", "s1", "s2", 1)).topic());
        assertEquals(3, s2.transit(Topic.CONTROL).samples() + s2.transit(Topic.STREAM).samples()
                + s2.transit(Topic.DIRECT).samples());
    }

    @Test
    void refusesAFrameOnAnotherTopicThanItWasSealedFor() {
        assertEquals("a STREAM frame on the CONTROL topic",
                refusal(Topic.CONTROL, sealed(Topic.STREAM, "regent", "s1", "s2", 1)));
    }

    @Test
    void refusesAnotherGroupsFrame() {
        assertEquals("a frame of group other", refusal(Topic.CONTROL, sealed(Topic.CONTROL, "other", "s1", "", 1)));
    }

    @Test
    void refusesAServerThatIsNotAMember() {
        assertEquals("a frame from s4, not a member", refusal(Topic.CONTROL, sealed(Topic.CONTROL, "regent", "s4", "", 1)));
    }

    @Test
    void refusesABroadcastSentDirect() {
        assertEquals("a broadcast sent direct", refusal(Topic.DIRECT, sealed(Topic.DIRECT, "regent", "s1", "", 1)));
    }

    @Test
    void refusesAReplayedFrameButNotTheSameCounterOnAnotherTopic() throws Malformed {
        byte[] once = sealed(Topic.STREAM, "regent", "s1", "s2", 5);
        s2.admit(Topic.STREAM, once);
        assertEquals("a replayed or duplicated frame from s1", refusal(Topic.STREAM, once));
        // each topic counts its own frames
        s2.admit(Topic.CONTROL, sealed(Topic.CONTROL, "regent", "s1", "", 5));
    }

    /** A frame recorded before the receiver restarted is no newer after it: the kept marks say so. */
    @Test
    void aReplayAfterARestartIsRefusedFromTheMarksTheEarlierRunKept() throws Malformed {
        byte[] recorded = sealed(Topic.STREAM, "regent", "s1", "s2", 7);
        s2.admit(Topic.STREAM, recorded);
        s2.admit(Topic.CONTROL, sealed(Topic.CONTROL, "regent", "s3", "", 2));
        byte[] kept = ReplayMarks.encode(s2.marks());
        FrameAdmission restarted = new FrameAdmission("regent", "s2", Set.of("s1", "s2", "s3"), codec("s2"),
                ReplayMarks.decode(kept));
        assertEquals("a replayed or duplicated frame from s1",
                assertThrows(Malformed.class, () -> restarted.admit(Topic.STREAM, recorded)).getMessage());
        assertEquals("s1", restarted.admit(Topic.STREAM, sealed(Topic.STREAM, "regent", "s1", "s2", 8)).from(),
                "the sender's next frame is taken");
        FrameAdmission forgetful = new FrameAdmission("regent", "s2", Set.of("s1", "s2", "s3"), codec("s2"), List.of());
        assertEquals("s1", forgetful.admit(Topic.STREAM, recorded).from(), "without the marks the replay got in");
        assertEquals(List.of(new io.regent.wire.ReplayGuard.Mark("s3", Topic.CONTROL, 1, 2)),
                ReplayMarks.decode("s1 STREAM x 1\ns1 NEWTOPIC 1 1\ns3 CONTROL 1 2\n".getBytes(StandardCharsets.UTF_8)),
                "a line that is no mark is skipped");
    }

    @Test
    void refusesAFrameChangedAfterItWasSigned() {
        byte[] frame = sealed(Topic.CONTROL, "regent", "s1", "s2", 1);
        frame[5] ^= 1; // a byte of the body, after the magic
        assertThrows(Malformed.class, () -> s2.admit(Topic.CONTROL, frame));
    }
}
