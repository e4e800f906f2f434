package io.regent.sim;

import io.regent.replication.Proposal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each server owes the register clients, as its host keeps it: writes waiting for their
 * commit by position, linearizable reads waiting for their round of heartbeats by ticket, and
 * {@code min-seq} reads waiting for the commit point. The server's effects name what is due, and
 * the clients are answered once the host's input is carried out (as {@code MemberHost} answers);
 * a crash or a halt answers nobody, so whatever it owed ends in doubt.
 */
final class Outstanding {

    /** One server life's debts. */
    private static final class Desk {
        /** Everything sent to the server and not yet answered, queued behind a pause included. */
        final Set<ClientRequest> open = new LinkedHashSet<>();
        final Map<Long, ClientRequest> writes = new LinkedHashMap<>();
        final Map<Long, ClientRequest> reads = new LinkedHashMap<>();
        final Map<ClientRequest, Long> minSeq = new LinkedHashMap<>();
        /** Answers the input under way made due. */
        final List<Runnable> due = new ArrayList<>();
    }

    private final Map<SimServer, Desk> desks = new HashMap<>();

    private Desk desk(SimServer s) {
        return desks.computeIfAbsent(s, k -> new Desk());
    }

    /** {@code r} was sent to its server: it is owed an answer from now on. */
    void sent(ClientRequest r) {
        desk(r.server).open.add(r);
    }

    /** The write was sequenced: its answer is due when its position commits. */
    void proposed(ClientRequest r, Proposal.Accepted a) {
        r.proposed(a);
        desk(r.server).writes.put(a.at().seq(), r);
    }

    /** The linearizable read waits for {@code ticket}'s round. */
    void reading(ClientRequest r, long ticket) {
        desk(r.server).reads.put(ticket, r);
    }

    /** The {@code min-seq} read waits for the server's commit point to reach {@code position}. */
    void waiting(ClientRequest r, long position) {
        desk(r.server).minSeq.put(r, position);
    }

    void committed(SimServer s, long seq) {
        ClientRequest r = desk(s).writes.remove(seq);
        if (r != null) {
            desk(s).due.add(r::committed);
        }
    }

    void failed(SimServer s, long seq) {
        ClientRequest r = desk(s).writes.remove(seq);
        if (r != null) {
            desk(s).due.add(r::unknown);
        }
    }

    void readReady(SimServer s, long ticket) {
        ClientRequest r = desk(s).reads.remove(ticket);
        if (r != null) {
            desk(s).due.add(() -> CommittedRead.answer(s, r));
        }
    }

    void readFailed(SimServer s, long ticket) {
        ClientRequest r = desk(s).reads.remove(ticket);
        if (r != null) {
            desk(s).due.add(r::failed);
        }
    }

    /** The host carried out an input of s: it answers what became due, and the reads its commit point now allows. */
    void inputDone(SimServer s) {
        Desk d = desks.get(s);
        if (d == null || (d.due.isEmpty() && d.minSeq.isEmpty())) {
            return;
        }
        List<Runnable> answers = new ArrayList<>(d.due);
        d.due.clear();
        d.minSeq.entrySet().removeIf(e -> {
            if (CommittedRead.reached(s, e.getValue())) {
                answers.add(() -> CommittedRead.answer(s, e.getKey()));
                return true;
            }
            return false;
        });
        answers.forEach(Runnable::run);
    }

    /** s crashed or halted: nobody it owed is answered; each write is in doubt, each read failed. */
    void crashed(SimServer s) {
        Desk d = desks.remove(s);
        if (d != null) {
            new ArrayList<>(d.open).forEach(ClientRequest::unknown);
        }
    }

    /** {@code r} has its outcome (answered, or its client gave up): the server owes it nothing more. */
    void settled(ClientRequest r) {
        Desk d = desks.get(r.server);
        if (d != null) {
            d.open.remove(r);
            d.writes.values().remove(r);
            d.reads.values().remove(r);
            d.minSeq.remove(r);
        }
    }
}
