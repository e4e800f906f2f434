package io.regent.wire;

/**
 * Where a frame travels: the election protocol's topic, the request stream's, or straight to one
 * server (a follower's acknowledgements to its master, DESIGN.md §4.4). Each has its own frame
 * counter, so a frame overtaken on another path is never taken for a replay.
 */
public enum Topic {
    CONTROL,
    STREAM,
    DIRECT
}
