package io.regent.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * Merges stream messages that wait together in a send queue without changing what receivers
 * see: consecutive broadcasts of writes become one message (in order, same epoch, each
 * following the last, up to a size), and consecutive acknowledgements to one master become the
 * last of them (they are cumulative). Under load this turns one message per write into one per
 * batch.
 */
public final class StreamBatching {

    private final long maxBytes;

    /** @param maxBytes most bytes of entries in one merged message, as they travel */
    public StreamBatching(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public List<ReplicaEffect.Send> coalesce(List<ReplicaEffect.Send> queued) {
        List<ReplicaEffect.Send> out = new ArrayList<>(queued.size());
        long lastBytes = 0;
        for (ReplicaEffect.Send next : queued) {
            long nextBytes = bytes(next);
            ReplicaEffect.Send merged = out.isEmpty() ? null : merge(out.get(out.size() - 1), next, lastBytes + nextBytes);
            if (merged != null) {
                out.set(out.size() - 1, merged);
                lastBytes += nextBytes;
            } else {
                out.add(next);
                lastBytes = nextBytes;
            }
        }
        return out;
    }

    /** One message saying what {@code a} then {@code b} say, or null if they cannot be merged. */
    private ReplicaEffect.Send merge(ReplicaEffect.Send a, ReplicaEffect.Send b, long mergedBytes) {
        if (a.to() == null && b.to() == null
                && a.message() instanceof StreamMessage.Entries x && b.message() instanceof StreamMessage.Entries y
                && !x.fill() && !y.fill() && x.epoch().equals(y.epoch()) && x.from().equals(y.from())
                && y.prev().equals(last(x)) && mergedBytes <= maxBytes) {
            List<Entry> entries = new ArrayList<>(x.entries());
            entries.addAll(y.entries());
            return new ReplicaEffect.Send(null, new StreamMessage.Entries(x.from(), x.epoch(), x.prev(), entries, 0,
                    y.upTo(), y.committed()));
        }
        boolean sameTarget = a.to() != null && a.to().equals(b.to());
        if (sameTarget && a.message() instanceof StreamMessage.Ack x && b.message() instanceof StreamMessage.Ack y
                && x.epoch().equals(y.epoch())) {
            return b;
        }
        return null;
    }

    private static long bytes(ReplicaEffect.Send s) {
        long sum = 0;
        if (s.message() instanceof StreamMessage.Entries e) {
            for (Entry x : e.entries()) {
                sum += Entry.messageBytes(Utf8.length(x.command()));
            }
        }
        return sum;
    }

    private static Position last(StreamMessage.Entries e) {
        return e.entries().isEmpty() ? e.prev() : e.entries().get(e.entries().size() - 1).position();
    }
}
