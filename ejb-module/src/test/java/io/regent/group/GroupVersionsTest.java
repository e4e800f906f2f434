package io.regent.group;

import io.regent.host.WriteOutcome;
import io.regent.kv.KeyValueStore;
import io.regent.machines.Machines;
import io.regent.protocol.Epoch;
import io.regent.replication.CommittedView;
import io.regent.replication.Entry;
import io.regent.replication.MemoryStorage;
import io.regent.replication.Position;
import io.regent.upgrade.GroupVersionMachine;
import io.regent.upgrade.ProtocolVersion;
import io.regent.wire.Frame;
import io.regent.wire.Topic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GroupVersionsTest {

    private static final Epoch E = new Epoch(1, 1);

    private final MemoryStorage storage = new MemoryStorage(1 << 20, 1_000);
    private final Machines machines = new Machines(new KeyValueStore(1 << 20, 1_000), List.of(new GroupVersionMachine()),
            Long.MAX_VALUE);
    private final CommittedView committed = new CommittedView(storage.space(), Position.NONE);
    private final GroupVersions versions = new GroupVersions("s1", Set.of("s1", "s2", "s3"), ProtocolVersion.UNRECORDED,
            3_000, new VersionRefusals("s1", Set.of("s1", "s2", "s3")));
    private final List<String> proposed = new ArrayList<>();
    private CompletableFuture<WriteOutcome> pending = new CompletableFuture<>();

    private void heard(String member, long run, int version) {
        versions.heard(new Frame(version, Topic.CONTROL, "regent", member, "", run, 1, 0, new byte[0]), 0);
    }

    private void tick() {
        versions.refresh(committed);
        versions.raiseIfAllSpeak(command -> {
            proposed.add(command);
            return pending;
        }, 0);
    }

    @Test
    void theMasterRaisesTheGroupOnceEveryVoterSpeaksTheNewVersionAndServersWriteItOnceCommitted() {
        heard("s1", 1, 3);
        heard("s2", 1, 3);
        heard("s3", 1, 2);
        tick();
        assertEquals(List.of(), proposed, "s3 runs the previous release");
        assertEquals(ProtocolVersion.OLDEST, versions.writes());
        heard("s3", 2, 3); // s3 restarted on the new release
        tick();
        tick();
        assertEquals(List.of(GroupVersionMachine.raiseTo(3)), proposed, "one raise at a time");
        storage.apply(new Entry(1, E, proposed.get(0)), machines);
        pending.complete(new WriteOutcome.Committed(new Position(1, E), 3));
        assertEquals(ProtocolVersion.OLDEST, versions.writes(), "not before the tick reads the committed state");
        tick();
        assertEquals(3, versions.group());
        assertEquals(3, versions.writes());
        assertEquals(List.of("signed-frame-version"), versions.features());
        assertEquals(1, proposed.size(), "nothing more to raise");
    }

    @Test
    void aRaiseThatDidNotCommitIsTriedAgainAtTheNextTick() {
        for (String member : List.of("s1", "s2", "s3")) {
            heard(member, 1, 3);
        }
        tick();
        pending.complete(new WriteOutcome.NotOpen(null));
        pending = new CompletableFuture<>();
        tick();
        assertEquals(2, proposed.size());
    }
}
