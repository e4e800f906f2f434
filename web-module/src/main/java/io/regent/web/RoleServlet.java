package io.regent.web;

import io.regent.group.GroupEngine;
import io.regent.host.HealthView;
import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What a load balancer polls many times a second, answered from memory without JAX-RS, JSON or
 * MicroProfile Health (Patroni's role endpoints): {@code GET /api/group/role/master} is 200 on the
 * master open for writes and 503 elsewhere; {@code GET /api/group/role/member} is 200 on every
 * server that has joined and caught up (a Kubernetes readiness probe for "serve reads"). The body
 * is one line: the role, or why not.
 */
@WebServlet(urlPatterns = "/api/group/role/*", asyncSupported = true)
public class RoleServlet extends HttpServlet {

    @EJB
    private GroupEngine engine;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String asked = request.getPathInfo() == null ? "" : request.getPathInfo();
        HealthView h = engine.health();
        boolean up = switch (asked) {
            case "/master" -> h.ready();
            case "/member" -> h.running() && engine.caughtUp();
            default -> {
                response.sendError(HttpServletResponse.SC_NOT_FOUND, "ask /api/group/role/master or /api/group/role/member");
                yield false;
            }
        };
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(up ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("text/plain");
        byte[] body = ((up ? h.role() : h.whyNotReady() == null ? h.role() : h.whyNotReady()) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
