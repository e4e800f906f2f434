package io.regent.kv;

import io.regent.machines.Machine;
import io.regent.machines.MachineState;
import io.regent.machines.Namespace;
import io.regent.replication.Pair;
import io.regent.replication.Position;
import io.regent.replication.StateSpace;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The shipped service, and the first machine of the platform (run by {@code Machines} as every
 * application's is): keys with versioned string values and compare-and-set, kept in the server's
 * state space (on disk), so the store may be larger than the heap. Its commands are
 * {@link KvCommand}s in their text form and its answers {@link KvResult}s, which the proposer
 * gets as objects and the log keeps encoded for watches. A key is stored as
 * its UTF-8 bytes, a value as its version (8 bytes) then its UTF-8 text; keys come back sorted,
 * so lists page by key. The store has a quota in bytes and in keys: a write that would pass it
 * is refused before it is sequenced (507), and nothing changes.
 *
 * <p>A write sent with an idempotency key applies at most once: its result is kept in the state,
 * under a reserved prefix no client key can use, for the last {@value #ONCE_WINDOW} such writes
 * (oldest forgotten first, by sequence, so every server forgets the same ones); a retry of it,
 * on this master or the next, gets the first answer again and changes nothing. The result is
 * kept with a digest of the write, so the same key sent with another write is refused
 * ({@link KvResult.Outcome#REUSED}) rather than answered with the first write's result; the web
 * layer scopes each key to its user ({@link KvCommand#ownedBy}).
 */
public final class KeyValueStore implements Machine {

    /** A value and its version (1 when created, +1 per write). */
    public record Item(String key, String value, long version) { }

    /** Its name among the machines. Its keys are the space's own, outside every application's namespace. */
    public static final String NAME = "kv";
    private static final Namespace KEYS = Namespace.root(NAME);

    /** Idempotency keys remembered. */
    public static final int ONCE_WINDOW = 100_000;
    /** Sorts after every character a client key may hold, so lists end before it. */
    private static final String RESERVED = "\u007f";
    private static final String ONCE_RESULT = RESERVED + "once/";
    private static final String ONCE_ORDER = RESERVED + "order/";
    private static final byte[] ONCE_RANGE = utf8(RESERVED + "range");
    /** Starts a remembered result that carries its write's digest (older ones carry none). */
    private static final String DIGEST = "#";

    private final long maxBytes;
    private final long maxKeys;
    private final int onceWindow;

    /**
     * @param maxBytes most bytes of keys and values the store holds (each value counts 8 bytes more)
     * @param maxKeys  most keys it holds
     */
    public KeyValueStore(long maxBytes, long maxKeys) {
        this(maxBytes, maxKeys, ONCE_WINDOW);
    }

    /** @param onceWindow idempotency keys remembered */
    KeyValueStore(long maxBytes, long maxKeys, int onceWindow) {
        this.maxBytes = maxBytes;
        this.maxKeys = maxKeys;
        this.onceWindow = onceWindow;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Namespace namespace() {
        return KEYS;
    }

    @Override
    public String refusal(byte[] command, MachineState state) {
        String text = new String(command, StandardCharsets.UTF_8);
        // the branch a transaction takes is not known before its compares run: both must fit
        List<List<KvTxn.Write>> branches;
        String once;
        try {
            if (KvTxn.isTxn(text)) {
                KvTxn t = KvTxn.decode(text);
                once = t.once();
                branches = List.of(t.success(), t.failure());
            } else {
                KvCommand c = KvCommand.decode(text);
                once = c.once();
                branches = List.of(c.op() == KvCommand.Op.PUT ? List.of(new KvTxn.Write(c.key(), c.value())) : List.of());
            }
        } catch (IllegalArgumentException e) {
            return null; // applies as INVALID and changes nothing
        }
        if (once != null && state.get(utf8(ONCE_RESULT + once)) != null) {
            return null; // a retry of a write already applied is answered, never refused
        }
        for (List<KvTxn.Write> writes : branches) {
            String problem = quota(writes, state);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** Why {@code writes} would pass the store's quota, or null: only a write that grows it is refused. */
    private String quota(List<KvTxn.Write> writes, MachineState state) {
        long grows = 0;
        long added = 0;
        for (KvTxn.Write w : writes) {
            if (w.isPut()) {
                byte[] key = key(w.key());
                byte[] old = state.get(key);
                grows += key.length + 8L + utf8(w.value()).length - (old == null ? 0 : key.length + old.length);
                added += old == null ? 1 : 0;
            }
        }
        if (grows > 0 && state.spaceBytes() + grows > maxBytes) {
            return "the group's state holds " + state.spaceBytes() + " bytes; this write would pass its quota of " + maxBytes
                    + " bytes (regent.kv.max-bytes)";
        }
        long keys = state.spacePairs() - onceEntries(state);
        if (added > 0 && keys + added > maxKeys) {
            return "the group's state holds " + keys + " keys; this write would pass its quota of " + maxKeys
                    + " (regent.kv.max-keys)";
        }
        return null;
    }

    @Override
    public String recorded(Object answer) {
        return answer instanceof KvTxnResult t ? t.encode() : ((KvResult) answer).encode();
    }

    /** @return a {@link KvResult}, or a {@link KvTxnResult} for a transaction */
    @Override
    public Object apply(byte[] command, Position at, MachineState state) {
        String text = new String(command, StandardCharsets.UTF_8);
        if (KvTxn.isTxn(text)) {
            return applyTxn(text, state);
        }
        KvCommand c;
        try {
            c = KvCommand.decode(text);
        } catch (IllegalArgumentException e) {
            return new KvResult(KvResult.Outcome.INVALID, null, 0);
        }
        if (c.once() == null) {
            return applyOnce(c, state);
        }
        String digest = c.fingerprint();
        Object first = firstAnswer(c.once(), digest, c.key(), state);
        if (first != null) {
            return first;
        }
        KvResult result = applyOnce(c, state);
        remember(c.once(), DIGEST + digest + " " + result.encode(), state);
        return result;
    }

    private Object applyTxn(String text, MachineState state) {
        KvTxn t;
        try {
            t = KvTxn.decode(text);
        } catch (IllegalArgumentException e) {
            return new KvResult(KvResult.Outcome.INVALID, null, 0);
        }
        if (t.problem() != null) {
            return new KvResult(KvResult.Outcome.INVALID, null, 0);
        }
        if (t.once() != null) {
            Object first = firstAnswer(t.once(), t.fingerprint(), null, state);
            if (first instanceof KvTxnResult r) {
                return r.withKeys(t.branch(r.succeeded()));
            }
            if (first != null) {
                return first;
            }
        }
        boolean holds = t.compare().stream().allMatch(c -> holds(c, state));
        List<KvResult> results = new ArrayList<>();
        for (KvTxn.Write w : t.branch(holds)) {
            results.add(applyOnce(w.isPut() ? KvCommand.put(w.key(), w.value(), null) : KvCommand.delete(w.key(), null),
                    state));
        }
        KvTxnResult result = new KvTxnResult(holds, results, false);
        if (t.once() != null) {
            // without the keys, which the retry names again: a record stays small however many it writes
            remember(t.once(), DIGEST + t.fingerprint() + " " + result.encodeWithoutKeys(), state);
        }
        return result;
    }

    private static boolean holds(KvTxn.Compare c, MachineState state) {
        byte[] current = state.get(key(c.key()));
        if (c instanceof KvTxn.VersionIs v) {
            return v.version() == (current == null ? 0 : version(current));
        }
        if (c instanceof KvTxn.ValueIs v) {
            return current != null && item(c.key(), current).value().equals(v.value());
        }
        return ((KvTxn.Exists) c).exists() == (current != null);
    }

    /**
     * The answer a write sent with idempotency key {@code token} got the first time, marked as a
     * repeat (a transaction's without its keys); REUSED if the key was used for another write
     * ({@code digest} differs); null if the key is new.
     *
     * @param key the single write's key, or null for a transaction
     */
    private static Object firstAnswer(String token, String digest, String key, MachineState state) {
        byte[] recorded = state.get(utf8(ONCE_RESULT + token));
        if (recorded == null) {
            return null;
        }
        String text = new String(recorded, StandardCharsets.UTF_8);
        if (text.startsWith(DIGEST)) {
            int end = text.indexOf(' ');
            if (!text.substring(DIGEST.length(), end).equals(digest)) {
                return new KvResult(KvResult.Outcome.REUSED, key, 0);
            }
            text = text.substring(end + 1);
        } else if (key == null) {
            return new KvResult(KvResult.Outcome.REUSED, null, 0); // an older build's record, of a single write
        }
        if (KvTxnResult.isTxnResult(text)) {
            return KvTxnResult.decode(text).again();
        }
        KvResult first = KvResult.decode(text);
        return new KvResult(first.outcome(), first.key(), first.version(), true);
    }

    private static KvResult applyOnce(KvCommand c, MachineState state) {
        if (c.op() == KvCommand.Op.BARRIER) {
            return new KvResult(KvResult.Outcome.PASSED, null, 0);
        }
        byte[] key = key(c.key());
        byte[] current = state.get(key);
        long version = current == null ? 0 : version(current);
        if (c.ifVersion() != null && c.ifVersion() != version) {
            return new KvResult(KvResult.Outcome.CONFLICT, c.key(), version);
        }
        if (c.op() == KvCommand.Op.DELETE) {
            if (current == null) {
                return new KvResult(KvResult.Outcome.ABSENT, c.key(), 0);
            }
            state.delete(key);
            return new KvResult(KvResult.Outcome.DELETED, c.key(), version);
        }
        state.put(key, value(version + 1, c.value()));
        return new KvResult(KvResult.Outcome.WRITTEN, c.key(), version + 1);
    }

    /** Keeps {@code record} for {@code token}, and forgets the oldest token past the window. */
    private void remember(String token, String record, MachineState state) {
        byte[] range = state.get(ONCE_RANGE);
        ByteBuffer r = range == null ? ByteBuffer.allocate(16) : ByteBuffer.wrap(range);
        long first = r.getLong(0);
        long next = r.getLong(8);
        state.put(utf8(ONCE_RESULT + token), utf8(record));
        state.put(orderKey(next), utf8(token));
        next++;
        while (next - first > onceWindow) {
            byte[] oldest = state.get(orderKey(first));
            if (oldest != null) {
                state.delete(utf8(ONCE_RESULT + new String(oldest, StandardCharsets.UTF_8)));
                state.delete(orderKey(first));
            }
            first++;
        }
        state.put(ONCE_RANGE, ByteBuffer.allocate(16).putLong(first).putLong(next).array());
    }

    /** The state's entries that remember idempotency keys: they do not count as the client's keys. */
    private static long onceEntries(MachineState state) {
        byte[] range = state.get(ONCE_RANGE);
        if (range == null) {
            return 0;
        }
        ByteBuffer r = ByteBuffer.wrap(range);
        return 2 * (r.getLong(8) - r.getLong(0)) + 1; // a result and an ordinal per key, and the range
    }

    private static byte[] orderKey(long n) {
        return utf8(ONCE_ORDER + String.format(java.util.Locale.ROOT, "%019d", n));
    }

    // ---- reads --------------------------------------------------------------------------

    public static Optional<Item> get(StateSpace space, String key) {
        byte[] v = KEYS.reading(space).get(key(key));
        return v == null ? Optional.empty() : Optional.of(item(key, v));
    }

    /** Up to {@code limit} items whose keys start with {@code prefix}, after key {@code after}. */
    public static List<Item> list(StateSpace space, String prefix, String after, int limit) {
        MachineState state = KEYS.reading(space);
        boolean skipAfter = after != null && after.compareTo(prefix) >= 0;
        String from = skipAfter ? after : prefix;
        List<Item> page = new ArrayList<>();
        // one more than asked, in case the first is 'after' itself
        for (Pair p : state.scan(key(from), limit + 1)) {
            String k = new String(p.key(), StandardCharsets.UTF_8);
            if (skipAfter && k.equals(after)) {
                continue;
            }
            if (!k.startsWith(prefix) || k.startsWith(RESERVED) || page.size() == limit) {
                break;
            }
            page.add(item(k, p.value()));
        }
        return page;
    }

    // ---- encoding -----------------------------------------------------------------------

    private static byte[] key(String key) {
        return utf8(key);
    }

    private static byte[] value(long version, String value) {
        byte[] text = utf8(value);
        return ByteBuffer.allocate(8 + text.length).putLong(version).put(text).array();
    }

    private static long version(byte[] stored) {
        return ByteBuffer.wrap(stored).getLong();
    }

    private static Item item(String key, byte[] stored) {
        return new Item(key, new String(stored, 8, stored.length - 8, StandardCharsets.UTF_8), version(stored));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
