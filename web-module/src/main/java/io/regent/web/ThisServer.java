package io.regent.web;

import io.regent.group.GroupEngine;
import io.regent.group.GroupService;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * This server's {@link GroupService}, looked up once from the engine: the web layer then calls it
 * directly, without an EJB invocation (and a JNDI lookup) per request.
 */
@ApplicationScoped
public class ThisServer {

    @EJB
    private GroupEngine engine;

    private GroupService service;

    @PostConstruct
    void lookUp() {
        service = engine.service();
    }

    public GroupService get() {
        return service;
    }
}
