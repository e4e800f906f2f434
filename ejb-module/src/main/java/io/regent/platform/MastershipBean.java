package io.regent.platform;

import io.regent.api.Epoch;
import io.regent.api.Mastership;
import io.regent.group.GroupEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/** {@link Mastership} for the application: this server's, as {@link RoleEvents} tells it. */
@ApplicationScoped
public class MastershipBean implements Mastership {

    @Inject
    private GroupEngine engine;

    MastershipState state() {
        return engine.service().mastership();
    }

    @Override
    public boolean isMaster() {
        return state().isMaster();
    }

    @Override
    public Optional<Epoch> epoch() {
        return isMaster() ? state().granted() : Optional.empty();
    }

    @Override
    public String member() {
        return state().self();
    }

    @Override
    public boolean awaitMaster(Duration timeout) throws InterruptedException {
        return state().awaitMaster(timeout);
    }

    @Override
    public ExecutorService executor() {
        return state().executor();
    }

    @Override
    public void handOver() {
        if (isMaster()) {
            engine.service().handOver(null);
        }
    }
}
