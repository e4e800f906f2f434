package io.regent.history;

import java.util.Objects;

/**
 * What a client asked of one key: the part of an {@link Operation} known when it is invoked. The
 * arguments a kind does not take are {@link #NONE} (or null), so that a request says exactly what
 * was sent.
 *
 * @param key             the key
 * @param kind            what was asked
 * @param value           the value a put writes (unique in a workload), else null
 * @param expectedVersion the version a compare-and-set expects ({@code If-Match}; 0: absent), else {@link #NONE}
 * @param consistency     what a read asked for, else null
 * @param minSeq          the position a {@link Consistency#MIN_SEQ} read waits for, else {@link #NONE}
 */
public record Request(String key, Kind kind, String value, long expectedVersion, Consistency consistency, long minSeq) {

    /** An argument the request does not carry. */
    public static final long NONE = -1;

    /** The requests a workload sends. */
    public enum Kind {
        PUT, CAS_PUT, DELETE, CAS_DELETE, READ;

        public boolean isWrite() {
            return this != READ;
        }

        /** A compare-and-set: applies only if the key is at the expected version. */
        public boolean isConditional() {
            return this == CAS_PUT || this == CAS_DELETE;
        }

        /** A put: writes a value. */
        public boolean writesValue() {
            return this == PUT || this == CAS_PUT;
        }
    }

    /** What a read asked for, and so what the checker holds it to. */
    public enum Consistency {
        /** {@code consistency=linearizable}: the state at a point between its invocation and response. */
        LINEARIZABLE,
        /** The default read: a state the key really had, possibly stale. */
        COMMITTED,
        /** {@code min-seq=N}: as {@link #COMMITTED}, at least as new as every write answered at position N or before. */
        MIN_SEQ
    }

    public Request {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        if (kind.writesValue() != (value != null)) {
            throw new IllegalArgumentException(kind + (value == null ? " needs a value" : " takes no value"));
        }
        if (kind.isConditional() != (expectedVersion >= 0) || expectedVersion < NONE) {
            throw new IllegalArgumentException(kind + (kind.isConditional()
                    ? " needs an expected version of 0 or more" : " takes no expected version"));
        }
        if ((kind == Kind.READ) != (consistency != null)) {
            throw new IllegalArgumentException(kind + (consistency == null ? " needs a consistency" : " takes no consistency"));
        }
        if ((consistency == Consistency.MIN_SEQ) != (minSeq >= 0) || minSeq < NONE) {
            throw new IllegalArgumentException("a min-seq read, and only it, carries a position of 0 or more");
        }
    }

    public static Request put(String key, String value) {
        return new Request(key, Kind.PUT, value, NONE, null, NONE);
    }

    /** A put with {@code If-Match: "expectedVersion"} (0: the key must be absent). */
    public static Request casPut(String key, String value, long expectedVersion) {
        return new Request(key, Kind.CAS_PUT, value, expectedVersion, null, NONE);
    }

    public static Request delete(String key) {
        return new Request(key, Kind.DELETE, null, NONE, null, NONE);
    }

    /** A delete with {@code If-Match: "expectedVersion"}. */
    public static Request casDelete(String key, long expectedVersion) {
        return new Request(key, Kind.CAS_DELETE, null, expectedVersion, null, NONE);
    }

    /** A {@link Consistency#LINEARIZABLE} or {@link Consistency#COMMITTED} read. */
    public static Request read(String key, Consistency consistency) {
        if (consistency == Consistency.MIN_SEQ) {
            throw new IllegalArgumentException("a min-seq read names its position: use readMinSeq");
        }
        return new Request(key, Kind.READ, null, NONE, consistency, NONE);
    }

    /** A read with {@code min-seq=position}. */
    public static Request readMinSeq(String key, long position) {
        return new Request(key, Kind.READ, null, NONE, Consistency.MIN_SEQ, position);
    }

    /** The request as a reader of a report would write it, e.g. {@code CAS_PUT "v7" if v3}. */
    public String describe() {
        return switch (kind) {
            case PUT -> "PUT " + quote(value);
            case CAS_PUT -> "CAS_PUT " + quote(value) + " if v" + expectedVersion;
            case DELETE -> "DELETE";
            case CAS_DELETE -> "CAS_DELETE if v" + expectedVersion;
            case READ -> "READ " + switch (consistency) {
                case LINEARIZABLE -> "linearizable";
                case COMMITTED -> "committed";
                case MIN_SEQ -> "min-seq " + minSeq;
            };
        };
    }

    static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + '"';
    }
}
