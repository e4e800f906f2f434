package io.regent.web;

import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;

/** Who sent a request, as quotas and idempotency keys count it: the authenticated user, or "" for none. */
final class Caller {

    private Caller() {
    }

    static String of(SecurityContext security) {
        Principal user = security.getUserPrincipal();
        return user == null ? "" : user.getName();
    }
}
