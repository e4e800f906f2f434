package io.regent.sim;

import io.regent.history.Result;
import io.regent.kv.KeyValueStore;
import io.regent.replication.CommittedView;

import java.util.Optional;

/**
 * A read answered as the server answers every read (DESIGN.md §3.7): from its committed view,
 * with the commit point it reflects (its {@code Regent-Applied}), or not at all while the view is
 * not readable (503).
 */
final class CommittedRead {

    private CommittedRead() {
    }

    static void answer(SimServer s, ClientRequest r) {
        CommittedView view = s.member.replica().committedView();
        CommittedView.Read<Optional<KeyValueStore.Item>> read;
        try {
            read = view.read(state -> KeyValueStore.get(state, r.request.key()));
        } catch (CommittedView.NotReadable e) {
            r.failed();
            return;
        }
        Result result = read.value().<Result>map(i -> Result.present(i.value(), i.version())).orElse(Result.ABSENT);
        r.answered(result, read.at().seq());
    }

    /** Whether a {@code min-seq} read of {@code position} may be answered on s now. */
    static boolean reached(SimServer s, long position) {
        CommittedView view = s.member.replica().committedView();
        return view.readable() && view.committed().seq() >= position;
    }
}
