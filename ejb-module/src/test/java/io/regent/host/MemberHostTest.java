package io.regent.host;

import io.regent.machines.Machines;
import io.regent.kv.KeyValueStore;
import io.regent.kv.KvCommand;
import io.regent.member.Member;
import io.regent.protocol.Effect;
import io.regent.protocol.Epoch;
import io.regent.protocol.ProtocolConfig;
import io.regent.protocol.TimerKind;
import io.regent.replication.MemoryStorage;
import io.regent.replication.ReplicaEffect;
import io.regent.replication.ReplicationConfig;
import io.regent.replication.StorageException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host halts its member for good when the storage fails: a server that took an epoch it
 * could not persist, and went on, could take it again after a restart with another history.
 */
class MemberHostTest {

    private final List<Effect.SetTimer> timers = new ArrayList<>();
    private final List<Object> sent = new ArrayList<>();
    private boolean diskFails;

    private MemberHost host() {
        Member member = new Member(ProtocolConfig.defaults("s1", Map.of("s1", 1)), ReplicationConfig.defaults("s1"),
                Epoch.NONE, new MemoryStorage(1 << 20, 100), new Machines(new KeyValueStore(Long.MAX_VALUE, Long.MAX_VALUE)));
        MemberHost.Timers timerPort = new MemberHost.Timers() {
            @Override
            public void set(Effect.SetTimer timer) {
                timers.add(timer);
            }

            @Override
            public void cancel(TimerKind kind) {
            }
        };
        MemberHost.Outbox outbox = new MemberHost.Outbox() {
            @Override
            public void control(Effect.Send send) {
                sent.add(send.message());
            }

            @Override
            public void stream(ReplicaEffect.Send send) {
                sent.add(send.message());
            }

            @Override
            public void send() {
            }
        };
        MemberHost.Disk disk = new MemberHost.Disk() {
            @Override
            public void persistEpoch(Epoch epoch) {
                if (diskFails) {
                    throw new StorageException("cannot write the epoch " + epoch, null);
                }
            }

            @Override
            public void sync() {
                if (diskFails) {
                    throw new StorageException("fsync failed", null);
                }
            }
        };
        return new MemberHost(member, System::currentTimeMillis, timerPort, outbox, disk, new MemberHost.Observer() {
            @Override
            public void event(io.regent.protocol.Event event) {
            }

            @Override
            public void notice(String what) {
            }
        }, false, Executors.defaultThreadFactory());
    }

    /** Fires every timer the member asked for, until it is open or {@code rounds} pass. */
    private static void fireTimers(MemberHost host, List<Effect.SetTimer> timers, int rounds) {
        for (int i = 0; i < rounds && !host.snapshot().open(); i++) {
            for (Effect.SetTimer t : List.copyOf(timers)) {
                try {
                    host.fire(t.kind(), t.token());
                } catch (RuntimeException halted) {
                    return;
                }
            }
        }
    }

    @Test
    void aLoneServerWhoseDiskWorksOpensForWrites() {
        MemberHost host = host();
        host.start();
        fireTimers(host, timers, 20);
        assertTrue(host.snapshot().open(), "a group of one elects itself");
        assertEquals(null, host.halted());
    }

    @Test
    void anEpochThatCannotBePersistedHaltsTheMemberAndNothingGoesOutAfterIt() throws Exception {
        MemberHost host = host();
        diskFails = true;
        host.start();
        fireTimers(host, timers, 20);
        assertNotNull(host.halted(), "the failed write of the epoch halted it");
        assertFalse(host.snapshot().running(), "not live: an operator restarts it");
        assertEquals(NotOpenReason.HALTED, host.snapshot().whyNotOpen());
        int before = sent.size();
        for (Effect.SetTimer t : List.copyOf(timers)) {
            host.fire(t.kind(), t.token()); // ignored: a halted member takes no input
        }
        assertEquals(before, sent.size(), "nothing more is sent");
        WriteOutcome w = host.propose(KvCommand.put("k", "v", null).encode()).toCompletableFuture().get();
        assertEquals(NotOpenReason.HALTED, assertInstanceOf(WriteOutcome.NotOpen.class, w).why());
        ReadOutcome r = host.linearizableRead().toCompletableFuture().get();
        assertEquals(NotOpenReason.HALTED, assertInstanceOf(ReadOutcome.NotOpen.class, r).why());
        assertTrue(host.handOver(null).isEmpty());
        host.stop();
    }
}
