package io.regent.membership;

import io.regent.protocol.Configuration;
import io.regent.protocol.Seat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A configuration as the log and the state hold it: lines of text, one per member after a header,
 * so an operator reading a dump sees who the group was.
 *
 * <pre>
 * configuration 3
 * retired s2 2
 * voter s1 1 https://s1:9443
 * learner s4 4 https://s4:9443
 * </pre>
 */
public final class ConfigurationCodec {

    private ConfigurationCodec() {
    }

    public static byte[] encode(Configuration c) {
        StringBuilder b = new StringBuilder("configuration ").append(c.version()).append('\n');
        b.append("retired-ids").append(join(c.retiredIds())).append('\n');
        b.append("retired-numbers").append(join(c.retiredNumbers())).append('\n');
        for (Seat s : c.seats()) {
            b.append(s.voter() ? "voter " : "learner ").append(s.id()).append(' ').append(s.number());
            if (!s.url().isEmpty()) {
                b.append(' ').append(s.url());
            }
            b.append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String join(Set<?> values) {
        return values.stream().map(v -> " " + v).collect(Collectors.joining());
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static Configuration decode(byte[] bytes) {
        List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
        if (lines.size() < 3) {
            throw new IllegalArgumentException("a configuration has a header and two lines of retired members");
        }
        String[] header = lines.get(0).split(" ");
        if (header.length != 2 || !header[0].equals("configuration")) {
            throw new IllegalArgumentException("a configuration begins 'configuration <version>'");
        }
        long version = number(header[1], "version");
        Set<String> retiredIds = new TreeSet<>(values(lines.get(1), "retired-ids"));
        Set<Integer> retiredNumbers = new TreeSet<>();
        for (String n : values(lines.get(2), "retired-numbers")) {
            retiredNumbers.add((int) number(n, "a retired member number"));
        }
        List<Seat> seats = new ArrayList<>();
        for (String line : lines.subList(3, lines.size())) {
            String[] f = line.split(" ");
            if (f.length < 3 || f.length > 4 || !(f[0].equals("voter") || f[0].equals("learner"))) {
                throw new IllegalArgumentException("a member is 'voter|learner <id> <number> [<url>]', got '" + line + "'");
            }
            seats.add(new Seat(f[1], (int) number(f[2], "a member number"), f.length == 4 ? f[3] : "",
                    f[0].equals("voter")));
        }
        return new Configuration(version, seats, retiredIds, retiredNumbers);
    }

    private static List<String> values(String line, String name) {
        List<String> f = new ArrayList<>(Arrays.asList(line.split(" ")));
        if (f.isEmpty() || !f.get(0).equals(name)) {
            throw new IllegalArgumentException("expected the line '" + name + " ...'");
        }
        return f.subList(1, f.size());
    }

    private static long number(String s, String what) {
        try {
            long n = Long.parseLong(s);
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(what + " is out of range: " + s);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is a number, got '" + s + "'", e);
        }
    }
}
