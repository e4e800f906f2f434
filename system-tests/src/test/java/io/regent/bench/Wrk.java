package io.regent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs wrk (Debian's package), the load generator both Regent and etcd are measured with, and reads
 * its report: requests per second, latency percentiles, and answers that were not 2xx or 3xx.
 */
final class Wrk {

    /** What one run measured: answers other than 2xx or 3xx are {@code errors}, counted in {@code requests}. */
    record Result(double perSecond, double p50Millis, double p99Millis, long errors, long requests) {

        /** Requests answered 2xx or 3xx. */
        long answered() {
            return requests - errors;
        }
    }

    private Wrk() {
    }

    /**
     * @param script a lua script among the test resources (wrk/...)
     * @param env    variables the script reads
     */
    static Result run(String url, String script, int connections, int seconds, Map<String, String> env)
            throws IOException, InterruptedException {
        return start(url, script, connections, seconds, env).result();
    }

    /** Starts wrk for {@code seconds} and returns at once, for load beside another measurement. */
    static Running start(String url, String script, int connections, int seconds, Map<String, String> env)
            throws IOException {
        Installed.require("wrk", "wrk");
        Path lua = Files.createTempFile("wrk", ".lua");
        try (var in = Wrk.class.getResourceAsStream("/wrk/" + script)) {
            Files.write(lua, in.readAllBytes());
        }
        int threads = Math.min(2, connections);
        ProcessBuilder pb = new ProcessBuilder(List.of("wrk", "-t", String.valueOf(threads), "-c",
                String.valueOf(connections), "-d", seconds + "s", "--latency", "-s", lua.toString(), url));
        pb.environment().putAll(env);
        return new Running(pb.redirectErrorStream(true).start(), lua, seconds);
    }

    /** A wrk run under way; {@link #close()} kills it if it was not waited for. */
    record Running(Process process, Path lua, int seconds) implements AutoCloseable {

        /** Waits for the run to end and reads its report. */
        Result result() throws IOException, InterruptedException {
            String out = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("wrk did not finish");
            }
            close();
            return new Result(number(out, "Requests/sec:\\s+([0-9.]+)"), millis(out, "50%"), millis(out, "99%"),
                    (long) number(out, "Non-2xx or 3xx responses:\\s+(\\d+)"), (long) number(out, "(\\d+) requests in"));
        }

        @Override
        public void close() throws IOException {
            process.destroyForcibly();
            Files.deleteIfExists(lua);
        }
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** A latency line of the distribution, e.g. {@code 99%   17.60ms}, in ms. */
    private static double millis(String out, String percentile) {
        Matcher m = Pattern.compile("\\s" + percentile + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            return -1;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }
}
