package io.regent.it;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (root for network namespaces, say). CI has all of it
 * ({@code .ci/run} installs it), so there a missing prerequisite fails the test; only a local run
 * may skip, and it says so on standard error where nobody can miss it.
 */
final class Prerequisite {

    private Prerequisite() {
    }

    static void require(boolean available, String what) {
        if (available) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI must have " + what + " (.ci/run installs it); this test cannot run without it");
        }
        String banner = "*".repeat(100);
        System.err.printf("%n%s%nSKIPPED, NOT PASSED: this machine lacks %s. CI runs it; run as root to run it here.%n%s%n%n",
                banner, what, banner);
        Assumptions.abort("no " + what + " on this machine (a local run without it skips; CI fails)");
    }
}
