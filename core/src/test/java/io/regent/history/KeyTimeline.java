package io.regent.history;

import io.regent.history.Operation.Outcome;
import io.regent.history.Request.Consistency;
import io.regent.history.Request.Kind;
import io.regent.history.Step.Effect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one key's operations into the {@link Step}s the search places, each with the window that
 * what it asked for, and what its answer proves, allow. Every rule below only widens a window, or
 * narrows it by something the answers prove, so a history from a correct store always has an
 * order that fits (no false alarm), while each kind of anomaly leaves none.
 *
 * <ul>
 * <li>A write that was answered, and a {@link Consistency#LINEARIZABLE} read: its own interval,
 *     from invocation to response.
 * <li>A {@link Consistency#COMMITTED} read may be stale, but must return a state the key really
 *     had: its window runs from the invocation of the write that produced the value it returned
 *     (values are unique) to its response; for an absent answer, from the beginning (every key
 *     starts absent). Sound: the read returned the state the key held at some moment p; p is no
 *     later than the response (the state was read before it was answered) and no earlier than
 *     the producing write's invocation (a write cannot take effect before it is sent). A value no
 *     write produced, one produced by a write sent after the read was answered, and one that was
 *     later lost (see unknown writes) fit in no such window.
 * <li>A {@link Consistency#MIN_SEQ} read, and any read whose answer names the position it
 *     reflects ({@code Regent-Applied}): as committed, and it must also be placed after every
 *     write on the key answered at that position or before (the higher of min-seq and the
 *     applied position), so its window opens no earlier than their invocations. Sound: the store
 *     applies writes in position order, and a copy that has applied N holds every write at N or
 *     before, so the read can be placed just after the latest of the write that produced its
 *     state and those it names. The bound is an order, not the named write's response time: a
 *     write's answer may arrive after a later write has already replaced its value, and a read
 *     at min-seq N may then rightly return the replaced value.
 * <li>A write whose outcome is {@link Outcome#UNKNOWN} may take effect at any time after its
 *     invocation, or never: the search may leave it out. If a read returned its value it did take
 *     effect, before that read's response, and wrote the version that read saw: it becomes
 *     required, its window closing there. So a dirty read (of a write that never committed) is
 *     caught: the write is forced in, and the rest of the history, which shows it never applied,
 *     leaves no order that fits.
 * <li>A {@link Outcome#FAILED} write, and a read that was not answered, are left out: they
 *     changed nothing, and saw nothing.
 * </ul>
 *
 * <p>An answer no order can explain is reported at once as a {@link Contradiction}, before any
 * search: a read of a value no write produced, of a write sent after the read was answered, at
 * a version its write did not write, or of a value a write that real time (or the read's
 * position) puts between them had replaced; a compare-and-set answered at odds with what it
 * expected. If one write only may have produced a value (as values are unique), that is it.
 */
final class KeyTimeline {

    /** Before every operation: when an absent key was first absent. */
    static final long BEGINNING = Long.MIN_VALUE;
    /** After every operation: the end of a window that never closes. */
    static final long NEVER = Long.MAX_VALUE;

    /** An answer no order of the history can explain, whatever the other operations did. */
    record Contradiction(Operation operation, String why) {
    }

    final Register register = new Register();
    /** The required steps first, each group by window; a step's index is its position here. */
    final List<Step> steps = new ArrayList<>();
    int required;
    /** For each symmetry class, its writes in order of invocation. */
    int[][] symmetryClasses = new int[0][];
    Contradiction contradiction;
    /** Per value number: whether one write only could have produced it, so that once replaced it is gone. */
    boolean[] writtenOnce = new boolean[0];

    private KeyTimeline() {
    }

    /** One key's operations (in any order); {@code originNanos} is where a report's times start. */
    static KeyTimeline of(List<Operation> operations, long originNanos) {
        KeyTimeline timeline = new KeyTimeline();
        timeline.build(operations, originNanos);
        return timeline;
    }

    private void build(List<Operation> operations, long origin) {
        List<Operation> kept = new ArrayList<>();
        for (Operation op : operations) {
            boolean unanswered = op.outcome() == Outcome.UNKNOWN;
            boolean changesNothing = op.kind() == Kind.READ
                    || (op.kind() == Kind.CAS_DELETE && op.request().expectedVersion() == 0);
            if (op.outcome() != Outcome.FAILED && !(unanswered && changesNothing)) {
                kept.add(op);
            }
        }
        Map<String, List<Operation>> producers = new HashMap<>();
        Map<String, Long> firstSeen = new HashMap<>();
        Map<String, Long> seenAt = new HashMap<>(); // the version a read saw a value at
        for (Operation op : kept) {
            if (op.kind().writesValue() && (op.outcome() == Outcome.UNKNOWN || op.result() instanceof Result.Written)) {
                producers.computeIfAbsent(op.request().value(), v -> new ArrayList<>()).add(op);
            }
            if (op.result() instanceof Result.Present p) {
                firstSeen.merge(p.value(), op.respondedNanos(), Math::min);
                seenAt.putIfAbsent(p.value(), p.version());
            }
        }
        for (Operation op : kept) {
            String why = contradiction(op, producers, seenAt, operations, origin);
            if (why != null) {
                contradiction = new Contradiction(op, why);
                return;
            }
        }
        Sequenced sequenced = new Sequenced(kept.stream()
                .filter(op -> op.kind().isWrite() && op.outcome() == Outcome.OK && op.seq() >= 0)
                .sorted(Comparator.comparingLong(Operation::seq))
                .toList());
        List<Draft> drafts = new ArrayList<>();
        for (Operation op : kept) {
            drafts.add(op.kind() == Kind.READ ? read(op, producers, sequenced, origin)
                    : write(op, producers, firstSeen, seenAt));
        }
        if (contradiction != null) {
            return;
        }
        number(drafts);
        writtenOnce = new boolean[register.values()];
        Step[] producer = new Step[register.values()];
        producers.forEach((value, writers) -> {
            if (writers.size() == 1 && firstSeen.containsKey(value)) {
                writtenOnce[register.number(value)] = true;
            }
        });
        for (Step s : steps) {
            if (s.required() && s.operation().kind().writesValue() && s.value() != Register.UNREAD
                    && writtenOnce[s.value()]) {
                producer[s.value()] = s;
            }
        }
        contradiction = readOfAReplacedValue(producer, origin);
    }

    /**
     * A read that returned a value after a write that must have replaced it: one sent after the
     * value's write was answered, and answered before the read's window opened (or that the read
     * must follow by its position). Values are unique, so the value was gone by then: no order
     * explains the read, which is reported at once rather than by an exhaustive search.
     */
    private Contradiction readOfAReplacedValue(Step[] producer, long origin) {
        List<Step> writes = steps.stream()
                .filter(s -> s.required() && !s.pure())
                .sorted(Comparator.comparingLong(Step::end))
                .toList();
        Step[] latestSent = new Step[writes.size()]; // of writes.get(0..i), the one sent last
        for (int i = 0; i < writes.size(); i++) {
            Step w = writes.get(i);
            latestSent[i] = i > 0 && latestSent[i - 1].start() >= w.start() ? latestSent[i - 1] : w;
        }
        for (Step r : steps) {
            if (r.effect() != Effect.OBSERVE || r.observed() == Register.ABSENT) {
                continue;
            }
            Step p = producer[Register.value(r.observed())];
            if (p == null) {
                continue;
            }
            int before = lastEndingBefore(writes, r.start());
            Step replacing = before >= 0 && latestSent[before].start() > p.end() ? latestSent[before] : null;
            String how = "answered before this read's window opened";
            for (int a : r.after()) {
                if (replacing == null && steps.get(a).start() > p.end() && !steps.get(a).pure()) {
                    replacing = steps.get(a);
                    how = "answered at a position this read reflects";
                }
            }
            if (replacing != null) {
                return new Contradiction(r.operation(), "it returns " + Request.quote(register.valueText(r.observed()))
                        + ", which " + replacing.operation().describe(origin) + " replaced: sent after "
                        + p.operation().describe(origin) + " was answered, and " + how);
            }
        }
        return null;
    }

    /** The index of the last of {@code writes} (by end) that ends before {@code time}, or -1. */
    private static int lastEndingBefore(List<Step> writes, long time) {
        int low = 0;
        int high = writes.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (writes.get(mid).end() < time) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low - 1;
    }

    /** Why no order can explain {@code op}'s answer, or null. */
    private static String contradiction(Operation op, Map<String, List<Operation>> producers,
                                        Map<String, Long> seenAt, List<Operation> all, long origin) {
        long expected = op.request().expectedVersion();
        Result result = op.result();
        if (op.kind() == Kind.CAS_PUT && result instanceof Result.Written w && w.version() != expected + 1) {
            return "a compare-and-set expecting v" + expected + " cannot write v" + w.version();
        }
        if (op.kind() == Kind.CAS_DELETE && result instanceof Result.Deleted d && d.version() != expected) {
            return "a compare-and-set expecting v" + expected + " cannot delete v" + d.version();
        }
        if (result instanceof Result.Conflict c && c.currentVersion() == expected) {
            return "it found the version it expected, so it cannot conflict";
        }
        if (op.kind() == Kind.CAS_DELETE && result instanceof Result.Absent && expected != 0) {
            return "a compare-and-set expecting v" + expected + " that finds the key absent conflicts";
        }
        if (!(result instanceof Result.Present p)) {
            return null;
        }
        List<Operation> writers = producers.get(p.value());
        if (writers == null) {
            String carried = all.stream()
                    .filter(w -> w.kind().writesValue() && w.request().value().equals(p.value()))
                    .map(w -> "; only " + w.describe(origin) + " carried it, and it did not apply")
                    .findFirst().orElse("");
            return "it returns " + Request.quote(p.value()) + ", which no write produced" + carried;
        }
        Operation first = writers.stream().min(Comparator.comparingLong(Operation::invokedNanos)).orElseThrow();
        if (first.invokedNanos() > op.respondedNanos()) {
            return "it returns " + Request.quote(p.value()) + ", written by " + first.describe(origin)
                    + ", which was sent only after this read was answered";
        }
        if (writers.size() == 1 && seenAt.get(p.value()) != p.version()) {
            return "another read saw " + Request.quote(p.value()) + " at v" + seenAt.get(p.value())
                    + ", and a value is written once";
        }
        if (writers.size() == 1 && first.result() instanceof Result.Written w && w.version() != p.version()) {
            return "it returns " + Request.quote(p.value()) + " at v" + p.version() + ", which "
                    + first.describe(origin) + " wrote at v" + w.version();
        }
        if (writers.size() == 1 && first.kind() == Kind.CAS_PUT && first.request().expectedVersion() + 1 != p.version()) {
            return "it returns " + Request.quote(p.value()) + " at v" + p.version() + ", which "
                    + first.describe(origin) + " can only have written at v" + (first.request().expectedVersion() + 1);
        }
        return null;
    }

    private Draft read(Operation op, Map<String, List<Operation>> producers, Sequenced sequenced, long origin) {
        Draft d = new Draft(op, Effect.OBSERVE);
        Request request = op.request();
        long start;
        if (op.result() instanceof Result.Present p) {
            d.observed = Register.state(register.number(p.value()), p.version());
            start = producers.get(p.value()).stream().mapToLong(Operation::invokedNanos).min().orElseThrow();
        } else {
            d.observed = Register.ABSENT;
            start = BEGINNING;
        }
        d.start = request.consistency() == Consistency.LINEARIZABLE ? op.invokedNanos() : start;
        d.end = op.respondedNanos();
        long floor = Math.max(request.consistency() == Consistency.MIN_SEQ ? request.minSeq() : -1, op.seq());
        int named = sequenced.named(floor);
        if (named > 0) {
            d.start = Math.max(d.start, sequenced.latestInvocation[named - 1]); // it follows each, so each was sent
            if (d.start > d.end && contradiction == null) {
                Operation late = sequenced.writes.subList(0, named).stream()
                        .max(Comparator.comparingLong(Operation::invokedNanos)).orElseThrow();
                contradiction = new Contradiction(op, "it reflects position " + floor + " (its min-seq or Regent-Applied),"
                        + " but " + late.describe(origin) + ", answered at that position or before, was sent only after"
                        + " this read was answered");
            }
            for (int i = 0; i < named; i++) {
                if (sequenced.response[i] >= d.start) { // one answered before the window opens precedes it anyway
                    d.after.add(sequenced.writes.get(i));
                }
            }
        }
        return d;
    }

    private Draft write(Operation op, Map<String, List<Operation>> producers, Map<String, Long> firstSeen,
                        Map<String, Long> seenAt) {
        Request request = op.request();
        Result result = op.result();
        Draft d;
        if (result instanceof Result.Conflict c) {
            d = new Draft(op, Effect.CONFLICT);
            d.version = c.currentVersion();
        } else if (result instanceof Result.Absent) {
            d = new Draft(op, Effect.OBSERVE);
            d.observed = Register.ABSENT;
        } else {
            d = new Draft(op, Effect.valueOf(op.kind().name()));
            if (result instanceof Result.Written w) {
                d.version = w.version();
            } else if (result instanceof Result.Deleted del) {
                d.version = del.version();
            }
        }
        if (op.kind().writesValue()) {
            d.value = firstSeen.containsKey(request.value()) ? register.number(request.value()) : Register.UNREAD;
        }
        d.expected = request.expectedVersion();
        d.start = op.invokedNanos();
        d.end = op.respondedNanos();
        if (op.outcome() == Outcome.UNKNOWN) {
            Long seen = op.kind().writesValue() ? firstSeen.get(request.value()) : null;
            if (seen != null && producers.get(request.value()).size() == 1) {
                d.end = seen; // it took effect before the first read that returned its value,
                d.version = seenAt.get(request.value()); // and wrote the version that read saw
            } else {
                d.end = NEVER;
                d.required = false;
                d.interchangeable = seen == null;
            }
        }
        return d;
    }

    /** Gives each step its index: required ones first, each group in order of window. */
    private void number(List<Draft> drafts) {
        Comparator<Draft> byWindow = Comparator.<Draft>comparingLong(d -> d.start).thenComparingLong(d -> d.end);
        List<Draft> ordered = new ArrayList<>(drafts.stream().filter(d -> d.required).sorted(byWindow).toList());
        required = ordered.size();
        ordered.addAll(drafts.stream().filter(d -> !d.required).sorted(byWindow).toList());
        Map<Operation, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            index.put(ordered.get(i).op, i);
        }
        Map<String, Integer> classIds = new HashMap<>();
        List<List<Integer>> classes = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            Draft d = ordered.get(i);
            int symmetry = -1;
            if (d.interchangeable) {
                symmetry = classIds.computeIfAbsent(d.effect + " " + d.expected, k -> {
                    classes.add(new ArrayList<>());
                    return classes.size() - 1;
                });
                classes.get(symmetry).add(i);
            }
            int[] after = d.after.stream().mapToInt(index::get).toArray();
            steps.add(new Step(i, d.op, d.effect, d.observed, d.value, d.version, d.expected, d.start, d.end,
                    d.required, after, symmetry));
        }
        symmetryClasses = classes.stream()
                .map(members -> members.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
    }

    /** The key's answered writes that name their position, in order of position: what a read's position names. */
    private static final class Sequenced {
        final List<Operation> writes;
        final long[] seq;
        final long[] response;
        /** The latest invocation among writes 0..i. */
        final long[] latestInvocation;

        Sequenced(List<Operation> writes) {
            this.writes = writes;
            int n = writes.size();
            seq = new long[n];
            response = new long[n];
            latestInvocation = new long[n];
            for (int i = 0; i < n; i++) {
                Operation w = writes.get(i);
                seq[i] = w.seq();
                response[i] = w.respondedNanos();
                latestInvocation[i] = Math.max(i > 0 ? latestInvocation[i - 1] : Long.MIN_VALUE, w.invokedNanos());
            }
        }

        /** How many writes were answered at {@code floor} or before. */
        int named(long floor) {
            int low = 0;
            int high = seq.length;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (seq[mid] <= floor) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }
    }

    /** A step being worked out. */
    private static final class Draft {
        final Operation op;
        final Effect effect;
        long observed;
        int value;
        long version = -1;
        long expected = Request.NONE;
        long start;
        long end;
        boolean required = true;
        /** Not required, and its value (if any) was never read: any other of its class could stand in for it. */
        boolean interchangeable;
        final List<Operation> after = new ArrayList<>();

        Draft(Operation op, Effect effect) {
            this.op = op;
            this.effect = effect;
        }
    }
}
