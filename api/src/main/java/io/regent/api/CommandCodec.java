package io.regent.api;

/**
 * A {@link ReplicatedStateMachine}'s commands as bytes: {@code decode(encode(c))} must equal
 * {@code c} on every server, whatever its JVM or locale.
 */
public interface CommandCodec<C> {

    byte[] encode(C command);

    /** @throws IllegalArgumentException when the bytes are not a command */
    C decode(byte[] bytes);
}
