package io.regent.membership;

import io.regent.protocol.Configuration;

import java.util.Collection;

/**
 * What a master checks before it sequences a membership change (DESIGN.md §9), so that a change
 * can neither stop the group's writes nor be made on a stale view. The checks read the master's
 * own view (who it hears, how far each learner is), which is why they are made once, on the
 * master, and not by every server as the change applies.
 */
public final class ChangeCheck {

    /** Why a change was refused, and whether it names a member the group does not have. */
    public record Refusal(boolean unknownMember, String reason) { }

    /**
     * What the master knows as it is asked.
     *
     * @param ready        whether the master may sequence a change at all ({@code Replica.readyForChange})
     * @param master       the master's id
     * @param heard        voters and learners the master hears now, itself included
     * @param learnerLag   how many writes the learner to promote is behind the master, or -1 if it has
     *                     acknowledged nothing
     * @param allowedLag   the most writes a learner may be behind to be promoted
     * @param maxLearners  the most learners the group may hold at once
     */
    public record View(boolean ready, String master, Collection<String> heard, long learnerLag, long allowedLag,
            int maxLearners) { }

    private ChangeCheck() {
    }

    /** @return why {@code change} may not be made now, or null if it may */
    public static Refusal refusal(MembershipChange change, Configuration current, View view, boolean forced) {
        if (!view.ready()) {
            return conflict("a membership change is already under way (the group's configuration is at version "
                    + current.version() + "): one change at a time, each committed before the next");
        }
        Configuration next;
        try {
            next = change.applyTo(current);
        } catch (IllegalArgumentException e) {
            boolean unknown = !(change instanceof MembershipChange.AddLearner) && !current.has(change.member());
            return new Refusal(unknown, e.getMessage());
        }
        if (change instanceof MembershipChange.AddLearner && current.learners().size() >= view.maxLearners()) {
            return conflict("the group has " + current.learners().size() + " learner(s), its most "
                    + "(regent.members.max-learners): promote or remove one first");
        }
        if (change instanceof MembershipChange.Promote) {
            if (view.learnerLag() < 0) {
                return conflict("learner " + change.member() + " has not acknowledged any write yet: start it and "
                        + "let it catch up first");
            }
            if (view.learnerLag() > view.allowedLag()) {
                return conflict("learner " + change.member() + " is " + view.learnerLag() + " writes behind, more than "
                        + view.allowedLag() + " (regent.members.promote-lag): let it catch up first");
            }
        }
        if (change instanceof MembershipChange.Remove && change.member().equals(view.master())) {
            return conflict(change.member() + " is the master: hand over first, then remove it from the new master");
        }
        long heardVoters = view.heard().stream().distinct().filter(next::isVoter).count();
        if (heardVoters < next.majority()) {
            return conflict("the new configuration needs " + next.majority() + " voters for a majority, and the "
                    + "master hears " + heardVoters + " of them: the group would stop taking writes");
        }
        int voters = next.voters().size();
        if (voters < 3 && voters < current.voters().size() && !forced) {
            return conflict("the change would leave " + voters + " voter(s), and a group of fewer than three voters "
                    + "stops at its first failure: force it if that is meant");
        }
        return null;
    }

    private static Refusal conflict(String reason) {
        return new Refusal(false, reason);
    }
}
