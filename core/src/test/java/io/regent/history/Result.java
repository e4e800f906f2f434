package io.regent.history;

import java.util.Objects;

/**
 * A definite answer to a request: what the client saw, and so what the checker holds the store
 * to. A write that was not answered has no result (its {@link Operation.Outcome} says why).
 */
public sealed interface Result {

    /** A read of a missing key (404), or a delete of one (404): nothing changed. */
    Absent ABSENT = new Absent();

    /** A put applied (200/201): the key's new version. */
    record Written(long version) implements Result {
        public Written {
            if (version < 1) {
                throw new IllegalArgumentException("a written version is 1 or more: " + version);
            }
        }
    }

    /** A delete applied (200/204): the version it removed. */
    record Deleted(long version) implements Result {
        public Deleted {
            if (version < 1) {
                throw new IllegalArgumentException("a deleted version is 1 or more: " + version);
            }
        }
    }

    /** A compare-and-set found another version (412) and changed nothing: the version it found (0: absent). */
    record Conflict(long currentVersion) implements Result {
        public Conflict {
            if (currentVersion < 0) {
                throw new IllegalArgumentException("a version is 0 or more: " + currentVersion);
            }
        }
    }

    /** The key was missing. */
    record Absent() implements Result {
    }

    /** A read found the key holding {@code value} at {@code version}. */
    record Present(String value, long version) implements Result {
        public Present {
            Objects.requireNonNull(value, "value");
            if (version < 1) {
                throw new IllegalArgumentException("a present version is 1 or more: " + version);
            }
        }
    }

    static Written written(long version) {
        return new Written(version);
    }

    static Deleted deleted(long version) {
        return new Deleted(version);
    }

    static Conflict conflict(long currentVersion) {
        return new Conflict(currentVersion);
    }

    static Present present(String value, long version) {
        return new Present(value, version);
    }

    /** Whether a request of this kind can be answered so (a put never answers absent, a read never conflicts). */
    default boolean answers(Request.Kind kind) {
        return switch (kind) {
            case READ -> this instanceof Present || this instanceof Absent;
            case PUT -> this instanceof Written;
            case CAS_PUT -> this instanceof Written || this instanceof Conflict;
            case DELETE -> this instanceof Deleted || this instanceof Absent;
            case CAS_DELETE -> this instanceof Deleted || this instanceof Conflict || this instanceof Absent;
        };
    }

    /** The answer as a reader of a report would write it, e.g. {@code present "v7"@3}. */
    default String describe() {
        if (this instanceof Written w) {
            return "written v" + w.version();
        } else if (this instanceof Deleted d) {
            return "deleted v" + d.version();
        } else if (this instanceof Conflict c) {
            return "conflict, found v" + c.currentVersion();
        } else if (this instanceof Present p) {
            return "present " + Request.quote(p.value()) + "@" + p.version();
        }
        return "absent";
    }
}
