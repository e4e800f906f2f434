package io.regent.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * The threads of a workload's clients: each runs one client's loop, which goes on while
 * {@link #running()}; {@link #stop()} asks them to end after their current request and waits.
 * Daemon threads, so that a test that fails never waits for its load.
 */
final class ClientThreads {

    private final String name;
    private final long joinMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param name       the threads' name, numbered
     * @param joinMillis how long {@link #join} waits for each (a request's own time-out, and more)
     */
    ClientThreads(String name, long joinMillis) {
        this.name = name;
        this.joinMillis = joinMillis;
    }

    /** Starts {@code clients} threads, client {@code c} running {@code loop.accept(c)}. */
    void start(int clients, IntConsumer loop) {
        running.set(true);
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> loop.accept(client), name + "-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    boolean running() {
        return running.get();
    }

    /** Asks every client to end after its current request, and waits for them. */
    void stop() {
        halt();
        join();
    }

    /** Asks every client to end after its current request, without waiting. */
    void halt() {
        running.set(false);
    }

    /** Waits for the clients to end (those with a limit of their own end by themselves). */
    void join() {
        for (Thread t : threads) {
            try {
                t.join(joinMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
