package io.regent.api;

/** The group did not apply a proposed command, could not confirm it did, or cannot answer a read now. */
public class ReplicationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Kind {
        /** Too many bytes of commands already wait for acknowledgements: nothing applied; retry shortly. */
        BUSY,
        /** The mastership the proposal required is not the master's: nothing applied. */
        FENCED,
        /** Refused against the current state (the group's storage quota): nothing applied. */
        REFUSED,
        /** Sequenced, but not confirmed: it may or may not have been applied. */
        IN_DOUBT,
        /** This server is master but not open (taking over, or cut off from the majority): retry shortly. */
        UNAVAILABLE
    }

    private final Kind kind;

    public ReplicationException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the command may have been applied all the same. */
    public boolean inDoubt() {
        return kind == Kind.IN_DOUBT;
    }
}
