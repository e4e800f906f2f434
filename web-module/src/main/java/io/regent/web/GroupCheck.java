package io.regent.web;

import io.regent.host.HealthView;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.util.function.Predicate;

/** A health check on this server's group status; every check carries role, epoch and master. */
abstract class GroupCheck implements HealthCheck {

    @Inject
    private ThisServer engine;
    private final String name;
    private final Predicate<HealthView> up;

    GroupCheck(String name, Predicate<HealthView> up) {
        this.name = name;
        this.up = up;
    }

    @Override
    public HealthCheckResponse call() {
        HealthView s = engine.get().health();
        return HealthCheckResponse.named(name).status(up.test(s))
                .withData("server", s.server())
                .withData("role", s.role().name())
                .withData("epoch", s.epoch())
                .withData("master", String.valueOf(s.master()))
                .withData("brokerReachable", s.brokerReachable())
                .withData("openForWrites", s.ready())
                .withData("caughtUp", s.caughtUp())
                .build();
    }
}
