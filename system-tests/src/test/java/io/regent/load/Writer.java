package io.regent.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client workload: {@code clients} threads each write unique keys one after another, without
 * pause, through {@code target} (the load balancer), following a 307 to the master. A write that
 * fails (connection refused, 503, time-out) is retried with the same key and value until it is
 * acknowledged, as a client would: a PUT is idempotent. It remembers every key acknowledged 2xx
 * with its value, each write's latency, and when writes succeeded, to measure outages.
 */
public final class Writer implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().sslContext(io.regent.it.LocalGroup.trustingSelfSigned()).connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String target;
    private final String prefix;
    private final int clients;
    private final int valueBytes;
    private final long limitPerClient;
    private final ClientThreads threads;
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    /** Each acknowledged write's last attempt: when it was sent and when its 2xx came, ns. */
    private final ConcurrentLinkedQueue<long[]> successes = new ConcurrentLinkedQueue<>();
    private final Object gate = new Object();
    private volatile boolean paused;
    private final List<Long> latencyNanos = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, AtomicLong> retriedStatuses = new ConcurrentHashMap<>();
    private final List<String> rejected = new CopyOnWriteArrayList<>();

    /**
     * @param limitPerClient stop each client after this many acknowledged writes (Long.MAX_VALUE: until stopped)
     */
    public Writer(String target, String prefix, int clients, int valueBytes, long limitPerClient) {
        this.target = target;
        this.prefix = prefix;
        this.clients = clients;
        this.valueBytes = valueBytes;
        this.limitPerClient = limitPerClient;
        this.threads = new ClientThreads("writer-" + prefix, 30_000);
    }

    public Writer start() {
        threads.start(clients, this::run);
        return this;
    }

    /** Stops the clients after their current write and waits for them. */
    public void stop() {
        threads.halt();
        resume();
        threads.join();
    }

    /** Waits for clients with a limit to finish. */
    public void join() {
        threads.join();
    }

    @Override
    public void close() {
        stop();
    }

    public Map<String, String> acknowledged() {
        return acknowledged;
    }

    public long acknowledgedCount() {
        return acknowledged.size();
    }

    /** Latencies of acknowledged writes, ms (from the first try to the 2xx). */
    public List<Double> latenciesMillis() {
        synchronized (latencyNanos) {
            return latencyNanos.stream().map(n -> n / 1e6).toList();
        }
    }

    /** How often each answer that was retried came (0: no answer: refused, reset, timed out). */
    public Map<Integer, Long> retriedStatuses() {
        Map<Integer, Long> copy = new java.util.TreeMap<>();
        retriedStatuses.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Answers that were neither success nor worth retrying (4xx): each is a test failure. */
    public List<String> rejected() {
        return rejected;
    }

    /**
     * When the first write sent at or after {@code nanos} was acknowledged, or -1: after a kill,
     * the end of the client-visible outage (a 2xx already on its way at the kill does not count).
     */
    public long firstSuccessSentAfter(long nanos) {
        long first = -1;
        for (long[] s : successes) {
            if (s[0] >= nanos && (first < 0 || s[1] < first)) {
                first = s[1];
            }
        }
        return first;
    }

    /** The longest time between two acknowledgements (by when their 2xx came) after {@code nanos}, ms. */
    public long longestGapBetweenSuccessesMillis(long nanos) {
        return longestGapBetweenSuccessesMillis(nanos, Long.MAX_VALUE);
    }

    /** The longest time without an acknowledgement from {@code from} up to the first one at or after {@code to}, ms. */
    public long longestGapBetweenSuccessesMillis(long from, long to) {
        return gapsMillis(from, to).stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** Every time between two acknowledgements after {@code nanos} longer than {@code overMillis}, ms, in order. */
    public List<Long> gapsOverMillis(long overMillis, long nanos) {
        return gapsMillis(nanos, Long.MAX_VALUE).stream().filter(g -> g > overMillis).toList();
    }

    private List<Long> gapsMillis(long from, long to) {
        List<Long> done = new ArrayList<>();
        for (long[] s : successes) {
            if (s[1] >= from) {
                done.add(s[1]);
            }
        }
        Collections.sort(done);
        List<Long> gaps = new ArrayList<>();
        long last = from;
        for (long d : done) {
            gaps.add((d - last) / 1_000_000);
            last = d;
            if (d >= to) {
                break;
            }
        }
        return gaps;
    }

    /** Clients finish the write in hand, then wait; {@link #resume()} lets them go on. */
    public void pause() {
        paused = true;
    }

    public boolean paused() {
        return paused;
    }

    public void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    private void awaitUnpaused() {
        synchronized (gate) {
            while (paused && threads.running()) {
                try {
                    gate.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void run(int client) {
        String padding = "x".repeat(Math.max(0, valueBytes - 24));
        for (long i = 0; threads.running() && i < limitPerClient; i++) {
            awaitUnpaused();
            String key = prefix + "-c" + client + "-" + i;
            String value = "v" + i + "-" + padding;
            long started = System.nanoTime();
            for (int attempt = 0; threads.running(); attempt++) {
                long sent = System.nanoTime();
                int status = put(target + "/api/kv/" + key, value, 2);
                if (status / 100 == 2) {
                    long done = System.nanoTime();
                    acknowledged.put(key, value);
                    latencyNanos.add(done - started);
                    successes.add(new long[] {sent, done});
                    break;
                }
                if (status / 100 == 4) {
                    rejected.add(key + " -> " + status);
                    break;
                }
                // back off while the group fails over, as a well-behaved client does: 20, 40, 80, 100 ms
                retriedStatuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                sleep(Math.min(100, 20L << Math.min(attempt, 3)));
            }
        }
    }

    /** @return the final status, or 0 if the request failed on the way */
    private int put(String url, String value, int redirects) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", io.regent.it.Users.basic(io.regent.it.Users.WRITER))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"" + value + "\"}")).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 307 && redirects > 0) {
                return r.headers().firstValue("Location").map(l -> put(l, value, redirects - 1)).orElse(0);
            }
            return r.statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.halt();
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
