package io.regent.group;

/** A message from a topic that does not decode: the problem, for the drop counter and the log. */
final class Malformed extends Exception {

    Malformed(String problem) {
        super(problem);
    }
}
