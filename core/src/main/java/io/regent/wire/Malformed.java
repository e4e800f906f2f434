package io.regent.wire;

/**
 * A message from a topic that does not decode: the problem, for the drop counter and the log.
 * {@link UnspokenVersion} is the one kind callers tell apart: it names the sender and version.
 */
public class Malformed extends Exception {

    public Malformed(String problem) {
        super(problem);
    }
}
