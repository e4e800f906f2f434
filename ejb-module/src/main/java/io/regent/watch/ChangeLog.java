package io.regent.watch;

import io.regent.kv.KvCommand;
import io.regent.kv.KvResult;
import io.regent.kv.KvTxn;
import io.regent.kv.KvTxnResult;
import io.regent.machines.MachineCommand;
import io.regent.machines.Machines;
import io.regent.replication.Applied;
import io.regent.replication.ReplicaStorage;

import java.util.ArrayList;
import java.util.List;

/**
 * The changes a watch reports, read from the retained log of writes and their results: only
 * writes that changed the store (not a failed compare-and-set, a barrier or the retry of a write
 * already applied), only under the watched prefix, and only up to what the caller knows to be
 * committed.
 */
final class ChangeLog {

    /**
     * A run of the log read for one watch.
     *
     * @param through   the last position read: the next read starts after it
     * @param compacted the log no longer holds the write after the position asked for
     */
    record Page(List<Change> changes, long through, boolean compacted) { }

    private final ReplicaStorage storage;

    ChangeLog(ReplicaStorage storage) {
        this.storage = storage;
    }

    /** The changes under {@code prefix} after {@code after} and up to {@code upTo}, about {@code maxBytes} of log. */
    Page read(long after, long upTo, String prefix, long maxBytes) {
        List<Change> changes = new ArrayList<>();
        long through = after;
        if (upTo <= after) {
            return new Page(changes, through, false);
        }
        List<Applied> run = storage.appliedAfter(after, maxBytes);
        if (run.isEmpty() || run.get(0).entry().seq() != after + 1) {
            return new Page(changes, through, true);
        }
        for (Applied a : run) {
            if (a.entry().seq() > upTo) {
                break;
            }
            through = a.entry().seq();
            for (Change c : changes(a)) {
                if (c.key().startsWith(prefix)) {
                    changes.add(c);
                }
            }
        }
        return new Page(changes, through, false);
    }

    /** Whether the log still holds every write after {@code after} (so a watch can start there). */
    boolean holdsAfter(long after, long applied) {
        return !read(after, applied, "", 1).compacted();
    }

    /** What one entry changed: nothing, one key, or each key a transaction changed, in its order. */
    private static List<Change> changes(Applied a) {
        if (a.entry().isNoOp() || MachineCommand.isMachineCommand(a.entry().command()) || Machines.failed(a.result())) {
            return List.of(); // a master's opening entry, an application machine's command, or one that failed: no key changed
        }
        long seq = a.entry().seq();
        if (KvTxnResult.isTxnResult(a.result())) {
            KvTxnResult result = KvTxnResult.decode(a.result());
            if (result.repeated()) {
                return List.of();
            }
            List<KvTxn.Write> writes = KvTxn.decode(a.entry().command()).branch(result.succeeded());
            List<Change> changes = new ArrayList<>();
            for (int i = 0; i < writes.size(); i++) {
                if (result.writes().get(i).changed()) {
                    changes.add(change(seq, result.writes().get(i), writes.get(i).value()));
                }
            }
            return changes;
        }
        KvResult result = KvResult.decode(a.result());
        return result.changed() ? List.of(change(seq, result, KvCommand.decode(a.entry().command()).value())) : List.of();
    }

    /** The change a write that changed the store made ({@code value}: what it put). */
    private static Change change(long seq, KvResult result, String value) {
        return result.outcome() == KvResult.Outcome.WRITTEN
                ? new Change(seq, Change.Type.PUT, result.key(), value, result.version())
                : new Change(seq, Change.Type.DELETE, result.key(), null, result.version());
    }
}
