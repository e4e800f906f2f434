package io.regent.wire;

/**
 * One message on a topic, as signed: the protocol version it is written in (DESIGN.md §8.1), its
 * topic and group, its sender and recipient (empty for every server), the sender's incarnation
 * (one per run of the server) and its counter on this topic (one per message), the sender's
 * clock, and the message itself. The signature covers all of it (the version from version 3 on),
 * so none of it can be changed, and a receiver that remembers the last incarnation and counter of
 * each sender drops a replayed or duplicated frame.
 */
public record Frame(int version, Topic topic, String group, String from, String to, long incarnation, long counter,
        long sentAt, byte[] payload) {

    public boolean broadcast() {
        return to.isEmpty();
    }
}
