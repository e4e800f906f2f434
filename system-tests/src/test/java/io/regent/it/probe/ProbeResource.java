package io.regent.it.probe;

import io.regent.api.Mastership;
import io.regent.api.NotMasterException;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;

/** GET /probe/: what the application saw; /probe/call: a master-only call; /probe/task: a master-only task. */
@Path("/")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class ProbeResource {

    @ApplicationPath("/")
    public static class ProbeApplication extends Application { }

    @Inject
    private RoleProbe probe;

    @Inject
    private Mastership mastership;

    @EJB
    private MasterOnlyWork work;

    @GET
    public String seen() {
        JsonArrayBuilder events = Json.createArrayBuilder();
        probe.seen().forEach(events::add);
        return Json.createObjectBuilder().add("events", events).add("master", mastership.isMaster())
                .add("epoch", mastership.epoch().map(Object::toString).orElse("")).add("member", mastership.member())
                .add("runs", work.runs()).build().toString();
    }

    @GET
    @Path("task")
    public String task() throws Exception {
        String ran = mastership.executor().submit(() -> "a task ran on " + mastership.member())
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        return Json.createObjectBuilder().add("answer", ran).build().toString();
    }

    @GET
    @Path("call")
    public String call() {
        try {
            return Json.createObjectBuilder().add("answer", work.call()).build().toString();
        } catch (NotMasterException e) {
            return Json.createObjectBuilder().add("refused", e.getMessage()).build().toString();
        }
    }
}
