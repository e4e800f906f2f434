package io.regent.example.web;

import io.regent.api.ReadConsistency;
import io.regent.api.Replicated;
import io.regent.api.ReplicatedMachines;
import io.regent.example.tickets.JobRun;
import io.regent.example.tickets.JobRuns;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What the master-only job did and what this server's application was told:
 * {@code GET /example/api/runs?after=N} lists recorded runs (up to 1,000 a page, from this
 * server's committed state), {@code GET /example/api/runs/roles} the role events of this server.
 */
@Path("runs")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    private static final int PAGE = 1_000;

    @Inject
    private ReplicatedMachines machines;

    @Inject
    private RoleLog roles;

    private Replicated<JobRun, Long> runs;

    @PostConstruct
    void find() {
        runs = machines.of(JobRuns.class);
    }

    @GET
    public CompletionStage<Response> list(@QueryParam("after") @DefaultValue("0") long after, @Context UriInfo uri) {
        String request = Answers.pathAndQuery(uri);
        return runs.read(state -> JobRuns.list(state, Math.max(0, after), PAGE), ReadConsistency.COMMITTED)
                .handle((page, failure) -> failure != null ? Answers.failure(failure, request)
                        : Response.ok(json(page).toString()).build());
    }

    @GET
    @Path("roles")
    public String roles() {
        return roles.json().toString();
    }

    private static jakarta.json.JsonArray json(List<JobRun> page) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        page.forEach(r -> a.add(Json.createObjectBuilder().add("server", r.server()).add("epoch", r.epoch())
                .add("startMillis", r.startMillis()).add("endMillis", r.endMillis())));
        return a.build();
    }
}
