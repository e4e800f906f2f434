package io.regent.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * What a transaction did, as every server computes it: whether its compares held, and what each
 * write of the branch that applied did, in order. Encoded as {@code TXN true|false}, then one
 * line per write in {@link KvResult}'s form; after {@code AGAIN } for a retry answered with its
 * first result.
 *
 * @param repeated a retry of a transaction already applied (same idempotency key): nothing changed this time
 */
public record KvTxnResult(boolean succeeded, List<KvResult> writes, boolean repeated) {

    private static final String PREFIX = "TXN ";
    private static final String AGAIN = "AGAIN ";

    public KvTxnResult {
        writes = List.copyOf(writes);
    }

    /** Whether {@code text} is a transaction's result, first or repeated. */
    public static boolean isTxnResult(String text) {
        return text.startsWith(PREFIX) || text.startsWith(AGAIN + PREFIX);
    }

    public KvTxnResult again() {
        return new KvTxnResult(succeeded, writes, true);
    }

    public String encode() {
        StringBuilder b = new StringBuilder(repeated ? AGAIN : "").append(PREFIX).append(succeeded);
        writes.forEach(w -> b.append('\n').append(w.encode()));
        return b.toString();
    }

    /**
     * The form an idempotency record keeps: the outcomes and versions without the keys, which
     * the transaction itself names again when it is retried ({@link #withKeys}).
     */
    String encodeWithoutKeys() {
        return new KvTxnResult(succeeded, writes.stream().map(w -> new KvResult(w.outcome(), null, w.version())).toList(),
                repeated).encode();
    }

    /** This result with each write's key taken from the writes of the branch that ran. */
    KvTxnResult withKeys(List<KvTxn.Write> branch) {
        List<KvResult> keyed = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            KvResult w = writes.get(i);
            keyed.add(new KvResult(w.outcome(), branch.get(i).key(), w.version(), w.repeated()));
        }
        return new KvTxnResult(succeeded, keyed, repeated);
    }

    public static KvTxnResult decode(String text) {
        if (text.startsWith(AGAIN)) {
            return decode(text.substring(AGAIN.length())).again();
        }
        String[] lines = text.split("\n", -1);
        List<KvResult> writes = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            writes.add(KvResult.decode(lines[i]));
        }
        return new KvTxnResult(Boolean.parseBoolean(lines[0].substring(PREFIX.length())), writes, false);
    }
}
