package io.regent.protocol;

import java.util.Map;

/** What servers tell each other. Every message carries its sender and the sender's epoch. */
public sealed interface Message {

    String from();

    Epoch epoch();

    /** "Are you functional?", sent by a backup to its master at each detection tick. */
    record Inquiry(String from, Epoch epoch, long seq) implements Message { }

    /** The master's answer to an {@link Inquiry}. */
    record Reply(String from, Epoch epoch, long seq) implements Message { }

    /** The first message: the sender declares itself master of a new epoch. */
    record Declaration(String from, Epoch epoch) implements Message { }

    /** The second message: a better-ranked master asks everyone to drop {@code revoked}. */
    record Revocation(String from, Epoch epoch, String revoked) implements Message { }

    /** Delay measurement: the receiver echoes {@code sentAt} back to the sender. */
    record Probe(String from, Epoch epoch, long sentAt) implements Message { }

    /** The echo of a {@link Probe}; the round trip is measured on the prober's own clock. */
    record ProbeEcho(String from, Epoch epoch, long sentAt) implements Message { }

    /**
     * Membership announcement: the sender's role, the address clients reach it at, its measured
     * one-way delays to its peers (its row of the delay matrix), and the index it is ranked by
     * with the capacity figure it measured (claims 20-21; index 0: not stated). With
     * {@code solicit} every receiver announces back, which is how a starting server learns the
     * group in one round trip.
     */
    record Announcement(String from, Epoch epoch, Role role, String address, Map<String, Long> delays,
            boolean solicit, int index, long capacity)
            implements Message {

        /** An announcement that leaves the sender's index as the receiver knows it. */
        public Announcement(String from, Epoch epoch, Role role, String address, Map<String, Long> delays,
                boolean solicit) {
            this(from, epoch, role, address, delays, solicit, 0, 0);
        }
    }

    /**
     * Before it declares, a server whose election timer ran out asks whether the others, too,
     * have lost their master (a pre-vote): a server cut off from the group, or from its master
     * alone, gets no majority and opens no epoch that would depose a master the others still hear.
     */
    record Candidacy(String from, Epoch epoch) implements Message { }

    /** The answer to a {@link Candidacy} of {@code candidate}: this server has no master it hears. */
    record Support(String from, Epoch epoch, String candidate) implements Message { }

    /** Planned handover: the master asks {@code target} to declare itself now. */
    record Handover(String from, Epoch epoch, String target) implements Message { }
}
