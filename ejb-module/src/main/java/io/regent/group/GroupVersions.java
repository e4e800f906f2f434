package io.regent.group;

import io.regent.host.GroupStatus;
import io.regent.host.WriteOutcome;
import io.regent.replication.CommittedView;
import io.regent.upgrade.Feature;
import io.regent.upgrade.GroupVersionMachine;
import io.regent.upgrade.ProtocolVersion;
import io.regent.upgrade.SpokenVersions;
import io.regent.wire.Frame;

import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * This server's side of rolling upgrades (DESIGN.md §8): the group's protocol version as
 * committed, the version this server writes at, what each member has been heard speaking, and on
 * the master the raise of the group's version once every voter speaks the new one.
 */
final class GroupVersions {

    /** What a raise is proposed through: the master's write path. */
    interface Proposer {
        CompletionStage<WriteOutcome> propose(String command);
    }

    private static final Logger LOG = Logger.getLogger(GroupVersions.class.getName());

    private final String self;
    private final Set<String> voters;
    private final SpokenVersions spoken = new SpokenVersions();
    private final AtomicBoolean raising = new AtomicBoolean();
    /** How recently each voter must have been heard at a version for the group to be raised to it, ms. */
    private final long freshMillis;
    private final VersionRefusals refusals;
    /** Members last found speaking below the group's version, warned of once. Used by the tick alone. */
    private final Set<String> behind = new HashSet<>();
    private volatile int groupVersion;
    private volatile String lastRaiseProblem;

    /**
     * @param recorded    the group's version in this server's own copy as it starts
     * @param freshMillis how recently each voter must have been heard at a version for the group
     *                    to be raised to it: a few periods of its announcements
     */
    GroupVersions(String self, Set<String> voters, int recorded, long freshMillis, VersionRefusals refusals) {
        this.self = self;
        this.voters = Set.copyOf(voters);
        this.groupVersion = recorded;
        this.freshMillis = freshMillis;
        this.refusals = refusals;
    }

    /** The version this server seals its frames at now. */
    int writes() {
        return ProtocolVersion.writes(groupVersion);
    }

    int group() {
        return groupVersion;
    }

    /** A frame was opened at {@code now}: its sender speaks at least its version in that run. */
    void heard(Frame f, long now) {
        spoken.heard(f.from(), f.incarnation(), f.version(), now);
    }

    /** {@code member} left the broker: it counts as unheard until it sends again. */
    void departed(String member) {
        spoken.departed(member);
    }

    /** Reads the group's version again from the committed state, once it is known. */
    void refresh(CommittedView committed) {
        int now;
        try {
            now = committed.read(GroupVersionMachine::read).value();
        } catch (CommittedView.NotReadable e) {
            return; // not known yet, or a snapshot replaced the state meanwhile: the next tick reads it
        }
        int before = groupVersion;
        if (now > before) { // it only rises: a stale read changes nothing
            groupVersion = now;
            LOG.info(() -> "Regent " + self + ": the group is at protocol version " + now + " (was " + before
                    + "); this server writes version " + writes() + ", features on: " + features());
        }
    }

    /**
     * Logs, once each time it happens, a member heard in its current run at a version below the
     * group's: it runs a release older than the group's (a downgrade past finalising) and cannot
     * follow the frames the group writes.
     */
    void warnOfMembersBehind() {
        int group = groupVersion;
        spoken.view().forEach((member, version) -> {
            if (version < group && !member.equals(self)) {
                if (behind.add(member)) {
                    LOG.warning(() -> "Regent " + self + ": " + member + " speaks protocol version " + version
                            + " only, below the group's " + group + ": it runs a release older than the group's and "
                            + "cannot follow it; run this release or a newer one there (README, Upgrades)");
                }
            } else {
                behind.remove(member);
            }
        });
    }

    /**
     * On the master open for writes: raises the group's version once every voter has been heard
     * speaking a newer one in its current run, each within the last {@code freshMillis}. One
     * raise at a time; one that did not commit is tried again at the next tick, its reason logged
     * once.
     */
    void raiseIfAllSpeak(Proposer master, long now) {
        OptionalInt common = spoken.commonTo(voters, now, freshMillis);
        if (common.isEmpty()) {
            return;
        }
        int target = Math.min(common.getAsInt(), ProtocolVersion.CURRENT);
        if (target <= groupVersion || !raising.compareAndSet(false, true)) {
            return;
        }
        LOG.info(() -> "Regent " + self + ": every voter speaks protocol version " + target
                + "; raising the group to it");
        master.propose(GroupVersionMachine.raiseTo(target)).whenComplete((outcome, failure) -> {
            raising.set(false);
            String problem = failure != null ? failure.toString()
                    : outcome instanceof WriteOutcome.Committed ? null : outcome.toString();
            if (problem != null && !problem.equals(lastRaiseProblem)) {
                LOG.warning(() -> "Regent " + self + ": raising the group to protocol version " + target
                        + " did not commit (" + problem + "); tried again at the next tick");
            }
            lastRaiseProblem = problem;
        });
    }

    List<String> features() {
        return Feature.enabledAt(groupVersion).stream().map(Feature::wireName).toList();
    }

    GroupStatus.Versions status() {
        return new GroupStatus.Versions(groupVersion, writes(), ProtocolVersion.range(), spoken.view(), features(),
                refusals.count());
    }
}
