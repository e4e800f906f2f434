package io.regent.group;

import io.regent.host.LatencyStats;
import io.regent.wire.Frame;
import io.regent.wire.FrameCodec;
import io.regent.wire.Malformed;
import io.regent.wire.ReplayGuard;
import io.regent.wire.Topic;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The door every frame passes, from a topic or the direct port: its signature is checked, then
 * whether it belongs here (this group, a member, this server or every server, the topic it came
 * on, no broadcast sent direct) and whether it is new (DESIGN.md §6). It also times each frame's
 * transit, sender's send to receipt.
 */
final class FrameAdmission {

    private final String group;
    private final String self;
    private final Set<String> members;
    private final FrameCodec frames;
    private final Map<Topic, ReplayGuard> replays = new EnumMap<>(Topic.class);
    /** Sender's send to this server's receipt, per topic, ms (clocks of one host agree). */
    private final Map<Topic, LatencyStats> transit = new EnumMap<>(Topic.class);

    /** @param kept the replay marks an earlier run of this server kept ({@link #marks}) */
    FrameAdmission(String group, String self, Set<String> members, FrameCodec frames, List<ReplayGuard.Mark> kept) {
        this.group = group;
        this.self = self;
        this.members = Set.copyOf(members);
        this.frames = frames;
        for (Topic t : Topic.values()) {
            ReplayGuard guard = new ReplayGuard();
            guard.restore(kept.stream().filter(m -> m.topic() == t && this.members.contains(m.sender())).toList());
            replays.put(t, guard);
            transit.put(t, new LatencyStats(1_024));
        }
    }

    /** The newest frame accepted from each sender on each topic: what the next run must not take again. */
    List<ReplayGuard.Mark> marks() {
        List<ReplayGuard.Mark> marks = new ArrayList<>();
        replays.values().forEach(guard -> {
            synchronized (guard) {
                marks.addAll(guard.marks());
            }
        });
        return marks;
    }

    /** The frame, opened; throws, naming the problem, when it is forged, misdirected or replayed. */
    Frame admit(Topic topic, byte[] sealed) throws Malformed {
        Frame f = frames.open(sealed);
        transit.get(topic).add(System.currentTimeMillis() - f.sentAt());
        String problem = problem(topic, f);
        if (problem != null) {
            throw new Malformed(problem);
        }
        return f;
    }

    LatencyStats.Summary transit(Topic topic) {
        return transit.get(topic).summary();
    }

    /** Why a frame that is correctly signed must still be dropped, or null. */
    private String problem(Topic topic, Frame f) {
        if (f.topic() != topic) {
            return "a " + f.topic() + " frame on the " + topic + " topic";
        }
        if (!group.equals(f.group())) {
            return "a frame of group " + f.group();
        }
        if (!members.contains(f.from())) {
            return "a frame from " + f.from() + ", not a member";
        }
        if (!f.broadcast() && !f.to().equals(self)) {
            return "a frame for " + f.to();
        }
        if (topic == Topic.DIRECT && f.broadcast()) {
            return "a broadcast sent direct";
        }
        ReplayGuard guard = replays.get(topic);
        synchronized (guard) {
            if (!guard.accept(f)) {
                return "a replayed or duplicated frame from " + f.from();
            }
        }
        return null;
    }
}
