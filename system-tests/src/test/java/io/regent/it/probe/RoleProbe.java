package io.regent.it.probe;

import io.regent.api.MasterGranted;
import io.regent.api.MasterRevoked;
import io.regent.api.Mastership;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the role events this server's application is told, and what Mastership said then. */
@ApplicationScoped
public class RoleProbe {

    private final List<String> seen = new CopyOnWriteArrayList<>();

    @Inject
    private Mastership mastership;

    void granted(@Observes MasterGranted g) {
        seen.add("granted " + g.epoch() + " " + g.member() + " master=" + mastership.isMaster());
    }

    void revoked(@Observes MasterRevoked r) {
        seen.add("revoked " + r.epoch() + " " + r.member() + " " + r.reason() + " master=" + mastership.isMaster());
    }

    public List<String> seen() {
        return List.copyOf(seen);
    }
}
