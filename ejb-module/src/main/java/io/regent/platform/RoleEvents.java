package io.regent.platform;

import io.regent.api.MasterGranted;
import io.regent.api.MasterRevoked;
import io.regent.host.MemberHost;

import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers role events to the application, in order, on a thread of their own: the member's
 * inputs never wait for an observer. Each time the member changes it looks at the newest
 * snapshot, moves {@link MastershipState} on (a revocation before its event is fired, so that
 * {@code isMaster()} is false by the time an observer runs) and fires what changed.
 */
public final class RoleEvents implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RoleEvents.class.getName());

    private final Supplier<MemberHost.Snapshot> member;
    private final Consumer<Object> fire;
    private final RoleTransitions transitions;
    private final MastershipState state;
    private final Thread thread;
    private final Object signal = new Object();
    private boolean changed;
    private volatile boolean closing;

    /**
     * @param fire delivers an event to the application's observers (CDI), on the calling thread
     */
    public RoleEvents(String self, Supplier<MemberHost.Snapshot> member, Consumer<Object> fire, ThreadFactory threads) {
        this.member = member;
        this.fire = fire;
        this.transitions = new RoleTransitions(self);
        this.state = new MastershipState(self, member, threads);
        this.thread = threads.newThread(this::run);
        thread.setName("regent-role-events");
        thread.setDaemon(true);
        thread.start();
    }

    public MastershipState state() {
        return state;
    }

    /** The member changed: look again. Never blocks. */
    public void changed() {
        synchronized (signal) {
            changed = true;
            signal.notifyAll();
        }
    }

    /** Revokes a mastership held (the server stops) and stops delivering. */
    @Override
    public void close() {
        closing = true;
        changed();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (true) {
            synchronized (signal) {
                while (!changed && !closing) {
                    try {
                        signal.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                changed = false;
            }
            if (closing) {
                deliver(transitions.stopping());
                state.close();
                return;
            }
            deliver(transitions.after(member.get()));
        }
    }

    private void deliver(List<Record> events) {
        for (Record e : events) {
            if (e instanceof MasterRevoked r) {
                state.revoke(r.epoch());
            } else if (e instanceof MasterGranted g) {
                state.grant(g.epoch());
            }
            try {
                fire.accept(e);
            } catch (RuntimeException failed) {
                LOG.log(Level.WARNING, "an observer of " + e + " failed", failed);
            }
        }
    }
}
