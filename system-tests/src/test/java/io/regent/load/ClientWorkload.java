package io.regent.load;

import io.regent.client.Item;
import io.regent.client.RegentClient;
import io.regent.client.RegentException;
import io.regent.it.LocalGroup;
import io.regent.it.Users;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Clients writing through the Java client library (module client): each thread writes unique
 * keys one after another to the servers themselves (no load balancer: the library finds the
 * master). Each key is written once by the application, so if it is ever found at a version
 * other than 1 a write was applied twice. It records the version each write was answered with,
 * and every failure the library gave up on.
 */
public final class ClientWorkload implements AutoCloseable {

    private final RegentClient client;
    private final String prefix;
    private final int threads;
    private final BooleanSupplier paused;
    private final ClientThreads workers = new ClientThreads("client-workload", 70_000);
    private final Map<String, Long> answered = new ConcurrentHashMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    /** @param paused while true the clients wait (as the other workload does while a server restarts) */
    public ClientWorkload(List<String> servers, String prefix, int threads, BooleanSupplier paused) {
        this.client = RegentClient.builder(servers.stream().map(URI::create).toArray(URI[]::new))
                .credentials(Users.WRITER, Users.password(Users.WRITER))
                .sslContext(LocalGroup.trustingSelfSigned()).deadline(Duration.ofSeconds(60)).build();
        this.prefix = prefix;
        this.threads = threads;
        this.paused = paused;
    }

    public ClientWorkload start() {
        workers.start(threads, t -> write(prefix + "-" + t + "-"));
        return this;
    }

    private void write(String keys) {
        for (long n = 1; workers.running(); n++) {
            while (paused.getAsBoolean() && workers.running()) {
                sleep();
            }
            String key = keys + n;
            try {
                Item written = client.put(key, "once-" + n);
                answered.put(key, written.version());
            } catch (RegentException e) {
                failures.add(key + ": " + e.getMessage());
            }
        }
    }

    /** Each key the library reported written, with the version it was answered with. */
    public Map<String, Long> answered() {
        return answered;
    }

    /** Writes the library gave up on. */
    public List<String> failures() {
        return failures;
    }

    public void stop() {
        workers.stop();
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
