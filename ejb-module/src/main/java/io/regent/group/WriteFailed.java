package io.regent.group;

/** A replicated write that was not confirmed: the client must not take it as done. */
public final class WriteFailed extends Exception {

    public WriteFailed(String reason) {
        super(reason);
    }
}
