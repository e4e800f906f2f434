package io.regent.wire;

import io.regent.upgrade.ProtocolVersion;

/**
 * A frame of a protocol version this build does not open (DESIGN.md §8.1): from a server of a
 * release too old or too new for this one. The sender is as the frame's body claims it, unsigned
 * as far as this build can tell, which is enough to tell an operator which server to look at.
 */
public final class UnspokenVersion extends Malformed {

    private final int version;
    private final String claimedSender;

    UnspokenVersion(int version, String claimedSender) {
        super("a frame of protocol version " + version + " from " + claimedSender + "; this build opens versions "
                + ProtocolVersion.range());
        this.version = version;
        this.claimedSender = claimedSender;
    }

    public int version() {
        return version;
    }

    /** The sender the frame names, or "unknown" where even that does not parse. */
    public String claimedSender() {
        return claimedSender;
    }
}
