package io.regent.web;

import io.regent.host.HealthView;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.Startup;

/** UP once this server has joined its group (found or become its master). */
@Startup
@ApplicationScoped
public class StartedCheck extends GroupCheck {
    public StartedCheck() {
        super("regent-joined", HealthView::joined);
    }
}
