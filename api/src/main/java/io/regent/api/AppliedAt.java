package io.regent.api;

/**
 * Where a command stands in the group's log: its sequence number (every command of every machine
 * has its own, strictly increasing) and the mastership that sequenced it. The same on every server.
 */
public record AppliedAt(long seq, Epoch epoch) { }
