package io.regent.history;

import io.regent.machines.Machines;
import io.regent.history.Operation.Outcome;
import io.regent.history.Request.Consistency;
import io.regent.history.Request.Kind;
import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.kv.KvResult;
import io.regent.protocol.Epoch;
import io.regent.replication.Entry;
import io.regent.replication.MemoryStorage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A history of concurrent clients against a store that is linearizable by construction: the
 * shipped state machine ({@link KeyValueStore}) applies each write at a moment drawn inside its
 * interval, in the order of those moments, at consecutive positions. Some outcomes become
 * unknown (some of those writes applied, even after the client gave up, and some never), some
 * writes fail before they are sequenced, and reads return what each consistency allows: the
 * current state (linearizable), the state at an earlier position (committed), or at a position
 * at least the client's last write's (min-seq). So the checker must accept every history it
 * makes; the tests then spoil one answer to see it rejected.
 */
final class SimulatedWorkload {

    private static final long MICROS = 1_000;

    private final Random random;
    private final int clients;
    private final List<String> keys;
    private final int operations;

    private final MemoryStorage storage = new MemoryStorage(1 << 20, 16);
    private final Machines store = new Machines(new KeyValueStore(Long.MAX_VALUE / 4, 1_000_000));
    private static final Epoch EPOCH = new Epoch(1, 1);
    private long seq;
    /** Per key, its states in order of position. */
    private final Map<String, List<KeyState>> states = new HashMap<>();

    /** The state a key has from position {@code seq} on: {@code value} null if absent. */
    private record KeyState(long seq, String value, long version) {
    }

    SimulatedWorkload(long seed, int clients, List<String> keys, int operations) {
        this.random = new Random(seed);
        this.clients = clients;
        this.keys = keys;
        this.operations = operations;
    }

    /** What a client plans: its interval, and whether and when the store acts on it. */
    private static final class Planned {
        int client;
        Kind kind;
        Consistency consistency;
        String key;
        String value;
        long start;
        long end;
        Outcome outcome;
        long point = -1; // when the store acts on it; -1: never
        Request request;
        Result result;
        long seq = -1;
        Planned previous; // the client's operation before this one
    }

    List<Operation> run() {
        List<Planned> plans = plan();
        List<Planned> acted = new ArrayList<>(plans.stream().filter(p -> p.point >= 0).toList());
        acted.sort(Comparator.comparingLong(p -> p.point));
        for (Planned p : acted) {
            act(p);
        }
        List<Operation> history = new ArrayList<>();
        for (Planned p : plans) {
            if (p.request == null) { // never acted on: arguments as a client would have sent them
                p.request = request(p, random.nextInt(4));
            }
            history.add(new Operation(p.client, p.request, p.start * MICROS, p.end * MICROS, p.outcome,
                    p.outcome == Outcome.OK ? p.result : null, p.outcome == Outcome.OK ? p.seq : -1));
        }
        history.sort(Comparator.comparingLong(Operation::invokedNanos));
        return history;
    }

    private List<Planned> plan() {
        List<Planned> plans = new ArrayList<>();
        long[] clock = new long[clients];
        Planned[] last = new Planned[clients];
        int[] written = new int[clients];
        for (int i = 0; i < operations; i++) {
            int c = i % clients;
            Planned p = new Planned();
            p.client = c;
            p.key = keys.get(random.nextInt(keys.size()));
            p.start = clock[c] + random.nextInt(30);
            p.end = p.start + 5 + random.nextInt(200);
            clock[c] = p.end;
            p.previous = last[c];
            last[c] = p;
            int draw = random.nextInt(100);
            p.kind = draw < 25 ? Kind.PUT : draw < 40 ? Kind.CAS_PUT : draw < 45 ? Kind.DELETE
                    : draw < 50 ? Kind.CAS_DELETE : Kind.READ;
            if (p.kind.writesValue()) {
                p.value = "c" + c + "-" + written[c]++;
            }
            int fate = random.nextInt(100);
            if (p.kind == Kind.READ) {
                p.consistency = Consistency.values()[random.nextInt(3)];
                p.outcome = fate < 3 ? Outcome.UNKNOWN : Outcome.OK;
            } else {
                p.outcome = fate < 4 ? Outcome.FAILED : fate < 12 ? Outcome.UNKNOWN : Outcome.OK;
            }
            if (p.outcome == Outcome.OK) {
                p.point = p.start + (long) (random.nextDouble() * (p.end - p.start));
            } else if (p.outcome == Outcome.UNKNOWN && p.kind.isWrite() && fate % 2 == 0) {
                p.point = p.start + random.nextInt((int) (p.end - p.start) + 300); // even after the client gave up
            }
            plans.add(p);
        }
        return plans;
    }

    private void act(Planned p) {
        if (p.kind == Kind.READ) {
            read(p);
            return;
        }
        long current = current(p.key);
        int choice = random.nextInt(10);
        long expected = choice < 6 ? current : Math.max(0, current + (choice < 8 ? 1 : -1));
        p.request = request(p, expected);
        Long ifVersion = p.kind.isConditional() ? expected : null;
        KvCommand command = p.kind.writesValue() ? KvCommand.put(p.key, p.value, ifVersion)
                : KvCommand.delete(p.key, ifVersion);
        KvResult answer = KvResult.decode(storage.apply(new Entry(seq + 1, EPOCH, command.encode()), store));
        p.seq = ++seq;
        p.result = switch (answer.outcome()) {
            case WRITTEN -> Result.written(answer.version());
            case DELETED -> Result.deleted(answer.version());
            case CONFLICT -> Result.conflict(answer.version());
            case ABSENT -> Result.ABSENT;
            default -> throw new AssertionError(answer);
        };
        KeyValueStore.Item item = KeyValueStore.get(storage.space(), p.key).orElse(null);
        states.computeIfAbsent(p.key, k -> new ArrayList<>())
                .add(new KeyState(seq, item == null ? null : item.value(), item == null ? 0 : item.version()));
    }

    private void read(Planned p) {
        long position = switch (p.consistency) {
            case LINEARIZABLE -> seq;
            case COMMITTED -> Math.max(0, seq - random.nextInt(30));
            case MIN_SEQ -> {
                long named = lastWriteSeq(p);
                yield named + (long) (random.nextDouble() * (seq - named + 1));
            }
        };
        p.request = p.consistency == Consistency.MIN_SEQ ? Request.readMinSeq(p.key, lastWriteSeq(p))
                : Request.read(p.key, p.consistency);
        KeyState state = stateAt(p.key, position);
        p.result = state == null || state.value() == null ? Result.ABSENT
                : Result.present(state.value(), state.version());
        p.seq = random.nextBoolean() ? position : -1; // Regent-Applied, when the client kept it
    }

    /** The position of the client's last write that was answered before this read was sent: its min-seq. */
    private static long lastWriteSeq(Planned p) {
        for (Planned q = p.previous; q != null; q = q.previous) {
            if (q.kind.isWrite() && q.outcome == Outcome.OK) {
                return q.seq;
            }
        }
        return 0;
    }

    /** The key's state once position {@code position} is applied, or null if no write reached it yet. */
    private KeyState stateAt(String key, long position) {
        List<KeyState> list = states.getOrDefault(key, List.of());
        int low = 0;
        int high = list.size(); // the first state after position
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (list.get(mid).seq() <= position) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low == 0 ? null : list.get(low - 1);
    }

    private long current(String key) {
        KeyState s = stateAt(key, seq);
        return s == null ? 0 : s.version();
    }

    private static Request request(Planned p, long expected) {
        return switch (p.kind) {
            case PUT -> Request.put(p.key, p.value);
            case CAS_PUT -> Request.casPut(p.key, p.value, expected);
            case DELETE -> Request.delete(p.key);
            case CAS_DELETE -> Request.casDelete(p.key, expected);
            case READ -> p.consistency == Consistency.MIN_SEQ ? Request.readMinSeq(p.key, 0)
                    : Request.read(p.key, p.consistency);
        };
    }
}
