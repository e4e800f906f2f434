package io.regent.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The replay guards' marks as a server keeps them on its disk: one line per sender and topic,
 * {@code sender topic incarnation counter}. Member ids hold no spaces.
 */
public final class ReplayMarks {

    private ReplayMarks() {
    }

    public static byte[] encode(Collection<ReplayGuard.Mark> marks) {
        StringBuilder b = new StringBuilder();
        for (ReplayGuard.Mark m : marks) {
            b.append(m.sender()).append(' ').append(m.topic().name()).append(' ').append(m.incarnation()).append(' ')
                    .append(m.counter()).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException if {@code kept} is not what {@link #encode} writes */
    public static List<ReplayGuard.Mark> decode(byte[] kept) {
        List<ReplayGuard.Mark> marks = new ArrayList<>();
        for (String line : new String(kept, StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(" ");
            if (f.length != 4) {
                throw new IllegalArgumentException("a replay mark is 'sender topic incarnation counter', got '" + line + "'");
            }
            try {
                marks.add(new ReplayGuard.Mark(f[0], Topic.valueOf(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a replay mark is 'sender topic incarnation counter', got '" + line + "'");
            }
        }
        return marks;
    }
}
