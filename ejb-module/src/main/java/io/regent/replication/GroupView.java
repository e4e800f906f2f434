package io.regent.replication;

import io.regent.protocol.Epoch;
import io.regent.protocol.Role;

import java.util.List;

/**
 * What the election protocol says, as the replica needs it: this server's role, the epoch and
 * master it follows, and the followers that count as live (they inquired recently and are not
 * catching up). The host refreshes it on every role change and every tick.
 */
public record GroupView(Role role, Epoch epoch, String master, List<String> liveFollowers) {

    public static final GroupView NONE = new GroupView(Role.JOINING, Epoch.NONE, null, List.of());

    public GroupView {
        liveFollowers = List.copyOf(liveFollowers);
    }
}
