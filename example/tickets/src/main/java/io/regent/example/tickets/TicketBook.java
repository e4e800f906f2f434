package io.regent.example.tickets;

import io.regent.api.AppliedAt;
import io.regent.api.CommandCodec;
import io.regent.api.ReplicatedState;
import io.regent.api.ReplicatedStateMachine;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * Issues numbered tickets, each number once, to whoever asks the master. The state: the last
 * number issued, each ticket under its number, and each request id's number, so a retried request
 * gets its first ticket back. Deterministic, as every replicated machine: no clock, no I/O; the
 * epoch a ticket records comes from where the command stands in the log.
 */
@ApplicationScoped
public class TicketBook implements ReplicatedStateMachine<IssueTicket, Ticket> {

    private static final byte[] LAST = Records.text("last");
    private static final String TICKET = "ticket/";
    private static final String REQUEST = "request/";

    private static final CommandCodec<IssueTicket> CODEC = new CommandCodec<>() {
        @Override
        public byte[] encode(IssueTicket c) {
            return Records.write(out -> {
                out.writeUTF(c.requestId());
                out.writeUTF(c.holder());
            });
        }

        @Override
        public IssueTicket decode(byte[] bytes) {
            return Records.read(bytes, in -> new IssueTicket(in.readUTF(), in.readUTF()));
        }
    };

    @Override
    public String name() {
        return "tickets";
    }

    @Override
    public CommandCodec<IssueTicket> codec() {
        return CODEC;
    }

    @Override
    public Ticket apply(IssueTicket command, AppliedAt at, ReplicatedState state) {
        byte[] requestKey = Records.text(REQUEST + command.requestId());
        byte[] earlier = state.get(requestKey);
        if (earlier != null) {
            Ticket first = find(state, Records.number(earlier, 0)).orElseThrow();
            return new Ticket(first.number(), first.holder(), first.requestId(), first.seq(), first.epoch(), true);
        }
        byte[] last = state.get(LAST);
        long number = (last == null ? 0 : Records.number(last, 0)) + 1;
        Ticket t = new Ticket(number, command.holder(), command.requestId(), at.seq(), at.epoch().toString(), false);
        state.put(LAST, Records.numbered("", number));
        state.put(Records.numbered(TICKET, number), Records.write(out -> {
            out.writeUTF(t.holder());
            out.writeUTF(t.requestId());
            out.writeLong(t.seq());
            out.writeUTF(t.epoch());
        }));
        state.put(requestKey, Records.numbered("", number));
        return t;
    }

    /** The ticket of that number, in a read of the committed state. */
    public static Optional<Ticket> find(ReplicatedState state, long number) {
        byte[] value = state.get(Records.numbered(TICKET, number));
        return value == null ? Optional.empty() : Optional.of(Records.read(value,
                in -> new Ticket(number, in.readUTF(), in.readUTF(), in.readLong(), in.readUTF(), false)));
    }

    /** How many tickets were issued, in a read of the committed state. */
    public static long issued(ReplicatedState state) {
        byte[] last = state.get(LAST);
        return last == null ? 0 : Records.number(last, 0);
    }
}
