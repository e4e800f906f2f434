package io.regent.web;

import io.regent.host.HealthView;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.Readiness;

/**
 * UP only on the master open for writes (synced, reaching the broker): load balancers route by it.
 * With {@code regent.health.readiness=member}, UP on every member caught up (for Kubernetes).
 */
@Readiness
@ApplicationScoped
public class ReadyCheck extends GroupCheck {
    public ReadyCheck() {
        super("regent-ready", HealthView::readyAsConfigured);
    }
}
