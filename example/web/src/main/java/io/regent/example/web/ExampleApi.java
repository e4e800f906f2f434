package io.regent.example.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The example's REST API, under the WAR's context root ({@code /example/api}). */
@ApplicationPath("/api")
public class ExampleApi extends Application {
}
