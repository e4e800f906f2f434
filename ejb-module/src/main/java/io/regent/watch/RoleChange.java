package io.regent.watch;

import io.regent.host.MemberHost;
import io.regent.protocol.Role;

/**
 * Who this server says is master, as a group-events stream reports it: sent when any of it changes.
 *
 * @param role this server's own role
 * @param open whether this server is the master open for writes
 */
public record RoleChange(String server, Role role, String master, String masterUrl, String epoch, boolean open) {

    static RoleChange of(String server, MemberHost.Snapshot s) {
        return new RoleChange(server, s.role(), s.master(), s.masterAddress(), s.epoch().toString(), s.open());
    }
}
