package io.regent.host;

import java.util.List;

/**
 * The group's configuration as this server's history holds it (DESIGN.md §9): its version, who
 * votes, who learns, the ids that left, and, on the master, how far behind each member is.
 *
 * @param changeReady whether this server is a master that may sequence a membership change now
 */
public record MembersStatus(String self, long version, List<String> voters, List<String> learners,
        List<String> retired, String master, boolean changeReady, List<Member> members) {

    /**
     * @param number     the member number: its rank when indexes are configured, and its epochs'
     * @param lagWrites  writes the master holds that the member has not acknowledged (the master's
     *                   view only; null elsewhere, and for a member that acknowledged nothing yet)
     * @param lastSeenMillisAgo when this server last heard from it (0 for itself), or null
     */
    public record Member(String id, int number, String url, boolean voter, Long lagWrites, Long lastSeenMillisAgo) { }
}
