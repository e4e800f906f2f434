package io.regent.replication;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The master's linearizable reads (DESIGN.md §3.6, Raft's ReadIndex): each read notes the commit
 * point it must see, then waits for a round of heartbeats that a majority answered after it
 * arrived, which proves no newer master could have committed anything before it. One round at a
 * time serves every read that arrived before the round began; reads that arrive meanwhile wait
 * for the next. Nothing is written to the log.
 */
final class ReadRounds {

    /** A read, the commit point it must see, and when it arrived. */
    record Read(long ticket, long index, long since) { }

    private long round;
    private long roundStarted;
    private boolean inFlight;
    private final Set<String> answered = new HashSet<>();
    private final List<Read> inRound = new ArrayList<>();
    private final List<Read> next = new ArrayList<>();
    /** Confirmed reads waiting for the commit point to reach their index. */
    private final List<Read> confirmed = new ArrayList<>();

    /** Adds a read; true if no round is under way, so one must start now. */
    boolean add(Read read) {
        next.add(read);
        return !inFlight;
    }

    /** Whether reads wait for a round that has not started. */
    boolean waitingForRound() {
        return !next.isEmpty() && !inFlight;
    }

    /** Starts a round with every read waiting; its number, for the heartbeat. */
    long start(long now) {
        round++;
        roundStarted = now;
        inFlight = true;
        answered.clear();
        inRound.addAll(next);
        next.clear();
        return round;
    }

    /** The round under way, or 0. */
    long current() {
        return inFlight ? round : 0;
    }

    long startedAt() {
        return roundStarted;
    }

    /** {@code follower} answered round {@code r}: the followers that answered the current round so far. */
    Set<String> answer(String follower, long r) {
        if (inFlight && r == round) {
            answered.add(follower);
        }
        return answered;
    }

    /** The current round is confirmed: its reads wait only for the commit point now. */
    void confirm() {
        inFlight = false;
        confirmed.addAll(inRound);
        inRound.clear();
    }

    /** Removes and returns the confirmed reads whose index the commit point {@code committed} reached. */
    List<Read> answerable(long committed) {
        List<Read> ready = new ArrayList<>();
        confirmed.removeIf(r -> {
            if (r.index() <= committed) {
                ready.add(r);
                return true;
            }
            return false;
        });
        return ready;
    }

    /** Removes and returns the confirmed reads that waited for the commit point since before {@code deadline}. */
    List<Read> overdue(long deadline) {
        List<Read> late = new ArrayList<>();
        confirmed.removeIf(r -> {
            if (r.since() < deadline) {
                late.add(r);
                return true;
            }
            return false;
        });
        return late;
    }

    /** Ends the current round unconfirmed; returns its reads. */
    List<Read> abandonRound() {
        inFlight = false;
        List<Read> failed = List.copyOf(inRound);
        inRound.clear();
        return failed;
    }

    /** Forgets every read (the mastership ended); returns them. */
    List<Read> clear() {
        List<Read> all = new ArrayList<>(inRound);
        all.addAll(next);
        all.addAll(confirmed);
        inRound.clear();
        next.clear();
        confirmed.clear();
        inFlight = false;
        return all;
    }
}
