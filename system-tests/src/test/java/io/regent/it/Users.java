package io.regent.it;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The Regent users of the test groups (bin/group's registry: regent-reader, regent-writer,
 * regent-admin) with the passwords the tests give them, and their HTTP Basic headers.
 */
public final class Users {

    public static final String READER = "regent-reader";
    public static final String WRITER = "regent-writer";
    public static final String ADMIN = "regent-admin";

    private static final Map<String, String> PASSWORDS = Map.of(READER, "it-reader-password",
            WRITER, "it-writer-password", ADMIN, "it-admin-password");

    private Users() {
    }

    /** The {@code Authorization} header value for {@code user}. */
    public static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORDS.get(user))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The test password of {@code user}. */
    public static String password(String user) {
        return PASSWORDS.get(user);
    }

    /** The variables that make bin/group create these users with these passwords. */
    static Map<String, String> groupEnvironment() {
        return Map.of("REGENT_READER_PASSWORD", PASSWORDS.get(READER), "REGENT_WRITER_PASSWORD", PASSWORDS.get(WRITER),
                "REGENT_ADMIN_PASSWORD", PASSWORDS.get(ADMIN));
    }
}
