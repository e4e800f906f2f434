package io.regent.api;

/**
 * This server became the master in {@code epoch} and is open for writes: a majority of the group
 * confirmed it and it holds every committed write. Fired after the {@link MasterRevoked} of any
 * earlier grant, on Regent's own thread (no {@code java:comp} context: use injected resources).
 * A module that starts later is not told of a grant made before: it asks
 * {@link Mastership#isMaster()} as it starts.
 *
 * @param member this server's id
 */
public record MasterGranted(Epoch epoch, String member) { }
