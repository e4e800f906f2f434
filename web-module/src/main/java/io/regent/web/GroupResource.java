package io.regent.web;

import io.regent.host.GroupStatus;
import io.regent.protocol.Role;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.Map;

/**
 * The group API and name server (claim 27): any member says who is master, at which URL, in
 * which epoch, and how it sees the group.
 */
@Path("/group")
@Produces(MediaType.APPLICATION_JSON)
@ApplicationScoped
public class GroupResource {

    @Inject
    private ThisServer engine;

    @GET
    @Operation(summary = "How this server sees the group", description = "Role, epoch, master, members with their "
            + "index and capacity, the delay matrix, the broker, round trips, recent events, counters.")
    public GroupStatus status() {
        return engine.get().status();
    }

    /** Just the name-server answer: master id, URL and epoch. */
    @GET
    @Path("/master")
    @Operation(summary = "The name server (claim 27): who is master, at which URL, in which epoch")
    @APIResponse(responseCode = "200", description = "{id,index,url,epoch}")
    @APIResponse(responseCode = "503", description = "No master is known yet", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    public Response master() {
        GroupStatus s = engine.get().status();
        if (s.master().id() == null) {
            return Problem.of(Response.Status.SERVICE_UNAVAILABLE, "no master is known yet", Map.of("epoch", s.epoch()));
        }
        return Response.ok(Map.of("id", s.master().id(), "index", s.master().index(),
                "url", s.master().url() == null ? "" : s.master().url(), "epoch", s.epoch())).build();
    }

    /**
     * This server's view of the master as Server-Sent Events: an event {@code role} at once and at
     * every change of role, master, epoch or openness. Any server serves it; a load balancer or
     * client learns of a failover as soon as this server does, without polling.
     */
    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Role changes as Server-Sent Events", description = "role {server,role,master,masterUrl,epoch,open}"
            + " at once and on every change this server sees.")
    @APIResponse(responseCode = "200", description = "The stream of events")
    @APIResponse(responseCode = "503", description = "Too many streams are open on this server",
            content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    public void events(@Context SseEventSink sink, @Context Sse sse, @Context SecurityContext security) {
        if (!engine.get().watches().watchRoles(Caller.of(security), EventStreams.roles(sink, sse))) {
            throw new WebApplicationException(Problem.tooManyStreams());
        }
    }

    /**
     * Planned handover: on the master, hand mastership to {@code to} or to the best-ranked live
     * backup. Anywhere else: 409 naming the master to ask. Only a JSON request is taken
     * ({@link JsonOnly}): a page elsewhere cannot make an admin's browser move the master.
     */
    @POST
    @Path("/handover")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Planned handover: the master hands mastership to ?to= or to the best-ranked live backup")
    @APIResponse(responseCode = "202", description = "{handedOverTo,fromEpoch}")
    @APIResponse(responseCode = "400", description = "An unknown server in to", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "409", description = "This server is not the master (the body names it), or no live "
            + "backup can take over", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    @APIResponse(responseCode = "415", description = "Not Content-Type: application/json", content = @Content(schema = @Schema(implementation = Problem.Body.class)))
    public Response handOver(@QueryParam("to") String to, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        Response notJson = JsonOnly.refusal(contentType);
        if (notJson != null) {
            return notJson;
        }
        GroupStatus before = engine.get().status();
        if (before.role() != Role.MASTER) {
            return Problem.of(Response.Status.CONFLICT, "this server is not the master; ask the master",
                    Map.of("master", String.valueOf(before.master().id()), "masterUrl", String.valueOf(before.master().url())));
        }
        if (to != null && before.members().stream().noneMatch(m -> m.id().equals(to))) {
            return Problem.of(Response.Status.BAD_REQUEST, "unknown server '" + to + "'", Map.of("field", "to"));
        }
        return engine.get().handOver(to)
                .map(target -> Response.accepted(Map.of("handedOverTo", target, "fromEpoch", before.epoch())).build())
                .orElseGet(() -> Problem.of(Response.Status.CONFLICT,
                        to == null ? "no live backup can take over" : "server '" + to + "' is not a live backup",
                        Map.of()));
    }
}
