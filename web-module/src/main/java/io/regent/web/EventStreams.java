package io.regent.web;

import io.regent.watch.Change;
import io.regent.watch.RoleChange;
import io.regent.watch.Watches;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Server-Sent Events for {@link Watches}: a change is an event {@code put} or {@code delete} whose
 * id is its position, so an EventSource that reconnects sends it back as {@code Last-Event-ID}
 * and resumes right after it (a transaction's changes share its position, and only the last
 * carries the id, so a stream cut among them sends the whole transaction again); {@code progress} moves that id on when nothing under the prefix
 * changed; {@code end} says why the server closes the stream ({@code compacted}: resuming is no
 * longer possible, read the keys again). Clients are told to reconnect after {@value #RETRY_MILLIS} ms.
 */
final class EventStreams {

    static final long RETRY_MILLIS = 250;

    private EventStreams() {
    }

    static Watches.ChangeStream changes(SseEventSink sink, Sse sse) {
        return new Watches.ChangeStream() {
            @Override
            public CompletionStage<?> send(List<Change> changes) {
                CompletionStage<?> last = CompletableFuture.completedFuture(null);
                for (int i = 0; i < changes.size(); i++) {
                    Change c = changes.get(i);
                    // a transaction's changes share its position: only its last carries the id, so a
                    // stream cut among them resumes before the transaction, never after part of it
                    boolean lastOfEntry = i + 1 == changes.size() || changes.get(i + 1).seq() != c.seq();
                    last = sink.send(event(sse, c.type() == Change.Type.PUT ? "put" : "delete",
                            lastOfEntry ? c.seq() : null, change(c)));
                }
                return last;
            }

            @Override
            public CompletionStage<?> progress(long seq) {
                return sink.send(event(sse, "progress", seq, Json.createObjectBuilder().add("seq", seq)));
            }

            @Override
            public void end(String reason, boolean compacted) {
                EventStreams.end(sink, sse, Json.createObjectBuilder().add("reason", reason).add("compacted", compacted));
            }

            @Override
            public boolean isClosed() {
                return sink.isClosed();
            }
        };
    }

    static Watches.RoleStream roles(SseEventSink sink, Sse sse) {
        return new Watches.RoleStream() {
            @Override
            public CompletionStage<?> send(RoleChange r) {
                JsonObjectBuilder data = Json.createObjectBuilder().add("server", r.server()).add("role", r.role().name())
                        .add("epoch", r.epoch()).add("open", r.open());
                data = r.master() == null ? data.addNull("master") : data.add("master", r.master());
                data = r.masterUrl() == null ? data.addNull("masterUrl") : data.add("masterUrl", r.masterUrl());
                return sink.send(sse.newEventBuilder().name("role").reconnectDelay(RETRY_MILLIS)
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).data(data.build().toString()).build());
            }

            @Override
            public void end(String reason) {
                EventStreams.end(sink, sse, Json.createObjectBuilder().add("reason", reason));
            }

            @Override
            public boolean isClosed() {
                return sink.isClosed();
            }
        };
    }

    private static JsonObjectBuilder change(Change c) {
        JsonObjectBuilder data = Json.createObjectBuilder().add("seq", c.seq())
                .add("type", c.type() == Change.Type.PUT ? "put" : "delete").add("key", c.key());
        if (c.value() != null) {
            data.add("value", c.value());
        }
        return data.add("version", c.version());
    }

    /** @param id the event's id, or null for none (the client's last id stays) */
    private static OutboundSseEvent event(Sse sse, String name, Long id, JsonObjectBuilder data) {
        OutboundSseEvent.Builder b = sse.newEventBuilder().name(name);
        if (id != null) {
            b.id(id.toString());
        }
        return b.reconnectDelay(RETRY_MILLIS).mediaType(MediaType.APPLICATION_JSON_TYPE).data(data.build().toString())
                .build();
    }

    private static void end(SseEventSink sink, Sse sse, JsonObjectBuilder data) {
        if (sink.isClosed()) {
            return;
        }
        sink.send(sse.newEventBuilder().name("end").mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(data.build().toString()).build()).whenComplete((ok, failed) -> sink.close());
    }
}
