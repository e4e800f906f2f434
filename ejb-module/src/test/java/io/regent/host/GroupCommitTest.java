package io.regent.host;

import io.regent.protocol.Epoch;
import io.regent.replication.Position;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupCommitTest {

    private static final Epoch EPOCH = new Epoch(1, 1);

    private final AtomicInteger syncs = new AtomicInteger();
    private final List<Position> durable = new CopyOnWriteArrayList<>();
    private final List<Thread> durableOn = new CopyOnWriteArrayList<>();
    private final CountDownLatch inFirstSync = new CountDownLatch(1);
    private final CountDownLatch finishFirstSync = new CountDownLatch(1);

    private GroupCommit groupCommit(boolean holdFirstSync) {
        return new GroupCommit(() -> {
            if (syncs.incrementAndGet() == 1 && holdFirstSync) {
                inFirstSync.countDown();
                await(finishFirstSync);
            }
        }, p -> {
            durable.add(p);
            durableOn.add(Thread.currentThread());
        }, Thread::new);
    }

    @Test
    void theAskingThreadSyncsWhenNoOtherIs() {
        try (GroupCommit commit = groupCommit(false)) {
            commit.request(at(1));
            commit.syncAsked();

            assertEquals(1, syncs.get());
            assertEquals(List.of(at(1)), durable);
            assertEquals(List.of(Thread.currentThread()), durableOn);
        }
    }

    @Test
    void nothingAskedForMeansNoFsync() {
        try (GroupCommit commit = groupCommit(false)) {
            commit.syncAsked();

            assertEquals(0, syncs.get());
        }
    }

    @Test
    void whatIsAskedForDuringAnFsyncSharesTheNextOnTheGroupCommitsThread() throws InterruptedException {
        try (GroupCommit commit = groupCommit(true)) {
            commit.request(at(1));
            Thread asking = new Thread(commit::syncAsked);
            asking.start();
            assertTrue(inFirstSync.await(5, TimeUnit.SECONDS));

            commit.request(at(2));
            commit.syncAsked(); // an fsync is running: this thread only asks
            commit.request(at(3));
            commit.syncAsked();
            assertEquals(1, syncs.get());

            finishFirstSync.countDown();
            asking.join(5_000);
            waitFor(() -> durable.size() == 2);
            assertEquals(2, syncs.get());
            assertEquals(List.of(at(1), at(3)), durable);
            assertEquals(asking, durableOn.get(0));
            assertEquals("regent-group-commit", durableOn.get(1).getName(),
                    "the asking thread ran a second fsync, or the one that only asked did");
        }
    }

    @Test
    void closingWaitsForTheFsyncUnderWayAndStopsFurtherOnes() throws InterruptedException {
        GroupCommit commit = groupCommit(true);
        commit.request(at(1));
        Thread asking = new Thread(commit::syncAsked);
        asking.start();
        assertTrue(inFirstSync.await(5, TimeUnit.SECONDS));
        commit.request(at(2));

        Thread closing = new Thread(commit::close);
        closing.start();
        closing.join(200);
        assertTrue(closing.isAlive(), "close returned while an fsync was under way");

        finishFirstSync.countDown();
        closing.join(5_000);
        asking.join(5_000);
        commit.request(at(3));
        commit.syncAsked();
        assertEquals(1, syncs.get());
        assertEquals(List.of(at(1)), durable);
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(1);
        }
    }

    private static Position at(long seq) {
        return new Position(seq, EPOCH);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
