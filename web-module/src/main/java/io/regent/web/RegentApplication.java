package io.regent.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** The REST API lives under {@code /api}; its OpenAPI document is at {@code /openapi}. */
@ApplicationPath("/api")
@OpenAPIDefinition(info = @Info(title = "Regent", version = "0.1.0", description = "A fault-tolerant group of "
        + "servers with one master: a replicated key-value store and the group's name server. Writes go to the "
        + "master (a backup answers 307) and are answered once durable on a majority; reads come from any server, "
        + "as current as asked. Every response carries Regent-Master, Regent-Master-Url and Regent-Epoch."),
        security = @SecurityRequirement(name = "basic"))
@SecurityScheme(securitySchemeName = "basic", type = SecuritySchemeType.HTTP, scheme = "basic",
        description = "regent-reader reads, regent-writer writes, regent-admin operates the group")
public class RegentApplication extends Application {
}
