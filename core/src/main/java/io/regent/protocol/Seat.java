package io.regent.protocol;

import java.util.regex.Pattern;

/**
 * One member of a {@link Configuration}: its id, its member number (its rank when indexes are
 * configured, and the number every epoch it opens carries), its address for clients, and whether
 * it votes. A learner receives and applies the log but neither counts toward a majority nor
 * campaigns.
 *
 * @param url the member's address for clients, or empty when the group has none configured
 */
public record Seat(String id, int number, String url, boolean voter) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /** Whether {@code id} has the form of a member id. */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public Seat {
        if (!isId(id)) {
            throw new IllegalArgumentException("a member id is 1 to 63 letters, digits, '.', '_' or '-', "
                    + "beginning with a letter or digit, got '" + id + "'");
        }
        if (number < 1 || number > Index.MAX_SLOT) {
            throw new IllegalArgumentException("member " + id + ": a member number is 1 to " + Index.MAX_SLOT
                    + ", got " + number);
        }
        url = url == null ? "" : url;
        if (url.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("member " + id + ": an address holds no spaces or control characters");
        }
    }

    public Seat promoted() {
        return new Seat(id, number, url, true);
    }
}
