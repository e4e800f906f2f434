package io.regent.web;

import io.regent.group.HealthView;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.Readiness;

/** UP only on the master that can reach the broker: load balancers route writes by it. */
@Readiness
@ApplicationScoped
public class ReadyCheck extends GroupCheck {
    public ReadyCheck() {
        super("regent-master", HealthView::ready);
    }
}
