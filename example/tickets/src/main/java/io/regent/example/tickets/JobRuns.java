package io.regent.example.tickets;

import io.regent.api.AppliedAt;
import io.regent.api.CommandCodec;
import io.regent.api.ReplicatedState;
import io.regent.api.ReplicatedStateMachine;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * The master-only job's log: every run a master reported, numbered in the group's order. It lets
 * anyone check, after failovers, that no two masters ran the job at once. A second machine of the
 * same application: its own name, namespace and commands, in the same log as the tickets.
 */
@ApplicationScoped
public class JobRuns implements ReplicatedStateMachine<JobRun, Long> {

    private static final byte[] COUNT = Records.text("count");
    private static final String RUN = "run/";

    private static final CommandCodec<JobRun> CODEC = new CommandCodec<>() {
        @Override
        public byte[] encode(JobRun r) {
            return Records.write(out -> {
                out.writeUTF(r.server());
                out.writeUTF(r.epoch());
                out.writeLong(r.startMillis());
                out.writeLong(r.endMillis());
            });
        }

        @Override
        public JobRun decode(byte[] bytes) {
            return Records.read(bytes, in -> new JobRun(in.readUTF(), in.readUTF(), in.readLong(), in.readLong()));
        }
    };

    @Override
    public String name() {
        return "job-runs";
    }

    @Override
    public CommandCodec<JobRun> codec() {
        return CODEC;
    }

    /** Records the run and answers its number. */
    @Override
    public Long apply(JobRun run, AppliedAt at, ReplicatedState state) {
        byte[] count = state.get(COUNT);
        long number = (count == null ? 0 : Records.number(count, 0)) + 1;
        state.put(COUNT, Records.numbered("", number));
        state.put(Records.numbered(RUN, number), CODEC.encode(run));
        return number;
    }

    /** Every run recorded after run {@code after}, up to {@code limit}, in order, in a read of the committed state. */
    public static List<JobRun> list(ReplicatedState state, long after, int limit) {
        List<JobRun> runs = new ArrayList<>();
        byte[] prefix = Records.text(RUN);
        for (ReplicatedState.Entry e : state.scan(Records.numbered(RUN, after + 1), limit)) {
            if (e.key().length != prefix.length + 8) {
                break;
            }
            runs.add(CODEC.decode(e.value()));
        }
        return runs;
    }
}
