package io.regent.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.regent.protocol.NodeHarness.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The protocol rule by rule, one server driven by hand. README's claims table names these tests;
 * the seeded simulation (io.regent.sim) checks the same rules in interleavings.
 */
class NodeTest {

    private static final Epoch S1_TERM1 = new Epoch(1, 1);

    // ---- claims 2-3: state, master and epoch of each server ---------------------------------

    @Test
    void eachServerKnowsItsStateMasterAndEpoch() {
        NodeHarness b = NodeHarness.of("s2").following("s1");
        assertEquals(Role.BACKUP, b.node.role());
        assertEquals("s1", b.node.master());
        assertEquals(S1_TERM1, b.node.epoch());
        NodeHarness m = NodeHarness.of("s1").asMaster();
        assertEquals(Role.MASTER, m.node.role());
        assertEquals("s1", m.node.master());
    }

    @Test
    void aStartingServerIsJoiningUntilItsMasterAnswers() {
        NodeHarness b = NodeHarness.of("s2").start();
        assertEquals(Role.JOINING, b.node.role());
        b.receive(new Message.Declaration("s1", S1_TERM1)).fire(TimerKind.DETECTION);
        assertEquals(Role.JOINING, b.node.role(), "not joined before a reply");
        b.fire(TimerKind.REPLY_TIMEOUT);
        assertEquals(Role.JOINING, b.node.role(), "a joining server does not judge its master");
        b.fire(TimerKind.DETECTION).receive(new Message.Reply("s1", S1_TERM1, b.lastInquirySeq()));
        assertEquals(Role.BACKUP, b.node.role());
    }

    @Test
    void withReplicatedStateAJoiningServerIsNotElectableUntilItCaughtUp() {
        NodeHarness b = NodeHarness.of("s2");
        b.node.requireCurrentState();
        b.start().receive(new Message.Declaration("s1", S1_TERM1)).fire(TimerKind.DETECTION);
        b.receive(new Message.Reply("s1", S1_TERM1, b.lastInquirySeq()));
        assertEquals(Role.JOINING, b.node.role(), "the master answered, but the state is not caught up");
        assertFalse(b.pending(TimerKind.DISCOVERY), "it does not elect while it catches up");
        b.node.stateCurrent(b.now, true);
        assertEquals(Role.BACKUP, b.node.role());
        b.node.stateCurrent(b.now, false);
        assertEquals(Role.JOINING, b.node.role(), "a follower whose history diverged catches up again");
    }

    @Test
    void aServerThatCaughtUpBeforeItsMasterAnsweredJoinsOnTheAnswer() {
        NodeHarness b = NodeHarness.of("s2");
        b.node.requireCurrentState();
        b.start().receive(new Message.Declaration("s1", S1_TERM1));
        b.node.stateCurrent(b.now, true);
        assertEquals(Role.JOINING, b.node.role());
        b.fire(TimerKind.DETECTION).receive(new Message.Reply("s1", S1_TERM1, b.lastInquirySeq()));
        assertEquals(Role.BACKUP, b.node.role());
    }

    @Test
    void aMasterCountsOnlyLiveCaughtUpFollowers() {
        NodeHarness m = NodeHarness.of("s1").asMaster();
        m.receive(new Message.Announcement("s2", m.node.epoch(), Role.BACKUP, "http://s2", Map.of(), false));
        m.receive(new Message.Announcement("s3", m.node.epoch(), Role.JOINING, "http://s3", Map.of(), false));
        assertEquals(List.of("s2"), m.node.liveFollowers(m.now));
        m.advance(NodeHarness.config("s1", 1, false).followerWindow() + 1);
        assertEquals(List.of(), m.node.liveFollowers(m.now), "not heard of within the window");
    }

    @Test
    void aJoiningServerThatHearsARunningGroupWaitsForItsMasterInsteadOfElectingItself() {
        NodeHarness b = NodeHarness.of("s1").start();
        b.receive(new Message.Announcement("s3", new Epoch(4, 2), Role.BACKUP, "http://s3", Map.of(), false));
        b.fire(TimerKind.DISCOVERY);
        assertEquals(Role.JOINING, b.node.role(), "s3 follows a master: wait for it, do not elect");
        assertTrue(b.pending(TimerKind.DISCOVERY));
        b.advance(NodeHarness.config("s1", 1, false).liveWindow() + 1).fire(TimerKind.DISCOVERY);
        assertEquals(Role.WAITING, b.node.role(), "nobody heard of any more: elect");
    }

    @Test
    void theMasterFoundDeadIsNotAskedWhereItStandsUnlessItIsHeardFromAgain() {
        NodeHarness b = NodeHarness.of("s2").following("s1");
        b.receive(new Message.Probe("s3", S1_TERM1, b.now));
        b.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        assertEquals(Role.WAITING, b.node.role());
        assertEquals(List.of("s3"), b.node.livePeers(b.now), "s1 was judged dead");
        b.advance(1).receive(new Message.Probe("s1", S1_TERM1, b.now));
        assertEquals(List.of("s1", "s3"), b.node.livePeers(b.now), "heard from again: alive after all");
    }

    // ---- claims 4, 24: periodic inquiry -----------------------------------------------------

    @Test
    void aBackupInquiresItsMasterAtEachAlignedDetectionTick() {
        NodeHarness b = NodeHarness.of("s2").following("s1");
        Effect.SetTimer tick = b.timers.get(TimerKind.DETECTION);
        assertEquals(100, tick.period());
        b.fire(TimerKind.DETECTION);
        assertEquals(0, b.now % 100, "ticks land on multiples of the interval, the same for every backup");
        List<Message.Inquiry> inquiries = b.sentOf(Message.Inquiry.class);
        assertEquals(1, inquiries.size());
        assertEquals("s1", b.sent.get(0).to());
        assertTrue(b.pending(TimerKind.REPLY_TIMEOUT));
    }

    @Test
    void theMasterRepliesToEachInquiry() {
        NodeHarness m = NodeHarness.of("s1").asMaster();
        m.receive(new Message.Inquiry("s2", m.node.epoch(), 7));
        Message.Reply reply = m.sentOf(Message.Reply.class).get(0);
        assertEquals(7, reply.seq());
        assertEquals("s2", m.sent.get(0).to());
    }

    // ---- claims 5, 25: time-out ---------------------------------------------------------

    @Test
    void aReplyWithinTheTimeOutShowsTheMasterFunctional() {
        NodeHarness b = NodeHarness.of("s2").following("s1").fire(TimerKind.DETECTION);
        b.receive(new Message.Reply("s1", S1_TERM1, b.lastInquirySeq()));
        assertFalse(b.pending(TimerKind.REPLY_TIMEOUT));
        assertEquals(Role.BACKUP, b.node.role());
    }

    @Test
    void noReplyWithinTheTimeOutMakesTheMasterNotFunctional() {
        NodeHarness b = NodeHarness.of("s2").following("s1").fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        assertEquals(Role.WAITING, b.node.role());
        assertTrue(b.events.stream().anyMatch(e -> e instanceof Event.MasterSuspected s && "s1".equals(s.master())));
    }

    @Test
    void aSuspicionSaysHowLongTheMasterWasSilentAndHowLateTheTimeOutRan() {
        NodeHarness b = NodeHarness.of("s2").following("s1");
        long answered = b.now;
        b.fire(TimerKind.DETECTION).advance(40).fire(TimerKind.REPLY_TIMEOUT); // held up 40 ms before it ran
        Event.MasterSuspected s = (Event.MasterSuspected) b.events.stream()
                .filter(e -> e instanceof Event.MasterSuspected).findFirst().orElseThrow();
        assertEquals(b.now - answered, s.sinceAnswer());
        assertEquals(40, s.timerLate());
    }

    @Test
    void theTimeOutWidensWhenRoundTripsJitterAndNeverFallsBelowTheConfiguredOne() {
        NodeHarness b = NodeHarness.of("s2").following("s1");
        long configured = NodeHarness.config("s2", 1, false).replyTimeout();
        for (long rtt : new long[] {10, 190, 15, 180, 20}) {
            b.fire(TimerKind.DETECTION);
            b.advance(rtt).receive(new Message.Reply("s1", S1_TERM1, b.lastInquirySeq()));
        }
        b.fire(TimerKind.DETECTION);
        long widened = b.timers.get(TimerKind.REPLY_TIMEOUT).delay();
        assertTrue(widened > configured && widened <= 3 * configured, "widened to " + widened);
        for (int i = 0; i < 40; i++) {
            b.fire(TimerKind.DETECTION);
            b.advance(5).receive(new Message.Reply("s1", S1_TERM1, b.lastInquirySeq()));
        }
        b.fire(TimerKind.DETECTION);
        assertEquals(configured, b.timers.get(TimerKind.REPLY_TIMEOUT).delay(), "quiet again: the configured one");
    }

    @Test
    void withKMissesConfiguredOneMissIsNotEnough() {
        NodeHarness b = new NodeHarness(config("s2", 2, false)).following("s1");
        b.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        assertEquals(Role.BACKUP, b.node.role());
        b.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        assertEquals(Role.WAITING, b.node.role());
    }

    // ---- the fabric's hint that a connection closed -------------------------------------

    @Test
    void whenTheMastersConnectionClosesTheNextMissedReplyMakesABackupSuspect() {
        NodeHarness b = new NodeHarness(config("s2", 2, false)).following("s1").advance(7);
        b.departed("s1");
        assertEquals(Role.BACKUP, b.node.role(), "a hint alone is no verdict");
        assertTrue(b.sent.isEmpty(), "the next aligned tick asks, as on every backup");
        b.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        assertEquals(Role.WAITING, b.node.role(), "the hint counted as the first miss");
    }

    @Test
    void aMasterThatAnswersAfterItsConnectionClosedStaysMaster() {
        NodeHarness b = new NodeHarness(config("s2", 2, false)).following("s1");
        b.departed("s1").fire(TimerKind.DETECTION).advance(30).receive(new Message.Reply("s1", S1_TERM1, b.lastInquirySeq()));
        b.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        assertEquals(Role.BACKUP, b.node.role(), "moved to another broker and answered: the misses start again");
    }

    @Test
    void aReplyThatLeftBeforeTheMastersConnectionClosedDoesNotUndoTheHint() {
        NodeHarness b = new NodeHarness(config("s2", 2, false)).following("s1");
        b.fire(TimerKind.DETECTION).advance(5);
        long asked = b.lastInquirySeq();
        b.departed("s1").advance(2).receive(new Message.Reply("s1", S1_TERM1, asked)); // overtaken by the hint
        assertEquals(Role.BACKUP, b.node.role());
        b.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        assertEquals(Role.WAITING, b.node.role(), "the hint and the miss after it, as on a backup the reply reached first");
    }

    @Test
    void anotherServersClosedConnectionChangesNothing() {
        NodeHarness b = new NodeHarness(config("s2", 2, false)).following("s1");
        b.departed("s3").departed("regent");
        assertTrue(b.sent.isEmpty());
        b.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        assertEquals(Role.BACKUP, b.node.role());
    }

    // ---- claims 6-9: waiting and the election timer -------------------------------------

    @Test
    void aWaitingServerDeclaresWhenItsElectionTimerRunsOut() {
        NodeHarness b = NodeHarness.of("s2").following("s1").fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        assertTrue(b.pending(TimerKind.ELECTION));
        b.win();
        assertEquals(Role.MASTER, b.node.role());
        assertEquals("s2", b.node.master());
        Message.Declaration d = b.sentOf(Message.Declaration.class).get(0);
        assertEquals(new Epoch(2, 2), d.epoch(), "epoch = highest seen + 1, owned by the declarer");
        assertNull(b.sent.get(b.sent.size() - 1).to(), "sent to every server");
    }

    @Test
    void aDeclarationBeforeTheTimerSettlesTheElection() {
        NodeHarness b = NodeHarness.of("s3").following("s1").fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        b.receive(new Message.Declaration("s2", new Epoch(2, 2)));
        assertEquals(Role.BACKUP, b.node.role());
        assertEquals("s2", b.node.master());
        assertFalse(b.pending(TimerKind.ELECTION));
    }

    @Test
    void aLateReplyFromTheOldMasterSettlesTheElection() {
        NodeHarness b = NodeHarness.of("s2").following("s1").fire(TimerKind.DETECTION);
        long seq = b.lastInquirySeq();
        b.fire(TimerKind.REPLY_TIMEOUT).receive(new Message.Reply("s1", S1_TERM1, seq));
        assertEquals(Role.BACKUP, b.node.role());
        assertFalse(b.pending(TimerKind.ELECTION));
    }

    // ---- claims 10-13: the election delay -----------------------------------------------

    @Test
    void theElectionDelayFollowsTheFormula() {
        DelayMatrix d = new DelayMatrix("s3", 5, 200, 8);
        d.acceptRow("s1", Map.of("s2", 7L, "s3", 9L, "s4", 30L));
        d.acceptRow("s2", Map.of("s1", 7L, "s3", 4L, "s4", 12L));
        List<String> backups = List.of("s1", "s2", "s3", "s4");
        // best of B fires at the base
        assertEquals(20, ElectionDelay.of("s1", backups, d, 20, 100));
        // s3: base + max(d(s1,s3), d(s1,s4)) + max(d(s2,s3), d(s2,s4)) + detection skew
        assertEquals(20 + 30 + 12 + 100, ElectionDelay.of("s3", backups, d, 20, 100));
        // the floor applies to a tiny or missing value: d(s2,s3)=4 -> 5
        assertEquals(5, d.oneWay("s2", "s3"));
        assertEquals(5, d.oneWay("s3", "s4"), "missing: floor");
    }

    @Test
    void delaysAreMeasuredByProbesAsHalfTheRoundTrip() {
        NodeHarness b = NodeHarness.of("s2").start();
        b.receive(new Message.ProbeEcho("s1", Epoch.NONE, b.now - 30));
        assertEquals(15, b.node.delays().oneWay("s2", "s1"));
        b.receive(new Message.Probe("s3", Epoch.NONE, 123));
        Message.ProbeEcho echo = b.sentOf(Message.ProbeEcho.class).get(0);
        assertEquals(123, echo.sentAt());
    }

    @Test
    void theFailedMasterIsLeftOutOfTheElectionDelay() {
        // s2 is the best live backup once s1 is excluded: it fires at the base delay
        NodeHarness b = NodeHarness.of("s2").following("s1");
        b.receive(new Message.Announcement("s3", S1_TERM1, Role.BACKUP, "http://x", Map.of(), false));
        b.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        assertEquals(20, b.timers.get(TimerKind.ELECTION).delay());
    }

    // ---- claims 14-23: declarations and revocations -------------------------------------

    @Test
    void aBackupAcceptsADeclaration() {
        NodeHarness b = NodeHarness.of("s3").following("s1");
        b.receive(new Message.Declaration("s2", new Epoch(2, 2)));
        assertEquals("s2", b.node.master());
        assertEquals(Role.BACKUP, b.node.role());
    }

    @Test
    void aMasterRevokesAWorseRankedDeclarerOfItsTerm() {
        NodeHarness m = NodeHarness.of("s2").following("s1").fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT)
                .win();
        m.clear();
        m.receive(new Message.Declaration("s3", new Epoch(2, 3)));
        assertEquals(Role.MASTER, m.node.role());
        Message.Revocation r = m.sentOf(Message.Revocation.class).get(0);
        assertEquals("s3", r.revoked());
        assertEquals(new Epoch(2, 2), r.epoch());
    }

    @Test
    void aMasterYieldsToABetterRankedDeclarerOfItsTerm() {
        NodeHarness m = NodeHarness.of("s3").following("s1").fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT)
                .win();
        assertEquals(new Epoch(2, 3), m.node.epoch());
        m.receive(new Message.Declaration("s2", new Epoch(2, 2)));
        assertEquals(Role.BACKUP, m.node.role());
        assertEquals("s2", m.node.master());
    }

    @Test
    void aRevocationMovesFollowersToTheRevokerAndTheRevokedStepsDown() {
        NodeHarness follower = NodeHarness.of("s1").start();
        follower.receive(new Message.Declaration("s3", new Epoch(2, 3)));
        follower.receive(new Message.Revocation("s2", new Epoch(2, 2), "s3"));
        assertEquals("s2", follower.node.master());

        NodeHarness revoked = NodeHarness.of("s3").following("s1").fire(TimerKind.DETECTION)
                .fire(TimerKind.REPLY_TIMEOUT).win();
        revoked.receive(new Message.Revocation("s2", new Epoch(2, 2), "s3"));
        assertEquals(Role.BACKUP, revoked.node.role());
        assertEquals("s2", revoked.node.master());
    }

    @Test
    void aBetterRankedMasterRevokesTheRevokerInTurn() {
        NodeHarness m = NodeHarness.of("s1").following("s3").fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT)
                .win();
        assertEquals(new Epoch(2, 1), m.node.epoch());
        m.clear();
        m.receive(new Message.Revocation("s2", new Epoch(2, 2), "s3"));
        assertEquals(Role.MASTER, m.node.role());
        assertEquals("s2", m.sentOf(Message.Revocation.class).get(0).revoked());
    }

    // ---- DESIGN.md §2.5: epochs, handover, preempt, stalls ------------------------------

    @Test
    void aMessageOfAnOlderEpochChangesNothingAndTheSenderIsToldTheNewer() {
        NodeHarness b = NodeHarness.of("s3").following("s1");
        b.receive(new Message.Declaration("s2", new Epoch(2, 2)));
        b.clear();
        b.receive(new Message.Declaration("s1", S1_TERM1));
        assertEquals("s2", b.node.master());
        Message.Announcement told = b.sentOf(Message.Announcement.class).get(0);
        assertEquals(new Epoch(2, 2), told.epoch());
        assertEquals("s1", b.sent.get(0).to());
    }

    @Test
    void aMasterThatSeesANewerTermStepsDownAtOnce() {
        NodeHarness m = NodeHarness.of("s1").asMaster();
        m.receive(new Message.Inquiry("s3", new Epoch(5, 2), 1));
        assertEquals(Role.BACKUP, m.node.role());
        assertEquals("s2", m.node.master());
        assertEquals(new Epoch(5, 2), m.node.epoch());
    }

    @Test
    void aPlannedHandoverMakesTheBestBackupDeclareAtOnce() {
        NodeHarness m = NodeHarness.of("s1").asMaster();
        m.receive(new Message.Announcement("s2", m.node.epoch(), Role.BACKUP, "http://x", Map.of(), false));
        m.receive(new Message.Announcement("s3", m.node.epoch(), Role.BACKUP, "http://x", Map.of(), false));
        assertEquals("s2", m.node.handOver(m.now, null).orElseThrow());
        assertEquals(Role.BACKUP, m.node.role());

        NodeHarness target = NodeHarness.of("s2").following("s1");
        target.receive(new Message.Handover("s1", S1_TERM1, "s2"));
        assertEquals(Role.MASTER, target.node.role());
        assertTrue(target.events.stream().anyMatch(e -> e instanceof Event.Declared d && d.cause() == Event.Declared.Cause.HANDOVER));
    }

    @Test
    void aReturningBetterServerDoesNotPreemptByDefault() {
        NodeHarness b = NodeHarness.of("s1").start().receive(new Message.Declaration("s2", new Epoch(3, 2)));
        assertFalse(b.pending(TimerKind.PREEMPT));
    }

    @Test
    void withPreemptABetterServerTakesOverAfterTheDelay() {
        NodeHarness b = new NodeHarness(config("s1", 1, true)).following("s2");
        assertTrue(b.pending(TimerKind.PREEMPT));
        b.fire(TimerKind.PREEMPT);
        assertEquals(Role.MASTER, b.node.role());
        assertEquals(new Epoch(2, 1), b.node.epoch());
    }

    @Test
    void aStalledMasterStopsActingAsMasterAndRejoins() {
        NodeHarness m = NodeHarness.of("s1").asMaster();
        m.advance(5_000).receive(new Message.Inquiry("s2", m.node.epoch(), 3));
        assertEquals(Role.JOINING, m.node.role());
        assertTrue(m.sentOf(Message.Reply.class).isEmpty(), "no reply as master after a stall");
    }

    // ---- DESIGN.md §2.5: a master needs a majority; epochs survive restarts ------------------

    @Test
    void aMasterThatHearsNoMajorityStepsDownWithinTheQuorumWindow() {
        NodeHarness m = NodeHarness.of("s1").asMaster();
        long window = config("s1", 1, false).quorumWindow();
        long start = m.now;
        while (m.node.role() == Role.MASTER && m.now - start <= window + 200) {
            m.fire(TimerKind.QUORUM);
        }
        assertEquals(Role.JOINING, m.node.role(), "cut off from s2 and s3: no longer master, it rejoins");
        assertTrue(m.now - start <= window + config("s1", 1, false).detectionInterval(), "within the window");
        assertTrue(m.events.stream().anyMatch(e -> e instanceof Event.QuorumLost q && q.heard() == 1 && q.needed() == 2));
    }

    @Test
    void aMasterWhoseOwnLinkFailedStepsDownOnlyIfItStillHearsNoMajorityAWindowAfterItCameBack() {
        NodeHarness m = NodeHarness.of("s1").asMaster();
        long window = config("s1", 1, false).quorumWindow();
        m.node.link(m.now, false);
        long down = m.now;
        while (m.now - down <= 3 * window) {
            m.fire(TimerKind.QUORUM);
        }
        assertEquals(Role.MASTER, m.node.role(), "its broker died, not its majority");
        m.node.link(m.now, true);
        long back = m.now;
        m.fire(TimerKind.QUORUM);
        assertEquals(Role.MASTER, m.node.role(), "a full window to hear the others again");
        while (m.node.role() == Role.MASTER && m.now - back <= window + 200) {
            m.fire(TimerKind.QUORUM);
        }
        assertEquals(Role.JOINING, m.node.role(), "still nobody heard a window after the link came back");
    }

    @Test
    void aMasterThatHearsItsBackupsStaysMaster() {
        NodeHarness m = NodeHarness.of("s1").asMaster();
        for (int i = 0; i < 30; i++) {
            m.fire(TimerKind.QUORUM).receive(new Message.Inquiry("s2", m.node.epoch(), i + 1));
        }
        assertEquals(Role.MASTER, m.node.role());
    }

    @Test
    void aServerCutOffFromTheMajorityDoesNotDeclare() {
        NodeHarness b = NodeHarness.of("s2").following("s1");
        for (long quiet = 0; quiet <= config("s2", 1, false).quorumWindow(); quiet += 400) {
            b.advance(400).fire(TimerKind.PROBE); // time passes, and nothing is heard
        }
        b.fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT).fire(TimerKind.ELECTION);
        assertEquals(Role.WAITING, b.node.role(), "heard nobody within the window: no new epoch");
        assertTrue(b.sentOf(Message.Declaration.class).isEmpty());
        assertTrue(b.pending(TimerKind.ELECTION), "it tries again");
        b.receive(new Message.Probe("s3", S1_TERM1, b.now)).win();
        assertEquals(Role.MASTER, b.node.role(), "hears s3 again: s2 and s3 are a majority");
    }

    @Test
    void aWaitingServerDeclaresOnlyOnceAMajoritySupportsItsCandidacy() {
        NodeHarness b = NodeHarness.of("s2").following("s1").fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        b.fire(TimerKind.ELECTION);
        assertEquals(Role.WAITING, b.node.role(), "it asked first");
        assertEquals(1, b.sentOf(Message.Candidacy.class).size());
        assertTrue(b.pending(TimerKind.ELECTION), "and asks again if nobody supports it");
        b.receive(new Message.Support("s3", b.node.epoch(), "s2"));
        assertEquals(Role.MASTER, b.node.role(), "s2 and s3: a majority of three");
    }

    @Test
    void aServerThatStillHearsItsMasterDoesNotSupportACandidate() {
        NodeHarness b = NodeHarness.of("s3").following("s1");
        b.receive(new Message.Candidacy("s2", S1_TERM1));
        assertTrue(b.sentOf(Message.Support.class).isEmpty(), "s1 answered s3 just now");
        b.advance(config("s3", 1, false).replyTimeout() + 1).receive(new Message.Candidacy("s2", S1_TERM1));
        assertEquals("s2", b.sentOf(Message.Support.class).get(0).candidate(), "s1 silent for a time-out: support");
        NodeHarness m = NodeHarness.of("s1").asMaster();
        m.receive(new Message.Candidacy("s3", m.node.epoch()));
        assertTrue(m.sentOf(Message.Support.class).isEmpty(), "a master supports nobody");
    }

    @Test
    void aCandidateBacksOnlyABetterRankedCandidateWhileItCanvasses() {
        // s1 was kept busy (a snapshot) and suspected the master after s2: their election timers
        // no longer stagger, and both canvass at once
        NodeHarness s1 = NodeHarness.of("s1").following("s3").fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT)
                .fire(TimerKind.ELECTION);
        NodeHarness s2 = NodeHarness.of("s2").following("s3").fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT)
                .fire(TimerKind.ELECTION);
        s1.receive(new Message.Candidacy("s2", s2.node.epoch()));
        assertTrue(s1.sentOf(Message.Support.class).isEmpty(), "s1 canvasses and ranks before s2: no support");
        s2.receive(new Message.Candidacy("s1", s1.node.epoch()));
        assertEquals("s1", s2.sentOf(Message.Support.class).get(0).candidate(), "s2 backs the better-ranked s1");
        s1.receive(s2.sentOf(Message.Support.class).get(0));
        assertEquals(Role.MASTER, s1.node.role());
        assertEquals(Role.WAITING, s2.node.role(), "one declaration, not two");
        // once its canvass is older than a reply time-out (its own support lost, say), s1 backs s2
        NodeHarness late = NodeHarness.of("s1").following("s3").fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT)
                .fire(TimerKind.ELECTION);
        late.advance(config("s1", 1, false).replyTimeout() + 1).receive(new Message.Candidacy("s2", late.node.epoch()));
        assertEquals("s2", late.sentOf(Message.Support.class).get(0).candidate());
    }

    @Test
    void theEpochIsPersistedBeforeTheDeclarationLeaves() {
        NodeHarness b = NodeHarness.of("s2").following("s1").fire(TimerKind.DETECTION).fire(TimerKind.REPLY_TIMEOUT);
        b.all.clear();
        b.win();
        int persisted = -1;
        int declared = -1;
        for (int i = 0; i < b.all.size(); i++) {
            if (b.all.get(i) instanceof Effect.Persist p && p.epoch().equals(new Epoch(2, 2)) && persisted < 0) {
                persisted = i;
            }
            if (b.all.get(i) instanceof Effect.Send s && s.message() instanceof Message.Declaration && declared < 0) {
                declared = i;
            }
        }
        assertTrue(persisted >= 0 && persisted < declared, "persist " + persisted + " before declare " + declared);
    }

    @Test
    void aRestartedServerStartsFromItsPersistedEpochAndDeclaresPastIt() {
        NodeHarness b = new NodeHarness(config("s2", 1, false), new Epoch(7, 3)).start();
        assertEquals(new Epoch(7, 3), b.node.epoch(), "an epoch never goes back");
        b.fire(TimerKind.DISCOVERY).receive(new Message.Probe("s3", Epoch.NONE, b.now)).win();
        assertEquals(new Epoch(8, 2), b.node.epoch());
    }

    @Test
    void forgedAndMalformedMessagesAreDroppedAndCounted() {
        NodeHarness b = NodeHarness.of("s2").following("s1");
        b.receive(new Message.Declaration("intruder", new Epoch(9, 1)));
        b.receive(new Message.Declaration("s3", new Epoch(9, 1)));
        b.receive(new Message.Reply("s1", S1_TERM1, -1));
        b.receive(new Message.Announcement("s3", new Epoch(-1, 0), Role.MASTER, "http://x", Map.of(), false));
        assertEquals(4, b.node.dropped());
        assertEquals("s1", b.node.master());
        assertEquals(S1_TERM1, b.node.epoch());
    }

    @Test
    void aTermBeyondTheBoundAndANonWebAddressAreRefused() {
        NodeHarness b = NodeHarness.of("s2").following("s1");
        b.receive(new Message.Declaration("s3", new Epoch(Long.MAX_VALUE - 1, 3)));
        b.receive(new Message.Declaration("s3", new Epoch(MessageCheck.MAX_TERM + 1, 3)));
        b.receive(new Message.Announcement("s1", S1_TERM1, Role.MASTER, "javascript:alert(1)", Map.of(), false));
        b.receive(new Message.Announcement("s1", S1_TERM1, Role.MASTER, "http://" + "h".repeat(600), Map.of(), false));
        assertEquals(4, b.node.dropped());
        assertEquals("s1", b.node.master());
        assertEquals(S1_TERM1, b.node.epoch(), "no election can be ended by a term near Long.MAX_VALUE");
        b.receive(new Message.Announcement("s1", S1_TERM1, Role.MASTER, "https://s1.example:9443", Map.of(), false));
        assertEquals(4, b.node.dropped(), "an https address is fine");
    }

    @Test
    void withConfiguredMemberUrlsNoAnnouncedAddressLeadsClientsElsewhere() {
        java.util.Map<String, String> urls = new java.util.HashMap<>();
        for (String id : NodeHarness.GROUP.keySet()) {
            urls.put(id, "http://" + id);
        }
        NodeHarness b = new NodeHarness(NodeHarness.config("s2", 1, false).withMemberUrls(urls)).following("s1");
        b.receive(new Message.Announcement("s1", S1_TERM1, Role.MASTER, "https://collector.example", Map.of(), false));
        assertEquals("s1", b.node.master());
        assertEquals("http://s1", b.node.masterAddress(), "the configured address stands");
        NodeHarness open = NodeHarness.of("s2").following("s1");
        open.receive(new Message.Announcement("s1", S1_TERM1, Role.MASTER, "https://s1.example:9443", Map.of(), false));
        assertEquals("https://s1.example:9443", open.node.masterAddress(), "without them, the announced one");
    }
}
