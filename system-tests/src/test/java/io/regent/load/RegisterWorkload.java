package io.regent.load;

import io.regent.history.History;
import io.regent.history.Request;
import io.regent.history.Result;
import io.regent.it.LocalGroup;
import io.regent.it.Users;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients of a few keys, each operation recorded in a {@link History} for the
 * linearizability checker: puts of unique values, compare-and-sets on the version a client last
 * saw, deletes, and reads at each consistency. Writes and linearizable and default reads go through
 * the load balancer; {@code min-seq} reads go to a server picked at random, naming the client's
 * last acknowledged position, so that backups answer them too. An answer that cannot say whether a
 * write applied (no answer, a time-out, HAProxy's 502 or 504, a 503 marked in doubt) is recorded
 * as unknown; one that says it did not (a 307 from a backup, a 503 before sequencing) as failed.
 */
public final class RegisterWorkload implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().sslContext(LocalGroup.trustingSelfSigned())
            .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final String balancer;
    private final List<String> servers;
    private final List<String> keys;
    private final int clients;
    private final long seed;
    private final History history = new History();
    private final ClientThreads threads = new ClientThreads("register", 30_000);
    private final Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param balancer the load balancer's URL
     * @param servers  each server's URL, for {@code min-seq} reads
     * @param keys     the keys every client works on
     */
    public RegisterWorkload(String balancer, List<String> servers, List<String> keys, int clients, long seed) {
        this.balancer = balancer;
        this.servers = servers;
        this.keys = keys;
        this.clients = clients;
        this.seed = seed;
    }

    public RegisterWorkload start() {
        threads.start(clients, client -> new Client(client, new Random(seed * 31 + client)).run());
        return this;
    }

    /** Stops the clients after their current operation and waits for them. */
    public void stop() {
        threads.stop();
    }

    @Override
    public void close() {
        stop();
    }

    public History history() {
        return history;
    }

    /** How many operations were answered with each HTTP status, by kind ("PUT 201", "READ 503", "PUT none"). */
    public Map<String, AtomicLong> statuses() {
        return statuses;
    }

    /** Answers no correct server gives (a 400, a 500, a body that does not parse): each fails the test. */
    public List<String> unexpected() {
        return unexpected;
    }

    private final class Client {
        private final int id;
        private final Random rng;
        private final Map<String, Long> lastVersion = new java.util.HashMap<>();
        private long lastSeq = 0;
        private long written;

        Client(int id, Random rng) {
            this.id = id;
            this.rng = rng;
        }

        void run() {
            while (threads.running()) {
                String key = keys.get(rng.nextInt(keys.size()));
                long seen = lastVersion.getOrDefault(key, 0L);
                int dice = rng.nextInt(100);
                Request request;
                if (dice < 25) {
                    request = Request.put(key, value());
                } else if (dice < 40) {
                    request = Request.casPut(key, value(), seen);
                } else if (dice < 44) {
                    request = Request.delete(key);
                } else if (dice < 47) {
                    request = Request.casDelete(key, seen);
                } else if (dice < 67) {
                    request = Request.read(key, Request.Consistency.LINEARIZABLE);
                } else if (dice < 87) {
                    request = Request.read(key, Request.Consistency.COMMITTED);
                } else {
                    request = Request.readMinSeq(key, lastSeq);
                }
                perform(request);
            }
        }

        private String value() {
            return "c" + id + "-" + (++written);
        }

        private void perform(Request request) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(request)).timeout(TIMEOUT);
            switch (request.kind()) {
                case PUT, CAS_PUT -> b.header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"" + request.value() + "\"}"));
                case DELETE, CAS_DELETE -> b.DELETE();
                case READ -> b.GET();
            }
            if (request.kind().isConditional()) {
                b.header("If-Match", "\"" + request.expectedVersion() + "\"");
            }
            b.header("Authorization", Users.basic(request.kind().isWrite() ? Users.WRITER : Users.READER));
            History.Call call = history.invoke(id, request);
            HttpResponse<String> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                count(request, "none");
                if (request.kind().isWrite()) {
                    call.unknown();
                } else {
                    call.failed();
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                call.unknown();
                return;
            }
            count(request, r.statusCode() == 404 && !noSuchKey(r) ? "404-not-regent" : String.valueOf(r.statusCode()));
            try {
                record(request, call, r);
            } catch (RuntimeException e) {
                unexpected.add(request.describe() + " answered " + r.statusCode() + " " + r.body() + ": " + e);
                call.unknown();
            }
        }

        private URI uri(Request request) {
            String path = "/api/kv/" + request.key();
            if (request.kind() != Request.Kind.READ) {
                return URI.create(balancer + path);
            }
            return URI.create(switch (request.consistency()) {
                case LINEARIZABLE -> balancer + path + "?consistency=linearizable";
                case COMMITTED -> balancer + path;
                case MIN_SEQ -> servers.get(rng.nextInt(servers.size())) + path + "?min-seq=" + request.minSeq();
            });
        }

        private void record(Request request, History.Call call, HttpResponse<String> r) {
            int status = r.statusCode();
            long seq = r.headers().firstValue(request.kind().isWrite() ? "Regent-Seq" : "Regent-Applied")
                    .map(h -> Long.parseLong(h.split("@")[0])).orElse(-1L);
            if (request.kind() == Request.Kind.READ) {
                if (status == 200) {
                    JsonObject item = LocalGroup.json(r.body());
                    long version = item.getJsonNumber("version").longValue();
                    lastVersion.put(request.key(), version);
                    call.ok(Result.present(item.getString("value"), version), seq);
                } else if (status == 404 && noSuchKey(r)) {
                    lastVersion.put(request.key(), 0L);
                    call.ok(Result.ABSENT, seq);
                } else if (status == 404 || status == 503 || status == 307 || status == 502 || status == 504) {
                    // the web container before Regent is deployed on a restarting server, no master,
                    // min-seq not reached in time, or a backup asked to vouch
                    call.failed();
                } else {
                    throw new IllegalStateException("a read answered " + status);
                }
                return;
            }
            if (status == 200 || status == 201) {
                long version = LocalGroup.json(r.body()).getJsonNumber("version").longValue();
                lastSeq = Math.max(lastSeq, seq);
                if (request.kind().writesValue()) {
                    lastVersion.put(request.key(), version);
                    call.ok(Result.written(version), seq);
                } else {
                    lastVersion.put(request.key(), 0L);
                    call.ok(Result.deleted(version), seq);
                }
            } else if (status == 412) {
                long current = LocalGroup.json(r.body()).getJsonNumber("currentVersion").longValue();
                lastVersion.put(request.key(), current);
                call.ok(Result.conflict(current), seq);
            } else if (status == 404 && !request.kind().writesValue() && noSuchKey(r)) {
                lastVersion.put(request.key(), 0L);
                call.ok(Result.ABSENT, seq);
            } else if (status == 404) {
                call.unknown(); // not Regent's answer: the web container of a server starting or stopping
            } else if (status == 307) {
                call.failed(); // a backup: it sequences nothing
            } else if (status == 503) {
                JsonObject problem = LocalGroup.json(r.body());
                if (problem.getBoolean("inDoubt", false)) {
                    call.unknown();
                } else {
                    call.failed(); // refused before it was sequenced: no master open, or busy
                }
            } else if (status == 502 || status == 504) {
                call.unknown(); // HAProxy: the master's answer was cut short, or late
            } else {
                throw new IllegalStateException("a write answered " + status);
            }
        }
    }

    /** Regent's own 404 for a missing key; the web container's (no application deployed yet) is none. */
    private static boolean noSuchKey(HttpResponse<String> r) {
        try {
            return "no such key".equals(LocalGroup.json(r.body()).getString("error", null));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void count(Request request, String status) {
        statuses.computeIfAbsent(request.kind() + " " + status, k -> new AtomicLong()).incrementAndGet();
    }
}
