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

    /**
     * The marks {@code kept} holds. A line that is no mark (a topic a newer build added, say) is
     * skipped: a mark lost only lets a frame recorded before the restart in once.
     */
    public static List<ReplayGuard.Mark> decode(byte[] kept) {
        List<ReplayGuard.Mark> marks = new ArrayList<>();
        for (String line : new String(kept, StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.split(" ");
            if (f.length != 4) {
                continue;
            }
            try {
                marks.add(new ReplayGuard.Mark(f[0], Topic.valueOf(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
            } catch (IllegalArgumentException notAMark) {
                // skipped, as above
            }
        }
        return marks;
    }
}
