package io.regent.client;

/** How current a read must be (the server's README, "Read consistency"). */
public enum Consistency {
    /** Whichever server answers, as its copy stands. */
    ANY,
    /** The master, after a majority confirmed it still is: every write acknowledged before is seen. */
    LINEARIZABLE
}
