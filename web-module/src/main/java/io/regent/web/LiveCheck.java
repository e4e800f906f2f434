package io.regent.web;

import io.regent.host.HealthView;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.Liveness;

/** UP while the group engine runs; a broker outage is not a liveness failure. */
@Liveness
@ApplicationScoped
public class LiveCheck extends GroupCheck {
    public LiveCheck() {
        super("regent-engine", HealthView::running);
    }
}
