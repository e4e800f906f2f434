package io.regent.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * {@code GET /api/kv} is both the list of keys and, with {@code watch}, a stream of changes. The
 * query decides, not the client's Accept header (curl sends {@code *}{@code /*}): a request with
 * {@code watch} asks for events, one without it for JSON, before JAX-RS picks the method.
 */
@Provider
@PreMatching
public class EventStreamAccept implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!"GET".equals(request.getMethod()) || !(path.equals("/kv") || path.equals("kv") || path.equals("/kv/"))) {
            return;
        }
        boolean watch = request.getUriInfo().getQueryParameters().containsKey("watch");
        request.getHeaders().putSingle(HttpHeaders.ACCEPT,
                watch ? MediaType.SERVER_SENT_EVENTS : MediaType.APPLICATION_JSON);
    }
}
