package io.regent.group;

import io.regent.host.GroupStatus;
import io.regent.host.LatencyStats;
import io.regent.host.MemberHost;
import io.regent.protocol.Effect;
import io.regent.protocol.Message;
import io.regent.replication.Entry;
import io.regent.replication.ReplicaEffect;
import io.regent.replication.StreamBatching;
import io.regent.replication.StreamMessage;
import io.regent.replication.Utf8;
import io.regent.upgrade.ProtocolVersion;
import io.regent.wire.ControlCodec;
import io.regent.wire.StreamCodec;
import io.regent.wire.Topic;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * Everything this server sends: the control and stream topics on the broker and, when addresses
 * are configured, acknowledgements straight to the master (DESIGN.md §4.4), each through a
 * {@link TopicPublisher} of its own, with their counters and timings for {@code /api/group}.
 */
final class Outbound implements MemberHost.Outbox, AutoCloseable {

    /** Acknowledgements wait in this queue only while another goes out: a little room is plenty. */
    private static final long DIRECT_QUEUE_BYTES = 1L << 20;

    private final ControlCodec controlCodec = new ControlCodec();
    private final StreamCodec streamCodec = new StreamCodec();
    private final TopicPublisher<ControlFrame> control;
    private final TopicPublisher<ReplicaEffect.Send> stream;
    /** Null, like {@link #direct}, when no acknowledgement addresses are configured. */
    private final DirectLinks directLinks;
    private final TopicPublisher<ReplicaEffect.Send> direct;
    /** The version this server writes at now (DESIGN.md §8.1). */
    private final IntSupplier wireVersion;

    /**
     * @param queueBytes   the most bytes each topic's queue holds
     * @param messageBytes the most bytes of entries one stream message carries
     * @param ackAddresses every member's acknowledgement port, or none
     * @param linkSockets  how the direct links connect, when there are ack addresses
     */
    Outbound(Fabric fabric, TopicPublisher.Sender sender, long queueBytes, long messageBytes,
            Map<String, InetSocketAddress> ackAddresses, LinkSockets linkSockets, ThreadFactory threads) {
        wireVersion = sender.wireVersion();
        control = new TopicPublisher<>(Topic.CONTROL, fabric.sender(Topic.CONTROL), queueBytes,
                new TopicPublisher.Format<>(c -> c.send().to(), c -> 64, c -> controlCodec.encode(c.send().message()),
                        l -> l, ControlFrame::version), sender);
        StreamBatching batching = new StreamBatching(messageBytes);
        TopicPublisher.Format<ReplicaEffect.Send> streamFormat = new TopicPublisher.Format<>(ReplicaEffect.Send::to,
                s -> weight(s.message()), s -> streamCodec.encode(s.message()), batching::coalesce);
        stream = new TopicPublisher<>(Topic.STREAM, fabric.sender(Topic.STREAM), queueBytes, streamFormat, sender);
        directLinks = ackAddresses.isEmpty() ? null : new DirectLinks(ackAddresses, sender.self(), linkSockets, threads);
        direct = directLinks == null ? null : new TopicPublisher<>(Topic.DIRECT, directLinks,
                Math.min(queueBytes, DIRECT_QUEUE_BYTES), streamFormat, sender);
    }

    /** A control message and the version it goes out at (0: the group's). */
    private record ControlFrame(Effect.Send send, int version) { }

    /**
     * While the group is below this build's version, each periodic announcement also goes out at
     * this build's version: servers of the previous release drop that copy, and every server of
     * the new one learns from it that this server speaks the new version (DESIGN.md §8.2). Not
     * the solicited ones and their answers: those would double again at every receiver.
     */
    @Override
    public void control(Effect.Send send) {
        control.offer(new ControlFrame(send, 0));
        if (send.to() == null && send.message() instanceof Message.Announcement a && !a.solicit()
                && wireVersion.getAsInt() < ProtocolVersion.CURRENT) {
            control.offer(new ControlFrame(send, ProtocolVersion.CURRENT));
        }
    }

    /** A follower's acknowledgement goes straight to its master when a link is up (DESIGN.md §4.4). */
    @Override
    public void stream(ReplicaEffect.Send send) {
        if (direct != null && send.message() instanceof StreamMessage.Ack && directLinks.ready(send.to())) {
            direct.offer(send);
        } else {
            stream.offer(send);
        }
    }

    @Override
    public void send() {
        control.sendQueued();
        stream.sendQueued();
        if (direct != null) {
            direct.sendQueued();
        }
    }

    /** Waits up to {@code millis} for the control topic's queue to go out (a master handing over on stop). */
    void flushControl(long millis) {
        control.flush(millis);
    }

    /** The publishers' timings, beside the receiving side's transit times. */
    GroupStatus.Hops hops(Function<Topic, LatencyStats.Summary> transit) {
        return new GroupStatus.Hops(control.queueWait(), control.sendTime(), transit.apply(Topic.CONTROL),
                stream.queueWait(), stream.sendTime(), transit.apply(Topic.STREAM),
                direct == null ? LatencyStats.Summary.NONE : direct.sendTime(), transit.apply(Topic.DIRECT));
    }

    /** Sent, failed, overflowed and queued summed over every publisher; {@code dropped} comes from the receiving side. */
    GroupStatus.Counters counters(long dropped) {
        List<TopicPublisher<?>> all = direct == null ? List.of(control, stream) : List.of(control, stream, direct);
        return new GroupStatus.Counters(all.stream().mapToLong(TopicPublisher::sent).sum(),
                all.stream().mapToLong(TopicPublisher::failures).sum(), dropped,
                all.stream().mapToLong(TopicPublisher::overflowed).sum(),
                all.stream().mapToLong(TopicPublisher::queuedBytes).sum());
    }

    @Override
    public void close() {
        control.close();
        stream.close();
        if (direct != null) {
            direct.close();
            directLinks.close();
        }
    }

    /** What a stream message weighs in its send queue: the bytes it carries. */
    private static long weight(StreamMessage m) {
        long bytes = 64;
        if (m instanceof StreamMessage.Entries e) {
            for (Entry x : e.entries()) {
                bytes += Entry.messageBytes(Utf8.length(x.command()));
            }
        } else if (m instanceof StreamMessage.SnapshotChunk c) {
            for (var p : c.chunk().pairs()) {
                bytes += p.messageBytes();
            }
        }
        return bytes;
    }
}
