package io.regent.platform;

import io.regent.api.AppliedAt;
import io.regent.api.CommandCodec;
import io.regent.api.ReplicatedState;
import io.regent.api.ReplicatedStateMachine;
import io.regent.kv.KeyValueStore;
import io.regent.machines.MachineCommand;
import io.regent.machines.Machines;
import io.regent.machines.Namespace;
import io.regent.protocol.Epoch;
import io.regent.replication.Entry;
import io.regent.replication.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplicationMachinesTest {

    private static final java.util.concurrent.ThreadFactory DAEMONS = r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    };

    /** Appends each command to a list under "log/": its answer is where the command stands. */
    static class Journal implements ReplicatedStateMachine<String, AppliedAt> {
        @Override
        public String name() {
            return "journal";
        }

        @Override
        public CommandCodec<String> codec() {
            return new CommandCodec<>() {
                @Override
                public byte[] encode(String command) {
                    return command.getBytes(StandardCharsets.UTF_8);
                }

                @Override
                public String decode(byte[] bytes) {
                    return new String(bytes, StandardCharsets.UTF_8);
                }
            };
        }

        @Override
        public AppliedAt apply(String command, AppliedAt at, ReplicatedState state) {
            state.put(("log/" + at.seq()).getBytes(StandardCharsets.UTF_8), codec().encode(command));
            return at;
        }
    }

    static class Other extends Journal {
        @Override
        public String name() {
            return "other";
        }
    }

    @Test
    void theApplicationsMachineAppliesItsBytesWithItsPlaceInTheLog() {
        Journal journal = new Journal();
        ApplicationMachines found = new ApplicationMachines(List.of(journal), DAEMONS);
        MachineAdapter<String, AppliedAt> adapter = found.of(Journal.class);
        assertSame(journal, adapter.machine());

        MemoryStorage storage = new MemoryStorage(1 << 20, 100);
        Machines machines = new Machines(new KeyValueStore(1 << 20, 100), found.machines(), Long.MAX_VALUE);
        storage.apply(new Entry(7, new Epoch(4, 2), new MachineCommand("journal", adapter.encode("hello")).encode()), machines);
        assertEquals(new AppliedAt(7, new io.regent.api.Epoch(4, 2)), machines.takeValue());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8),
                new Namespace("journal").reading(storage.space()).get("log/7".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMachineNotFoundIsNamedWithThoseThatWere() {
        ApplicationMachines found = new ApplicationMachines(List.of(new Journal()), DAEMONS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> found.of(Other.class));
        assertTrue(e.getMessage().contains("[journal]") && e.getMessage().contains("lib/"), e.getMessage());
    }
}
