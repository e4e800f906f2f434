package io.regent.membership;

import io.regent.protocol.Configuration;
import io.regent.protocol.Seat;

/**
 * One change of the group's configuration (DESIGN.md §9): each adds, promotes or removes a single
 * member, so that every majority of the configuration before it shares a voter with every
 * majority of the one after.
 */
public sealed interface MembershipChange {

    /** The member the change is about. */
    String member();

    /**
     * The configuration that follows {@code current}.
     *
     * @throws IllegalArgumentException naming why it cannot follow (an id taken, no such member)
     */
    Configuration applyTo(Configuration current);

    /** A new member joins as a learner: it receives and applies the log but does not vote. */
    record AddLearner(Seat learner) implements MembershipChange {
        public AddLearner {
            if (learner.voter()) {
                throw new IllegalArgumentException("a member joins as a learner");
            }
        }

        @Override
        public String member() {
            return learner.id();
        }

        @Override
        public Configuration applyTo(Configuration current) {
            return current.withLearner(learner);
        }
    }

    /** A learner that has caught up becomes a voter. */
    record Promote(String member) implements MembershipChange {
        @Override
        public Configuration applyTo(Configuration current) {
            return current.withPromoted(member);
        }
    }

    /** A member leaves; its id and number are never given again. */
    record Remove(String member) implements MembershipChange {
        @Override
        public Configuration applyTo(Configuration current) {
            return current.without(member);
        }
    }
}
