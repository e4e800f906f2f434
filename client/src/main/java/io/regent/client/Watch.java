package io.regent.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A running watch of the keys under a prefix (from {@link RegentClient#watch}): a thread of its
 * own keeps the master's Server-Sent Events stream open and hands each change to the listener,
 * in order. When the stream ends or breaks (a failover, a stalled server) it reconnects to the
 * master with {@code Last-Event-ID} set to the last position received, so the listener gets every
 * committed change once: none missed, none repeated. A transaction's changes reach the listener
 * together, once the last of them has arrived. A stream silent for longer than two of the
 * server's heartbeats is taken for a hung server and dropped. Ends by {@link #close}, or when the
 * server says the position is no longer retained ({@link #failure}).
 */
public final class Watch implements AutoCloseable {

    private static final Duration SILENCE = Duration.ofSeconds(25);

    private final HttpClient http;
    private final Route route;
    private final String authorization;
    private final String query;
    private final Consumer<Change> listener;
    private final Thread reader;
    private final Thread watchdog;
    private volatile long position;
    private volatile int streams;
    private volatile boolean running = true;
    private volatile InputStream current;
    private volatile long lastHeard = System.nanoTime();
    private volatile String failure;
    /** The changes of a transaction received so far, handed over once its last (with the id) arrives. */
    private final java.util.List<Change> held = new java.util.ArrayList<>();

    Watch(HttpClient http, Route route, String authorization, String query, long after, Consumer<Change> listener) {
        this.http = http;
        this.route = route;
        this.authorization = authorization;
        this.query = query;
        this.position = after;
        this.listener = listener;
        this.reader = new Thread(this::run, "regent-watch");
        this.watchdog = new Thread(this::guard, "regent-watch-watchdog");
        reader.setDaemon(true);
        watchdog.setDaemon(true);
        reader.start();
        watchdog.start();
    }

    /** The last position received: every change up to it has been handed to the listener. */
    public long position() {
        return position;
    }

    /** Streams opened so far, the first included: one more per failover or reconnect. */
    public int streams() {
        return streams;
    }

    /** Why the watch stopped by itself (the position left the server's retained log), or null. */
    public String failure() {
        return failure;
    }

    @Override
    public void close() {
        running = false;
        closeStream();
        reader.interrupt();
        watchdog.interrupt();
    }

    private void run() {
        long pause = 50;
        while (running) {
            URI target = route.target();
            if (stream(target)) {
                pause = 50;
                continue;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            pause = Math.min(1_000, pause * 2);
        }
    }

    /** One stream from {@code target}, to its end; false if the target did not serve it. */
    private boolean stream(URI target) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(query)).GET()
                .header("Accept", "text/event-stream");
        if (position >= 0) {
            request.header("Last-Event-ID", Long.toString(position)); // -1: from now, until the first event says where
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<InputStream> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            route.failed(target);
            return false;
        } catch (InterruptedException e) {
            running = false;
            return false;
        }
        if (r.statusCode() != 200) {
            String body = drain(r.body());
            if (r.statusCode() == 307) {
                boolean followed = r.headers().firstValue("Location").map(l -> RegentClient.root(URI.create(l)))
                        .filter(route::masterIs).isPresent();
                if (!followed) {
                    route.failed(target); // a redirect beyond the configured servers is not followed
                }
                return followed;
            }
            if (r.statusCode() == 410 || r.statusCode() == 400 || r.statusCode() == 401 || r.statusCode() == 403) {
                stop(r.statusCode() + ": " + RegentClient.error(body));
            } else {
                route.failed(target);
            }
            return false;
        }
        streams++;
        current = r.body();
        lastHeard = System.nanoTime();
        read(r.body());
        current = null;
        return true;
    }

    private void read(InputStream body) {
        // a stream cut inside a transaction sends all of it again from the next one
        held.clear();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String event = null;
            String id = null;
            StringBuilder data = new StringBuilder();
            for (String line = lines.readLine(); line != null && running; line = lines.readLine()) {
                lastHeard = System.nanoTime();
                if (line.isEmpty()) {
                    dispatch(event, id, data.toString());
                    event = null;
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
        } catch (IOException e) {
            // the server died, or the watchdog cut a silent stream: reconnect
        }
    }

    private void dispatch(String event, String id, String data) {
        boolean hasId = id != null && !id.isEmpty();
        if ("put".equals(event) || "delete".equals(event)) {
            JsonObject o = json(data);
            held.add(new Change(o.getJsonNumber("seq").longValue(),
                    event.equals("put") ? Change.Type.PUT : Change.Type.DELETE, o.getString("key"),
                    o.containsKey("value") ? o.getString("value") : null, o.getJsonNumber("version").longValue()));
            if (hasId) { // the last change of its write: a transaction's earlier ones come without an id
                held.forEach(listener);
                held.clear();
            }
        } else if ("end".equals(event) && json(data).getBoolean("compacted", false)) {
            stop("compacted: " + json(data).getString("reason", ""));
        }
        if (hasId) {
            position = Long.parseLong(id);
        }
    }

    private void stop(String why) {
        failure = why;
        running = false;
        closeStream();
    }

    private void guard() {
        while (running) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() - lastHeard > SILENCE.toNanos()) {
                closeStream();
            }
        }
    }

    private void closeStream() {
        InputStream in = current;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static JsonObject json(String data) {
        try (JsonReader r = Json.createReader(new StringReader(data))) {
            return r.readObject();
        }
    }
}
