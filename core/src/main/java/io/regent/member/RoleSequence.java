package io.regent.member;

import io.regent.protocol.Epoch;

import java.util.ArrayList;
import java.util.List;

/**
 * What a server's applications are told of its mastership, from the member's successive looks:
 * a grant when the member is open for writes in an epoch not granted yet, and a revocation of
 * that epoch as soon as it is not, before any later grant. A grant is followed by exactly one
 * revocation, and an epoch is granted again only if the member reopens in it after a revocation
 * (it lost its broker and found one again, say). The Liberty host and the simulation both run
 * this, so the simulation checks the events applications get.
 */
public final class RoleSequence {

    /** A step of the sequence. */
    public sealed interface Change {
        Epoch epoch();
    }

    public record Granted(Epoch epoch) implements Change { }

    public record Revoked(Epoch epoch) implements Change { }

    private Epoch granted;

    /**
     * The changes that take the applications from what they were told to the member's state now.
     *
     * @param openIn the epoch the member is open for writes in, or null if it is not open
     */
    public List<Change> after(Epoch openIn) {
        List<Change> changes = new ArrayList<>(2);
        if (granted != null && !granted.equals(openIn)) {
            changes.add(new Revoked(granted));
            granted = null;
        }
        if (openIn != null && granted == null) {
            granted = openIn;
            changes.add(new Granted(openIn));
        }
        return changes;
    }

    /** The server or its applications stop: a mastership held ends now. */
    public List<Change> stopping() {
        return after(null);
    }
}
