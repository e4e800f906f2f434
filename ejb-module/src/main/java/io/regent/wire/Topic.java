package io.regent.wire;

/** Regent's two topics: the election protocol's, and the request stream's. */
public enum Topic {
    CONTROL,
    STREAM
}
