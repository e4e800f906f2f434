package io.regent.example.web;

import io.regent.api.MasterGranted;
import io.regent.api.MasterRevoked;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;

import java.util.ArrayList;
import java.util.List;

/** The role events this server's application was told, in the order it was told them. */
@ApplicationScoped
public class RoleLog {

    private record Told(String event, String epoch, String detail, long atMillis) { }

    private final List<Told> told = new ArrayList<>();

    void granted(@Observes MasterGranted g) {
        add(new Told("granted", g.epoch().toString(), g.member(), System.currentTimeMillis()));
    }

    void revoked(@Observes MasterRevoked r) {
        add(new Told("revoked", r.epoch().toString(), r.reason().name(), System.currentTimeMillis()));
    }

    private synchronized void add(Told t) {
        told.add(t);
    }

    synchronized JsonArray json() {
        JsonArrayBuilder a = Json.createArrayBuilder();
        told.forEach(t -> a.add(Json.createObjectBuilder().add("event", t.event()).add("epoch", t.epoch())
                .add("detail", t.detail()).add("atMillis", t.atMillis())));
        return a.build();
    }
}
