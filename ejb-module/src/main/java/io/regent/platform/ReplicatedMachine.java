package io.regent.platform;

import io.regent.api.Epoch;
import io.regent.api.ReadConsistency;
import io.regent.api.Replicated;
import io.regent.api.ReplicatedState;
import io.regent.api.ReplicationException;
import io.regent.group.GroupService;
import io.regent.host.NotOpenReason;
import io.regent.host.ReadOutcome;
import io.regent.host.WriteOutcome;
import io.regent.machines.MachineCommand;
import io.regent.machines.Machines;
import io.regent.replication.CommittedView;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * {@link Replicated} for one application machine: its commands go into the group's log as the
 * key-value store's writes do, and the answer object its {@code apply} returned on this master
 * comes back to the caller as it is.
 */
final class ReplicatedMachine<C, R> implements Replicated<C, R> {

    private final GroupService group;
    private final MachineAdapter<C, R> machine;
    /** Where the application's stages complete: never a thread of the member's, which its callbacks could stall. */
    private final Executor answers;
    /** The largest command the log takes: what a key-value write of the largest value may take. */
    private final long maxCommandBytes;

    ReplicatedMachine(GroupService group, MachineAdapter<C, R> machine, Executor answers) {
        this.group = group;
        this.machine = machine;
        this.answers = answers;
        this.maxCommandBytes = group.settings().limits().maxValueBytes();
    }

    @Override
    public CompletionStage<R> propose(C command) {
        return propose(command, null);
    }

    @Override
    public CompletionStage<R> propose(C command, Epoch expected) {
        byte[] payload;
        try {
            payload = machine.encode(command);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        String entry = new MachineCommand(machine.name(), payload).encode();
        long size = entry.length(); // base64 and a name of a-z, 0-9, '-': one byte a character
        if (size > maxCommandBytes) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a command of '" + machine.name()
                    + "' takes " + size + " bytes in the log (its bytes in base64), more than the "
                    + maxCommandBytes + " of regent.kv.max-value-bytes"));
        }
        io.regent.protocol.Epoch fence = expected == null ? null : RoleTransitions.epoch(expected);
        return group.propose(entry, fence).thenComposeAsync(this::answer,
                answers);
    }

    @SuppressWarnings("unchecked")
    private CompletionStage<R> answer(WriteOutcome outcome) {
        if (outcome instanceof WriteOutcome.Committed c) {
            return c.value() instanceof Machines.Failed f ? CompletableFuture.failedFuture(f.cause())
                    : CompletableFuture.completedFuture((R) c.value());
        }
        return CompletableFuture.failedFuture(failure(outcome));
    }

    private RuntimeException failure(WriteOutcome outcome) {
        if (outcome instanceof WriteOutcome.InDoubt d) {
            return new ReplicationException(ReplicationException.Kind.IN_DOUBT, "command sequenced at " + d.at()
                    + " but not confirmed: " + d.reason());
        }
        if (outcome instanceof WriteOutcome.Refused r) {
            return new ReplicationException(ReplicationException.Kind.REFUSED, r.reason());
        }
        if (outcome instanceof WriteOutcome.Busy b) {
            return new ReplicationException(ReplicationException.Kind.BUSY, b.reason());
        }
        if (outcome instanceof WriteOutcome.Fenced f) {
            return new ReplicationException(ReplicationException.Kind.FENCED, "the mastership " + f.expected()
                    + " this command requires is not the master's (" + f.current() + "); nothing applied");
        }
        return notOpen(((WriteOutcome.NotOpen) outcome).why());
    }

    private RuntimeException notOpen(NotOpenReason why) {
        return why == NotOpenReason.NOT_MASTER || why == NotOpenReason.NO_MASTER ? group.mastership().notMaster()
                : new ReplicationException(ReplicationException.Kind.UNAVAILABLE, why.text() + "; retry shortly");
    }

    @Override
    public <T> CompletionStage<T> read(Function<ReplicatedState, T> query, ReadConsistency consistency) {
        if (consistency == ReadConsistency.COMMITTED) {
            return readCommitted(query);
        }
        return group.linearizableRead().thenComposeAsync(outcome -> {
            if (outcome instanceof ReadOutcome.Confirmed) {
                return readCommitted(query);
            }
            return CompletableFuture.failedFuture(outcome instanceof ReadOutcome.NotOpen n ? notOpen(n.why())
                    : new ReplicationException(ReplicationException.Kind.UNAVAILABLE,
                            ((ReadOutcome.NotConfirmed) outcome).reason()));
        }, answers);
    }

    private <T> CompletionStage<T> readCommitted(Function<ReplicatedState, T> query) {
        try {
            return CompletableFuture.completedFuture(group.read(space -> query.apply(
                    new StateView(machine.namespace().reading(space)))).value());
        } catch (CommittedView.NotReadable e) {
            return CompletableFuture.failedFuture(new ReplicationException(ReplicationException.Kind.UNAVAILABLE,
                    e.getMessage()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
