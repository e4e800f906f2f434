package io.regent.example.web;

import io.regent.api.ReadConsistency;
import io.regent.api.Replicated;
import io.regent.api.ReplicatedMachines;
import io.regent.example.tickets.IssueTicket;
import io.regent.example.tickets.Ticket;
import io.regent.example.tickets.TicketBook;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.StringReader;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Issues tickets through the group: {@code POST /example/api/tickets} with
 * {@code {"holder":"ann","requestId":"..."}} answers 201 and the ticket once a majority has it,
 * so no failover loses it; a retry with the same request id gets the same ticket.
 * {@code GET /example/api/tickets/{number}} reads it back ({@code ?consistency=linearizable}).
 */
@Path("tickets")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class TicketResource {

    @Inject
    private ReplicatedMachines machines;

    private Replicated<IssueTicket, Ticket> tickets;

    @PostConstruct
    void find() {
        tickets = machines.of(TicketBook.class);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> issue(String body, @Context UriInfo uri) {
        IssueTicket command;
        try {
            JsonObject json = Json.createReader(new StringReader(body)).readObject();
            String requestId = json.containsKey("requestId") ? json.getString("requestId")
                    : UUID.randomUUID().toString();
            command = new IssueTicket(requestId, text(json, "holder"));
        } catch (JsonException | ClassCastException | IllegalArgumentException | NullPointerException e) {
            return CompletableFuture.completedFuture(Answers.problem(Response.Status.BAD_REQUEST,
                    "the body must be {\"holder\":\"...\"} with an optional \"requestId\" (1 to 64 characters): "
                            + e.getMessage(), false));
        }
        String request = Answers.pathAndQuery(uri);
        return tickets.propose(command).handle((ticket, failure) -> failure != null ? Answers.failure(failure, request)
                : Response.status(ticket.repeated() ? Response.Status.OK : Response.Status.CREATED)
                        .entity(json(ticket).toString()).build());
    }

    @GET
    @Path("{number}")
    public CompletionStage<Response> read(@PathParam("number") long number, @QueryParam("consistency") String consistency,
            @Context UriInfo uri) {
        ReadConsistency c;
        try {
            c = consistency == null ? ReadConsistency.COMMITTED : ReadConsistency.valueOf(consistency.toUpperCase());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Answers.problem(Response.Status.BAD_REQUEST,
                    "consistency must be committed or linearizable, got '" + consistency + "'", false));
        }
        String request = Answers.pathAndQuery(uri);
        return tickets.read(state -> TicketBook.find(state, number), c).handle((found, failure) -> failure != null
                ? Answers.failure(failure, request)
                : found.map(t -> Response.ok(json(t).toString()).build()).orElseGet(() -> Answers.problem(
                        Response.Status.NOT_FOUND, "no ticket " + number, false)));
    }

    @GET
    public CompletionStage<Response> count(@Context UriInfo uri) {
        String request = Answers.pathAndQuery(uri);
        return tickets.read(TicketBook::issued).handle((issued, failure) -> failure != null
                ? Answers.failure(failure, request)
                : Response.ok(Json.createObjectBuilder().add("issued", issued).build().toString()).build());
    }

    private static String text(JsonObject json, String field) {
        JsonString s = json.getJsonString(field);
        if (s == null) {
            throw new IllegalArgumentException("\"" + field + "\" is missing");
        }
        return s.getString();
    }

    private static JsonObject json(Ticket t) {
        return Json.createObjectBuilder().add("number", t.number()).add("holder", t.holder())
                .add("requestId", t.requestId()).add("seq", t.seq()).add("epoch", t.epoch()).build();
    }
}
