package io.regent.kv;


import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A transaction on the key-value store, in etcd's spirit: if every compare holds, the success
 * writes apply, otherwise the failure writes; either way as one entry of the stream, atomically.
 * Its text form: {@code txn}, the compares ({@code cv <key> <version>}, {@code cs <key> <value>},
 * {@code ce <key> 1|0}), {@code then}, the success writes ({@code put <key> <value>},
 * {@code del <key>}), {@code else}, the failure writes, all separated by single spaces, each value
 * written as its length in chars, a colon and the value, so that a value may hold anything. A
 * transaction a client may retry carries its idempotency key first, as a single write does:
 * {@code once <token> txn ...}.
 *
 * @param once the client's idempotency key: the transaction applies at most once, or null
 */
public record KvTxn(List<Compare> compare, List<Write> success, List<Write> failure, String once) {

    /** What must hold of a key for the success writes to apply. */
    public sealed interface Compare permits VersionIs, ValueIs, Exists {
        String key();
    }

    /** The key is at {@code version} (0: absent). */
    public record VersionIs(String key, long version) implements Compare { }

    /** The key holds {@code value}. */
    public record ValueIs(String key, String value) implements Compare { }

    /** The key exists, or does not. */
    public record Exists(String key, boolean exists) implements Compare { }

    /** A put ({@code value} set) or a delete ({@code value} null) of one key. */
    public record Write(String key, String value) {

        public boolean isPut() {
            return value != null;
        }
    }

    static final String PREFIX = "txn";

    public KvTxn {
        compare = List.copyOf(compare);
        success = List.copyOf(success);
        failure = List.copyOf(failure);
    }

    /** The same transaction, applied at most once for {@code token} (null: as often as it is sent). */
    public KvTxn once(String token) {
        return new KvTxn(compare, success, failure, token);
    }

    /** The writes that apply: the success branch's if the compares held. */
    public List<Write> branch(boolean succeeded) {
        return succeeded ? success : failure;
    }

    /**
     * What the transaction asks that a store cannot do, or null: a key written twice in one
     * branch (which write would win?), as etcd refuses it.
     */
    public String problem() {
        for (List<Write> branch : List.of(success, failure)) {
            Set<String> keys = new HashSet<>();
            for (Write w : branch) {
                if (!keys.add(w.key())) {
                    return "the key " + w.key() + " is written twice in one branch";
                }
            }
        }
        return null;
    }

    /** What identifies this transaction apart from its idempotency key: a retry must carry the same. */
    String fingerprint() {
        return KvCommand.sha256(once(null).encode(), 12);
    }

    /** Whether {@code text} is a transaction's form, with or without an idempotency key; copies nothing. */
    public static boolean isTxn(String text) {
        int at = OncePrefix.restStart(text);
        return at >= 0 && text.startsWith(PREFIX, at)
                && (text.length() == at + PREFIX.length() || text.charAt(at + PREFIX.length()) == ' ');
    }

    public String encode() {
        StringBuilder b = new StringBuilder(PREFIX);
        for (Compare c : compare) {
            if (c instanceof VersionIs v) {
                b.append(" cv ").append(v.key()).append(' ').append(v.version());
            } else if (c instanceof ValueIs v) {
                b.append(" cs ").append(v.key()).append(' ');
                sized(b, v.value());
            } else {
                Exists e = (Exists) c;
                b.append(" ce ").append(e.key()).append(' ').append(e.exists() ? '1' : '0');
            }
        }
        b.append(" then");
        writes(b, success);
        b.append(" else");
        writes(b, failure);
        return OncePrefix.join(once, b.toString());
    }

    private static void writes(StringBuilder b, List<Write> writes) {
        for (Write w : writes) {
            if (w.isPut()) {
                b.append(" put ").append(w.key()).append(' ');
                sized(b, w.value());
            } else {
                b.append(" del ").append(w.key());
            }
        }
    }

    private static void sized(StringBuilder b, String value) {
        b.append(value.length()).append(':').append(value);
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static KvTxn decode(String text) {
        OncePrefix once = OncePrefix.split(text);
        if (once.token() != null) {
            return decode(once.rest()).once(once.token());
        }
        Reader r = new Reader(text);
        if (!r.word().equals(PREFIX)) {
            throw new IllegalArgumentException("not a transaction");
        }
        List<Compare> compare = new ArrayList<>();
        for (String word = r.word(); !word.equals("then"); word = r.word()) {
            String key = r.word();
            switch (word) {
                case "cv" -> compare.add(new VersionIs(key, r.number()));
                case "cs" -> compare.add(new ValueIs(key, r.sized()));
                case "ce" -> compare.add(new Exists(key, r.number() == 1));
                default -> throw new IllegalArgumentException("a compare is cv, cs or ce, not " + word);
            }
        }
        List<Write> success = r.writes("else");
        List<Write> failure = r.writes(null);
        return new KvTxn(compare, success, failure, null);
    }

    /** Reads the text form word by word; a sized value may hold spaces. */
    private static final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return at >= text.length();
        }

        String word() {
            if (atEnd()) {
                throw new IllegalArgumentException("the transaction ends too early");
            }
            int end = text.indexOf(' ', at);
            String word = text.substring(at, end < 0 ? text.length() : end);
            at = end < 0 ? text.length() : end + 1;
            return word;
        }

        long number() {
            try {
                long n = Long.parseLong(word());
                if (n < 0) {
                    throw new IllegalArgumentException("a version is a whole number >= 0");
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a version is a whole number >= 0");
            }
        }

        String sized() {
            int colon = text.indexOf(':', at);
            if (colon < 0) {
                throw new IllegalArgumentException("a value is its length, a colon and the value");
            }
            int length;
            try {
                length = Integer.parseInt(text.substring(at, colon));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a value is its length, a colon and the value");
            }
            if (length < 0 || length > text.length() - colon - 1) {
                throw new IllegalArgumentException("a value's length does not match the text");
            }
            int end = colon + 1 + length;
            if (end < text.length() && text.charAt(end) != ' ') {
                throw new IllegalArgumentException("a value's length does not match the text");
            }
            String value = text.substring(colon + 1, end);
            at = end + 1;
            return value;
        }

        /** Writes up to {@code until} (a word), or to the end of the text if null. */
        List<Write> writes(String until) {
            List<Write> writes = new ArrayList<>();
            while (until != null || !atEnd()) {
                String word = word();
                if (word.equals(until)) {
                    return writes;
                }
                switch (word) {
                    case "put" -> writes.add(new Write(word(), sized()));
                    case "del" -> writes.add(new Write(word(), null));
                    default -> throw new IllegalArgumentException("a write is put or del, not " + word);
                }
            }
            return writes;
        }
    }
}
