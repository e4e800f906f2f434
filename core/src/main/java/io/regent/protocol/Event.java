package io.regent.protocol;

/** Things worth recording in the group's event log and metrics. */
public sealed interface Event {

    long at();

    record RoleChanged(long at, Role from, Role to, String master, Epoch epoch) implements Event { }

    /**
     * Detection found the master not functional. {@code sinceAnswer}: ms since the master last
     * answered (-1: not since this server followed it, or no master); {@code timerLate}: how long
     * after it was due the reply time-out ran (this server's own delay, from load or a pause).
     */
    record MasterSuspected(long at, String master, int misses, long electionDelay, long sinceAnswer, long timerLate)
            implements Event { }

    /** This server declared itself; {@code electionMillis} runs from suspicion (0 if planned). */
    record Declared(long at, Epoch epoch, Cause cause, long electionMillis) implements Event {

        /** Why a server declared: its election timer fired, it preempted a worse-ranked master, or it was handed over to. */
        public enum Cause {
            ELECTION, PREEMPT, HANDOVER;

            /** The name operators see in logs and metric tags. */
            public String label() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    /** This server revoked a worse-ranked declarer. */
    record Revoked(long at, String revoked, Epoch epoch) implements Event { }

    /** This master handed mastership to {@code target}. */
    record HandedOver(long at, String target, Epoch epoch) implements Event { }

    /** This master heard only {@code heard} servers (itself included) of the {@code needed}: it stepped down. */
    record QuorumLost(long at, int heard, int needed, Epoch epoch) implements Event { }

    /** This server found it had been stalled for {@code gap} ms and rejoins. */
    record Stalled(long at, long gap) implements Event { }

    /** A round trip measured: an inquiry answered ({@code probe} false) or a probe echoed. */
    record RoundTrip(long at, String peer, boolean probe, long millis) implements Event { }

    /** A message was refused before it could change anything. */
    record Dropped(long at, String from, String reason) implements Event { }

    /**
     * This server's history holds a new configuration: whether this server is still a member of
     * it, and whether it votes.
     */
    record Reconfigured(long at, long version, boolean member, boolean voter) implements Event { }
}
