package io.regent.web;

import io.regent.host.MembersStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The group's members as replicated state (DESIGN.md §9): voters, learners, the version, and each one's lag. */
@Path("/members")
@Produces(MediaType.APPLICATION_JSON)
@ApplicationScoped
public class MembersResource {

    @Inject
    private ThisServer group;

    @GET
    @Operation(summary = "The group's configuration as this server's history holds it",
            description = "Its version, voters, learners and the ids that left; for each member its number, address "
                    + "and whether it votes, and on the master how many writes it has not acknowledged.")
    public MembersStatus members() {
        return group.get().membersStatus();
    }
}
