package io.regent.history;

import io.regent.history.Step.Effect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Wing &amp; Gong's search for an order of one key's steps that the {@link Register} accepts, each
 * placed within its window: depth first, with an explicit stack (no recursion, whatever the
 * history's length), memoized by {@link ExploredConfigurations}, and bounded by a number of
 * configurations, past which it gives up rather than run on.
 *
 * <p>The windows are kept as a list of entries sorted by time, a call where a window opens and a
 * return where it closes (a step that may never take effect has no return); a placed step's
 * entries are lifted out of the list. The steps that may go next are those whose call comes
 * before the first return left: placing any other would put it after a step whose window closed
 * before its own opened. Required steps are tried before writes that may never have taken
 * effect. These reductions keep the search narrow without losing any order that fits (each
 * keeps, of the ways to go on, at least one that succeeds whenever any does):
 * <ul>
 * <li>A step that changes nothing (a read, a 412, a 404 delete) and fits the current state is
 *     placed at once, with no alternative tried: any order that places it later can place it
 *     here instead, since it leaves the state as it was and every step that had to precede it is
 *     placed.
 * <li>No write replaces a value while a required read of it is still to be placed (values are
 *     unique: once replaced, the value is gone, and the read with it).
 * <li>Writes that may never have taken effect, of the same kind and expectation, whose values no
 *     read returned, are interchangeable: only the earliest sent of those not yet placed is
 *     tried; an unconditional one is not tried where a compare-and-set leaves the same state;
 *     and runs of them take one form only ({@link #optionalChoices}).
 * <li>A configuration covered by one entered before is not entered ({@link ExploredConfigurations}).
 * </ul>
 */
final class WingGongSearch {

    /** How the search ended. */
    enum End { FOUND, EXHAUSTED, OUT_OF_BUDGET }

    /**
     * What the search found: for {@link End#FOUND} the order; otherwise the longest prefix it
     * could place, the state after it, and the steps that could go next but did not fit, with why.
     */
    record Outcome(End end, int states, List<Step> order, long stateAfter, List<Step> blocked, List<String> reasons) {
    }

    private static final byte FIRST_PASS = 0;  // required writes, by entry
    private static final byte SECOND_PASS = 1; // writes that may never have taken effect, by optionalChoices
    private static final byte FORCED = 2;      // a step that changes nothing, placed with no alternative

    private final KeyTimeline timeline;
    private final List<Step> steps;
    private final long origin;
    private final long maxStates;
    private final ExploredConfigurations explored = new ExploredConfigurations();

    // the windows: a doubly linked list of entries, HEAD first
    private final int head;
    private final int[] next;
    private final int[] prev;
    private final int[] stepOf;
    private final boolean[] isCall;
    private final int[] callEntry;
    private final int[] returnEntry;

    // the configuration
    private long state = Register.ABSENT;
    private final long[] requiredPlaced;
    private int requiredLeft;
    /** Per class of interchangeable optional writes, how many are placed: always its first ones. */
    private final int[] classPlaced;
    /** The other optional writes placed (their values were read, by one of several writes of a value). */
    private final long[] loosePlaced;
    /** Per value number, the required reads of it not placed yet: while there are, nothing may replace it. */
    private final int[] readsToCome;

    // the stack: what was placed, where the scan for it stood, and the state before it
    private final int[] frameStep;
    private final int[] frameEntry;
    private final byte[] framePass;
    private final long[] frameState;
    private int depth;

    // where the scan stands in the current configuration: an entry, or an index in optionalChoices
    private int cursor;
    private byte pass;

    private Outcome deepest;
    private int deepestPlaced = -1;

    /** @param origin where the times in the reasons a dead end gives start (nanoseconds) */
    WingGongSearch(KeyTimeline timeline, long maxStates, long origin) {
        this.timeline = timeline;
        this.origin = origin;
        this.steps = timeline.steps;
        this.maxStates = maxStates;
        int n = steps.size();
        int required = timeline.required;
        int entries = n + required;
        head = entries;
        next = new int[entries + 1];
        prev = new int[entries + 1];
        stepOf = new int[entries];
        isCall = new boolean[entries];
        callEntry = new int[n];
        returnEntry = new int[n];
        Arrays.fill(returnEntry, -1);
        long[] time = new long[entries];
        int e = 0;
        for (Step s : steps) {
            stepOf[e] = s.index();
            isCall[e] = true;
            time[e] = s.start();
            callEntry[s.index()] = e++;
            if (s.required()) {
                stepOf[e] = s.index();
                time[e] = s.end();
                returnEntry[s.index()] = e++;
            }
        }
        // by time; at a tie a window opening before one closing (they overlap), then by step
        Integer[] order = IntStream.range(0, entries).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingLong(x -> time[x])
                .thenComparing(x -> !isCall[x])
                .thenComparingInt(x -> stepOf[x]));
        int last = head;
        for (int x : order) {
            next[last] = x;
            prev[x] = last;
            last = x;
        }
        next[last] = -1;
        requiredPlaced = new long[(required + 63) / 64];
        loosePlaced = new long[(n - required + 63) / 64];
        requiredLeft = required;
        classPlaced = new int[timeline.symmetryClasses.length];
        readsToCome = new int[timeline.register.values()];
        for (Step s : steps) {
            if (s.effect() == Effect.OBSERVE && s.observed() != Register.ABSENT) {
                readsToCome[Register.value(s.observed())]++;
            }
        }
        frameStep = new int[n];
        frameEntry = new int[n];
        framePass = new byte[n];
        frameState = new long[n];
    }

    Outcome run() {
        boolean arrived = true; // in a configuration not scanned yet
        while (true) {
            if (arrived) {
                if (requiredLeft == 0) {
                    return new Outcome(End.FOUND, explored.size(), placedSteps(), state, List.of(), List.of());
                }
                if (explored.size() > maxStates) {
                    return outcome(End.OUT_OF_BUDGET);
                }
                int forced = fittingPureStep();
                if (forced >= 0) {
                    if (enter(forced, state)) {
                        place(forced, callEntry[forced], FORCED, state);
                        continue;
                    }
                    // its only successor was explored already, and failed
                    if (!backtrack()) {
                        return outcome(End.EXHAUSTED);
                    }
                    arrived = false;
                    continue;
                }
                cursor = next[head];
                pass = FIRST_PASS;
            }
            int chosen = -1;
            long after = 0;
            boolean mayWrite = keepsReadsAlive();
            while (pass == FIRST_PASS && mayWrite && cursor >= 0 && isCall[cursor]) {
                Step s = steps.get(stepOf[cursor]);
                if (s.required() && !s.pure()) {
                    after = Register.apply(state, s);
                    if (after != Register.REFUSED && enabled(s) && enter(s.index(), after)) {
                        chosen = s.index();
                        break;
                    }
                }
                cursor = next[cursor];
            }
            if (chosen < 0) { // then the writes that may never have taken effect, one by one
                if (pass == FIRST_PASS) {
                    pass = SECOND_PASS;
                    cursor = 0;
                }
                int[] choices = mayWrite ? optionalChoices() : new int[0];
                for (; cursor < choices.length; cursor++) {
                    after = Register.apply(state, steps.get(choices[cursor]));
                    if (enter(choices[cursor], after)) {
                        chosen = choices[cursor];
                        break;
                    }
                }
            }
            if (chosen >= 0) {
                place(chosen, cursor, pass, after);
                arrived = true;
                continue;
            }
            noteDeadEnd();
            if (!backtrack()) {
                return outcome(End.EXHAUSTED);
            }
            arrived = false;
        }
    }

    /**
     * The writes that may never have taken effect worth placing next, in a fixed order (a resumed
     * scan finds the same list). Such writes only matter through the state they leave the next
     * required step, and their values are never read, so a run of them between two required
     * steps can always be replaced by one that uses no other writes, in this form: puts up from
     * the version it starts at, at most one delete, puts up from absent. So a write is tried
     * only if it continues a run of that form toward a state in which a required step that may
     * go next, and is enabled, fits (a chain of such writes changes neither); and not if a
     * compare-and-set of its kind leaves the same state (see {@link #standsInFor}).
     */
    private int[] optionalChoices() {
        int[] classCandidate = new int[classPlaced.length];
        Arrays.fill(classCandidate, -1);
        List<Step> optional = new ArrayList<>();
        List<Step> wanting = new ArrayList<>();
        boolean unguided = false; // a write whose value was read, by one of several writes of that value
        for (int e = next[head]; e >= 0 && isCall[e]; e = next[e]) {
            Step s = steps.get(stepOf[e]);
            if (s.required()) {
                if (enabled(s)) {
                    wanting.add(s);
                }
            } else if (s.symmetry() < 0) {
                optional.add(s);
                unguided = true;
            } else if (canonical(s)) {
                classCandidate[s.symmetry()] = s.index();
                optional.add(s);
            }
        }
        if (optional.isEmpty() || wanting.isEmpty()) {
            return new int[0];
        }
        Run run = new Run(classCandidate, wanting, deletedInRun(-1));
        boolean free = unguided;
        return optional.stream()
                .filter(s -> Register.apply(state, s) != Register.REFUSED)
                .filter(s -> !standsInFor(s, Register.version(state), classCandidate))
                .filter(s -> free || run.continues(s, Register.version(state)))
                .mapToInt(Step::index)
                .toArray();
    }

    /** Whether the run of optional writes on top of the stack (with step {@code i}, if one) holds a delete. */
    private boolean deletedInRun(int i) {
        if (i >= 0 && steps.get(i).required()) {
            return false; // a required step ends the run
        }
        if (i >= 0 && isDelete(steps.get(i))) {
            return true;
        }
        for (int d = depth - 1; d >= 0 && !steps.get(frameStep[d]).required(); d--) {
            if (isDelete(steps.get(frameStep[d]))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDelete(Step s) {
        return s.effect() == Effect.DELETE || s.effect() == Effect.CAS_DELETE;
    }

    /**
     * Whether a compare-and-set of the same kind, expecting the key's version, may go next: it
     * leaves the same state as the unconditional {@code s}, and is placed instead, since {@code s}
     * could take its place wherever it would have been placed later, and not the other way round.
     */
    private boolean standsInFor(Step s, long version, int[] classCandidate) {
        if (s.symmetry() < 0) {
            return false; // its value was read: no other write leaves the same state
        }
        Effect conditional = s.effect() == Effect.PUT ? Effect.CAS_PUT : s.effect() == Effect.DELETE ? Effect.CAS_DELETE : null;
        if (conditional == null) {
            return false;
        }
        for (int c : classCandidate) {
            if (c >= 0 && steps.get(c).effect() == conditional && steps.get(c).expected() == version) {
                return true;
            }
        }
        return false;
    }

    /**
     * A run of optional writes in the making: the versions the required steps that may go next
     * want (0: absent), and what the writes that may go next can do (each as often as wanted: an
     * over-estimate, which only keeps more).
     */
    private final class Run {
        private final List<Long> wanted = new ArrayList<>();
        private final List<Long> conditionalDeletes = new ArrayList<>();
        private final Set<Long> conditionalPuts = new HashSet<>();
        private final boolean puts;
        private final boolean deleted;

        Run(int[] classCandidate, List<Step> wanting, boolean deleted) {
            this.deleted = deleted;
            for (Step r : wanting) {
                long v = switch (r.effect()) {
                    case OBSERVE -> r.observed() == Register.ABSENT ? 0 : -1; // a value read: no optional write leaves it
                    case CONFLICT, DELETE -> r.version();
                    case PUT -> r.version() - 1;
                    case CAS_PUT, CAS_DELETE -> r.expected();
                };
                if (v >= 0) {
                    wanted.add(v);
                }
            }
            boolean anyPut = false;
            for (int c : classCandidate) {
                if (c >= 0) {
                    Step w = steps.get(c);
                    anyPut |= w.effect() == Effect.PUT;
                    if (w.effect() == Effect.CAS_PUT) {
                        conditionalPuts.add(w.expected());
                    } else if (w.effect() == Effect.CAS_DELETE) {
                        conditionalDeletes.add(w.expected());
                    }
                }
            }
            puts = anyPut;
        }

        /** Whether {@code s}, placed at {@code version}, continues the run toward a wanted version. */
        boolean continues(Step s, long version) {
            if (isDelete(s)) { // the run's one delete, then puts up from absent
                return !deleted && wanted.stream().anyMatch(t -> climbs(0, t));
            }
            long up = version + 1;
            if (wanted.stream().anyMatch(t -> t >= up && climbs(up, t))) {
                return true;
            }
            // up toward a compare-and-set delete, then on from absent
            return !deleted && conditionalDeletes.stream().anyMatch(c -> c >= up && climbs(up, c))
                    && wanted.stream().anyMatch(t -> climbs(0, t));
        }

        /** Whether puts can take the key from version {@code from} to {@code to}. */
        private boolean climbs(long from, long to) {
            if (to < from) {
                return false;
            }
            for (long v = from; v < to && !puts; v++) { // one compare-and-set per version on the way
                if (!conditionalPuts.contains(v)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Whether a write may replace the key's value now: not while a required read of it is still to
     * be placed, if one write only produced it (values are unique, so once replaced it is gone,
     * and that read could never be placed). Cuts off every order that loses a value too early.
     */
    private boolean keepsReadsAlive() {
        int value = Register.value(state);
        return value <= Register.UNREAD || !timeline.writtenOnce[value] || readsToCome[value] == 0;
    }

    /** A step that changes nothing, may go next, and fits the state; or -1. */
    private int fittingPureStep() {
        for (int e = next[head]; e >= 0 && isCall[e]; e = next[e]) {
            Step s = steps.get(stepOf[e]);
            if (s.pure() && Register.apply(state, s) != Register.REFUSED && enabled(s)) {
                return s.index();
            }
        }
        return -1;
    }

    /** Whether every step {@code s} must follow is placed. */
    private boolean enabled(Step s) {
        for (int a : s.after()) {
            if (!isPlaced(a)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} is the earliest unplaced write of its class (or has no class). */
    private boolean canonical(Step s) {
        if (s.symmetry() < 0) {
            return true;
        }
        int[] members = timeline.symmetryClasses[s.symmetry()];
        return members[classPlaced[s.symmetry()]] == s.index();
    }

    /** Marks step {@code i} placed if the configuration it leads to is new; else leaves things as they were. */
    private boolean enter(int i, long newState) {
        setPlaced(i, true);
        Step s = steps.get(i);
        if (s.symmetry() >= 0) {
            classPlaced[s.symmetry()]++;
        }
        boolean fresh = explored.add(newState, requiredPlaced, classPlaced, loosePlaced, deletedInRun(i));
        if (s.symmetry() >= 0) {
            classPlaced[s.symmetry()]--;
        }
        if (fresh) {
            return true;
        }
        setPlaced(i, false);
        return false;
    }

    /** Places step {@code i} (already marked) and pushes what undoes it. */
    private void place(int i, int entry, byte how, long newState) {
        frameStep[depth] = i;
        frameEntry[depth] = entry;
        framePass[depth] = how;
        frameState[depth] = state;
        depth++;
        lift(i);
        Step s = steps.get(i);
        if (s.required()) {
            requiredLeft--;
        }
        if (s.effect() == Effect.OBSERVE && s.observed() != Register.ABSENT) {
            readsToCome[Register.value(s.observed())]--;
        }
        if (s.symmetry() >= 0) {
            classPlaced[s.symmetry()]++;
        }
        state = newState;
    }

    /**
     * Undoes placements back to the last one that had alternatives, and resumes its scan after
     * it; false if there is none (every order was tried).
     */
    private boolean backtrack() {
        while (depth > 0) {
            depth--;
            int i = frameStep[depth];
            Step s = steps.get(i);
            unlift(i);
            setPlaced(i, false);
            if (s.required()) {
                requiredLeft++;
            }
            if (s.effect() == Effect.OBSERVE && s.observed() != Register.ABSENT) {
                readsToCome[Register.value(s.observed())]++;
            }
            if (s.symmetry() >= 0) {
                classPlaced[s.symmetry()]--;
            }
            state = frameState[depth];
            if (framePass[depth] != FORCED) { // resume the scan after the step just undone
                pass = framePass[depth];
                cursor = pass == FIRST_PASS ? next[frameEntry[depth]] : frameEntry[depth] + 1;
                return true;
            }
        }
        return false;
    }

    private void lift(int i) {
        unlink(callEntry[i]);
        if (returnEntry[i] >= 0) {
            unlink(returnEntry[i]);
        }
    }

    private void unlift(int i) { // the reverse of lift: entries go back where they were
        if (returnEntry[i] >= 0) {
            relink(returnEntry[i]);
        }
        relink(callEntry[i]);
    }

    private void unlink(int e) {
        next[prev[e]] = next[e];
        if (next[e] >= 0) {
            prev[next[e]] = prev[e];
        }
    }

    private void relink(int e) {
        next[prev[e]] = e;
        if (next[e] >= 0) {
            prev[next[e]] = e;
        }
    }

    private boolean isPlaced(int i) {
        long[] words = placedBits(i);
        if (words == null) { // an interchangeable write: its class's first classPlaced are placed
            int symmetry = steps.get(i).symmetry();
            int[] members = timeline.symmetryClasses[symmetry];
            for (int m = 0; m < classPlaced[symmetry]; m++) {
                if (members[m] == i) {
                    return true;
                }
            }
            return false;
        }
        int bit = bit(i);
        return (words[bit >>> 6] & 1L << bit) != 0;
    }

    private void setPlaced(int i, boolean placed) {
        long[] words = placedBits(i);
        if (words == null) {
            return; // an interchangeable write: classPlaced counts it
        }
        int bit = bit(i);
        if (placed) {
            words[bit >>> 6] |= 1L << bit;
        } else {
            words[bit >>> 6] &= ~(1L << bit);
        }
    }

    private long[] placedBits(int i) {
        return i < timeline.required ? requiredPlaced : steps.get(i).symmetry() < 0 ? loosePlaced : null;
    }

    private int bit(int i) {
        return i < timeline.required ? i : i - timeline.required;
    }

    /** Keeps the dead end that placed the most required steps: the report shows where the history fails. */
    private void noteDeadEnd() {
        int placed = timeline.required - requiredLeft;
        if (placed <= deepestPlaced) {
            return;
        }
        deepestPlaced = placed;
        List<Step> order = placedSteps();
        String holds = timeline.register.describe(state, lastWrite(order));
        List<Step> blocked = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (int e = next[head]; e >= 0 && isCall[e]; e = next[e]) {
            Step s = steps.get(stepOf[e]);
            if (s.required()) {
                blocked.add(s);
                reasons.add(reason(s, holds));
            }
        }
        deepest = new Outcome(End.EXHAUSTED, 0, order, state, blocked, reasons);
    }

    /** Why required step {@code s} cannot go next, the key holding {@code holds}. */
    private String reason(Step s, String holds) {
        for (int a : s.after()) {
            if (!isPlaced(a)) {
                Operation w = steps.get(a).operation();
                return "it must follow the write answered at seq " + w.seq() + " (" + w.request().describe()
                        + " -> " + w.result().describe() + "), which cannot be placed first";
            }
        }
        if (Register.apply(state, s) == Register.REFUSED) {
            return timeline.register.refusal(state, holds, s);
        }
        if (!s.pure() && !keepsReadsAlive()) {
            Step reader = steps.stream()
                    .filter(r -> r.effect() == Effect.OBSERVE && r.observed() == state && !isPlaced(r.index()))
                    .findFirst().orElseThrow();
            return "it would replace " + holds + ", which " + reader.operation().describe(origin)
                    + " returned, and that read cannot be placed before it";
        }
        return "it fits, but no order of the rest fits after it";
    }

    /** The last step in {@code order} that changed the state, or null. */
    static Step lastWrite(List<Step> order) {
        for (int i = order.size() - 1; i >= 0; i--) {
            if (!order.get(i).pure()) {
                return order.get(i);
            }
        }
        return null;
    }

    private List<Step> placedSteps() {
        List<Step> order = new ArrayList<>(depth);
        for (int d = 0; d < depth; d++) {
            order.add(steps.get(frameStep[d]));
        }
        return order;
    }

    private Outcome outcome(End end) {
        Outcome d = deepest != null ? deepest : new Outcome(end, 0, List.of(), Register.ABSENT, List.of(), List.of());
        return new Outcome(end, explored.size(), d.order(), d.stateAfter(), d.blocked(), d.reasons());
    }
}
