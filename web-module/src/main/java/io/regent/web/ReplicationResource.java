package io.regent.web;

import io.regent.group.ReplicationEngine;
import io.regent.group.ReplicationStatus;
import jakarta.ejb.EJB;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Where this server's copy of the replicated state stands, and its digest, for operators and tests. */
@Path("/replication")
@Produces(MediaType.APPLICATION_JSON)
public class ReplicationResource {

    @EJB
    private ReplicationEngine replication;

    @GET
    public ReplicationStatus status() {
        return replication.status();
    }
}
