package io.regent.wire;

/** A message from a topic that does not decode: the problem, for the drop counter and the log. */
public final class Malformed extends Exception {

    public Malformed(String problem) {
        super(problem);
    }
}
