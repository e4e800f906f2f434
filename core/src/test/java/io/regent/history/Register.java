package io.regent.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sequential specification of one key, as {@code io.regent.kv.KeyValueStore} applies it: the
 * key is absent (version 0) or holds a value at a version; a put writes version + 1, a delete of
 * a present key makes it absent (so the next put writes version 1), a compare-and-set applies
 * only at the version it expects. A state is packed in a long (the value's number in the high
 * half, the version in the low half; 0 is absent), so the search can keep and compare millions.
 */
final class Register {

    /** Every key starts absent. */
    static final long ABSENT = 0;
    /** What {@link #apply} answers when the operation cannot take effect in the state. */
    static final long REFUSED = -1;
    static final long MAX_VERSION = 0xFFFF_FFFFL;

    /**
     * The number of every value no read returned: such values can only be told apart by reads, so
     * states that differ only in which of them the key holds are one state to the search.
     */
    static final int UNREAD = 1;

    private final List<String> values = new ArrayList<>(List.of("", "")); // 0: no value; 1: UNREAD
    private final Map<String, Integer> numbers = new HashMap<>();

    /** The number that stands for {@code value}, a value some read returned, in a state (2 or more). */
    int number(String value) {
        return numbers.computeIfAbsent(value, v -> {
            values.add(v);
            return values.size() - 1;
        });
    }

    static long state(int value, long version) {
        if (version < 0 || version > MAX_VERSION) {
            throw new IllegalArgumentException("a version the checker cannot hold: " + version);
        }
        return value == 0 ? ABSENT : (long) value << 32 | version;
    }

    /** How many value numbers are in use (0 and {@link #UNREAD} included). */
    int values() {
        return values.size();
    }

    /** The text of the value the key holds in {@code state}. */
    String valueText(long state) {
        return values.get(value(state));
    }

    /** The number of the value the key holds in {@code state} (0: absent). */
    static int value(long state) {
        return (int) (state >>> 32);
    }

    static long version(long state) {
        return state & MAX_VERSION;
    }

    /** The state after {@code step} in {@code state}, or {@link #REFUSED} if it cannot take effect there. */
    static long apply(long state, Step step) {
        long version = version(state);
        return switch (step.effect()) {
            case OBSERVE -> state == step.observed() ? state : REFUSED;
            case CONFLICT -> version == step.version() ? state : REFUSED;
            case PUT -> step.version() < 0 || version == step.version() - 1 ? state(step.value(), version + 1) : REFUSED;
            case CAS_PUT -> version == step.expected() ? state(step.value(), version + 1) : REFUSED;
            case DELETE -> state != ABSENT && (step.version() < 0 || version == step.version()) ? ABSENT : REFUSED;
            case CAS_DELETE -> state != ABSENT && version == step.expected() ? ABSENT : REFUSED;
        };
    }

    /** Why {@code step} cannot take effect in {@code state}, shown as {@code shown}, for a report. */
    String refusal(long state, String shown, Step step) {
        String holds = "the key " + (state == ABSENT ? "is absent" : "holds " + shown);
        return switch (step.effect()) {
            case OBSERVE -> "it saw the key " + (step.observed() == ABSENT ? "absent" : "hold " + describe(step.observed(), null))
                    + "; " + holds;
            case CONFLICT -> "it found v" + step.version() + "; " + holds;
            case PUT -> "it wrote v" + step.version() + ", so needs v" + (step.version() - 1) + " before it; " + holds;
            case CAS_PUT -> "it expects v" + step.expected() + "; " + holds;
            case DELETE -> state == ABSENT ? "it deleted a present key; " + holds
                    : "it deleted v" + step.version() + "; " + holds;
            case CAS_DELETE -> state == ABSENT ? "it deleted a present key; " + holds
                    : "it expects v" + step.expected() + "; " + holds;
        };
    }

    /**
     * A state as a report prints it: {@code absent} or {@code "v7"@3}; {@code lastWrite} (may be
     * null) names the value if no read returned it.
     */
    String describe(long state, Step lastWrite) {
        int value = value(state);
        if (state == ABSENT) {
            return "absent";
        }
        String text = value != UNREAD ? Request.quote(values.get(value))
                : lastWrite != null && lastWrite.operation().kind().writesValue()
                ? Request.quote(lastWrite.operation().request().value()) : "a value no read returned";
        return text + "@" + version(state);
    }
}
