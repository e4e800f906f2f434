package io.regent.replication;

import io.regent.protocol.Epoch;
import io.regent.protocol.Role;

import java.util.List;

/**
 * What the election protocol says, as the replica needs it: this server's role, the epoch and
 * master it follows, the followers that count as live (heard recently and not catching up: a
 * master waits for their acknowledgements), and every peer heard recently whatever its role (a
 * new master asks them all where they stand, a deposed master that is still alive included).
 * The host refreshes it on every role change and every tick.
 */
public record GroupView(Role role, Epoch epoch, String master, List<String> liveFollowers, List<String> livePeers) {

    public static final GroupView NONE = new GroupView(Role.JOINING, Epoch.NONE, null, List.of(), List.of());

    public GroupView {
        liveFollowers = List.copyOf(liveFollowers);
        livePeers = List.copyOf(livePeers);
    }
}
