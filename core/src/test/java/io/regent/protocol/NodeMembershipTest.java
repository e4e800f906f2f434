package io.regent.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The election under a configuration with learners, unknown candidates and removed members (DESIGN.md §9). */
class NodeMembershipTest {

    /** A configuration of s1.. in order; the ids in {@code learners} do not vote. */
    private static Configuration group(int size, Set<String> learners, Set<String> retired) {
        List<Seat> seats = new ArrayList<>();
        for (int n = 1; n <= size; n++) {
            seats.add(new Seat("s" + n, n, "", !learners.contains("s" + n)));
        }
        Set<Integer> numbers = new java.util.HashSet<>();
        retired.forEach(id -> numbers.add(Integer.parseInt(id.substring(1))));
        return new Configuration(1, seats, retired, numbers);
    }

    @Test
    void aLearnerNeverCampaignsEvenWhenItRanksFirst() {
        NodeHarness s1 = new NodeHarness(NodeHarness.config("s1", 1, false), group(3, Set.of("s1"), Set.of()))
                .following("s3");
        s1.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        assertEquals(Role.WAITING, s1.node.role(), "it suspects its master like anyone");
        s1.receive(new Message.Probe("s2", s1.node.epoch(), s1.now)).fire(TimerKind.ELECTION);
        assertTrue(s1.sentOf(Message.Candidacy.class).isEmpty(), "a learner asks nobody for support");
        assertNotEquals(Role.MASTER, s1.node.role());
        assertTrue(s1.pending(TimerKind.ELECTION), "it waits for the voters' master");
    }

    @Test
    void aLearnersSupportDoesNotCountTowardAMajority() {
        NodeHarness s2 = new NodeHarness(NodeHarness.config("s2", 1, false), group(4, Set.of("s4"), Set.of()))
                .following("s3");
        s2.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT).fire(TimerKind.ELECTION);
        assertEquals(1, s2.sentOf(Message.Candidacy.class).size());
        s2.receive(new Message.Support("s4", s2.node.epoch(), "s2"));
        assertEquals(Role.WAITING, s2.node.role(), "s2 and the learner s4 are not two of three voters");
        s2.receive(new Message.Support("s1", s2.node.epoch(), "s2"));
        assertEquals(Role.MASTER, s2.node.role(), "s1 and s2 are");
    }

    @Test
    void aCandidateFromAChangeNotYetAppliedIsSupportedButARemovedMemberIsNot() {
        NodeHarness s2 = new NodeHarness(NodeHarness.config("s2", 1, false), group(3, Set.of(), Set.of("s9"))).start();
        Epoch newer = new Epoch(4, 3);
        s2.receive(new Message.Candidacy("s7", newer));
        assertEquals(List.of("s7"), s2.sentOf(Message.Support.class).stream().map(Message.Support::candidate).toList(),
                "s7 joined in a configuration s2's history does not hold yet");
        assertEquals(newer, s2.sentOf(Message.Support.class).get(0).epoch(), "support in the candidate's epoch");
        long dropped = s2.node.dropped();
        s2.clear();
        s2.receive(new Message.Candidacy("s9", s2.node.epoch()));
        assertTrue(s2.sentOf(Message.Support.class).isEmpty(), "s9 left the group");
        assertEquals(dropped + 1, s2.node.dropped());
        s2.receive(new Message.Declaration("s7", new Epoch(5, 7)));
        assertNotEquals("s7", s2.node.master(), "only a candidacy is taken from a server this one does not know");
    }

    @Test
    void aStaleServerSupportsACandidacyInTheEpochOfAMemberItDoesNotKnow() {
        // s4 joined, became a voter and master while s2 was away; s4 died, s3 canvasses in s4's epoch
        NodeHarness s2 = new NodeHarness(NodeHarness.config("s2", 1, false), group(3, Set.of(), Set.of("s9")))
                .following("s1");
        Epoch ofS4 = new Epoch(7, 4);
        s2.receive(new Message.Candidacy("s3", ofS4));
        assertEquals(ofS4, s2.node.epoch(), "it moves to the newer epoch");
        assertEquals(null, s2.node.master(), "whose owner it cannot follow yet");
        assertEquals(Role.JOINING, s2.node.role());
        assertEquals(List.of(ofS4), s2.sentOf(Message.Support.class).stream().map(Message.Support::epoch).toList(),
                "and supports the candidate in it");
        long dropped = s2.node.dropped();
        s2.receive(new Message.Candidacy("s3", new Epoch(8, 9)));
        assertEquals(dropped + 1, s2.node.dropped(), "the epoch of a member that left is refused");
        s2.receive(new Message.Candidacy("not a member id", new Epoch(8, 3)));
        assertEquals(dropped + 2, s2.node.dropped(), "so is a sender that is no member id at all");
    }

    @Test
    void supportCountsByTheConfigurationInForceWhenItArrives() {
        NodeHarness s2 = new NodeHarness(NodeHarness.config("s2", 1, false), group(4, Set.of(), Set.of()))
                .following("s1");
        s2.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT)
                .receive(new Message.Probe("s3", s2.node.epoch(), s2.now))
                .receive(new Message.Probe("s4", s2.node.epoch(), s2.now)).fire(TimerKind.ELECTION);
        assertEquals(1, s2.sentOf(Message.Candidacy.class).size(), "it hears three of four voters: it canvasses");
        s2.receive(new Message.Support("s4", s2.node.epoch(), "s2"));
        assertEquals(Role.WAITING, s2.node.role(), "two of four voters");
        s2.reconfigure(group(4, Set.of(), Set.of()).without("s4"));
        s2.receive(new Message.Support("s4", s2.node.epoch(), "s2"));
        assertEquals(Role.WAITING, s2.node.role(), "s4 left: s2 alone is not two of three");
        s2.receive(new Message.Support("s3", s2.node.epoch(), "s2"));
        assertEquals(Role.MASTER, s2.node.role(), "s2 and s3 are");

        NodeHarness s3 = new NodeHarness(NodeHarness.config("s3", 1, false), group(4, Set.of(), Set.of()))
                .following("s1");
        s3.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT)
                .receive(new Message.Probe("s2", s3.node.epoch(), s3.now))
                .receive(new Message.Probe("s4", s3.node.epoch(), s3.now)).fire(TimerKind.ELECTION);
        assertEquals(1, s3.sentOf(Message.Candidacy.class).size());
        s3.reconfigure(group(4, Set.of(), Set.of()).without("s3"));
        s3.receive(new Message.Support("s2", s3.node.epoch(), "s3"))
                .receive(new Message.Support("s4", s3.node.epoch(), "s3"));
        assertNotEquals(Role.MASTER, s3.node.role(), "a canvass ends with its candidate's removal");
    }

    @Test
    void aMasterThatNoLongerVotesStepsDownAndMajoritiesFollowTheConfiguration() {
        NodeHarness s1 = NodeHarness.of("s1").asMaster();
        s1.reconfigure(group(3, Set.of(), Set.of()).withLearner(new Seat("s4", 4, "", false)));
        assertEquals(Role.MASTER, s1.node.role(), "a learner added changes no majority");
        s1.reconfigure(group(3, Set.of("s1"), Set.of()));
        assertEquals(Role.JOINING, s1.node.role(), "a master that does not vote steps down");
        assertTrue(s1.events.stream().anyMatch(e -> e instanceof Event.Reconfigured r && r.member() && !r.voter()));
    }
}
