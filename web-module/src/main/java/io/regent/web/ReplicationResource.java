package io.regent.web;

import io.regent.host.ReplicationStatus;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Where this server's copy of the replicated state stands, and its digest, for operators and tests. */
@Path("/replication")
@Produces(MediaType.APPLICATION_JSON)
@ApplicationScoped
public class ReplicationResource {

    @Inject
    private ThisServer group;

    @GET
    @Operation(summary = "This server's copy of the replicated state",
            description = "Mode, applied and durable positions, digest, size, storage, and on the master what waits "
                    + "for acknowledgement and the commit latency.")
    public ReplicationStatus status() {
        return group.get().replicationStatus();
    }
}
