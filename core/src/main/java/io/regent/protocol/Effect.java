package io.regent.protocol;

/** What a node asks its host to do after an input. */
public sealed interface Effect {

    /** Send {@code message} to server {@code to}, or to every other server when {@code to} is null. */
    record Send(String to, Message message) implements Effect {
        public boolean broadcast() {
            return to == null;
        }
    }

    /**
     * Fire {@code kind} after {@code delay} ms, then every {@code period} ms if {@code period} > 0,
     * handing {@code token} back so that a firing that raced a cancel can be told apart.
     * Replaces any outstanding timer of that kind.
     */
    record SetTimer(TimerKind kind, long token, long delay, long period) implements Effect { }

    record CancelTimer(TimerKind kind) implements Effect { }

    record Notice(Event event) implements Effect { }

    /**
     * Make {@code epoch} durable before carrying out the effects that follow it: the newest epoch
     * seen (and so every epoch this server declared) must survive a crash, or a restarted server
     * could declare an epoch it already used, with another history.
     */
    record Persist(Epoch epoch) implements Effect { }
}
