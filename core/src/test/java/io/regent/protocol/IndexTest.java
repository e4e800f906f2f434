package io.regent.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claims 18-21: the index servers are ranked by, configured or measured from capacity. */
class IndexTest {

    private static final Map<String, Integer> GROUP = Map.of("s1", 1, "s2", 2, "s3", 3);
    /** Computing power: s2 strongest, s1 and s3 equal. */
    private static final Map<String, Long> FIGURES = Map.of("s1", 4_200L, "s2", 16_000L, "s3", 4_300L);

    @Test
    void moreCapacityMeansABetterIndexAndTiesFallToTheMemberNumber() {
        assertTrue(Index.measured(16_000, 3) < Index.measured(4_200, 1), "four times the figure ranks first");
        assertEquals(Index.points(4_200), Index.points(4_300), "figures within a few percent tie");
        assertTrue(Index.measured(4_200, 1) < Index.measured(4_300, 3), "a tie goes to the lower member number");
        assertEquals(Index.points(1_000) + 4, Index.points(2_000), "four points per doubling");
        assertEquals(0, Index.points(0));
        assertEquals(Index.MAX_POINTS, Index.points(Long.MAX_VALUE));
        assertTrue(Index.valid(Index.measured(Long.MAX_VALUE, 999)) && Index.valid(Index.measured(0, 1)));
        assertFalse(Index.valid(Index.unheard(2)), "nobody may state the rank of the unheard");
        assertEquals(2, Index.slot(Index.measured(123_456, 2)));
        assertTrue(Index.measured(Long.MAX_VALUE, 1) > 999, "a configured index ranks before any measured one");
    }

    @Test
    void everyServerDerivesTheSameRankingFromTheSameFigures() {
        for (String self : GROUP.keySet()) {
            Membership m = membership(self);
            for (String peer : GROUP.keySet()) {
                if (!peer.equals(self)) {
                    m.ranked(peer, Index.measured(FIGURES.get(peer), GROUP.get(peer)), FIGURES.get(peer));
                }
            }
            assertEquals(List.of("s2", "s1", "s3"), m.ids(), "as seen by " + self);
        }
    }

    @Test
    void aPeerWhoseFigureIsMissingRanksLastUntilItIsHeard() {
        Membership m = membership("s3");
        assertEquals(List.of("s3", "s1", "s2"), m.ids(), "unheard peers last, by member number");
        m.ranked("s2", Index.measured(FIGURES.get("s2"), 2), FIGURES.get("s2"));
        assertEquals(List.of("s2", "s3", "s1"), m.ids());
        assertEquals(0, m.capacity("s1"), "nothing announced");
        assertEquals(16_000, m.capacity("s2"));
    }

    @Test
    void configuredIndexesAreKnownFromTheStart() {
        Membership m = new Membership(Configuration.bootstrap(GROUP, Map.of()), "s2", 2);
        assertEquals(List.of("s1", "s2", "s3"), m.ids());
    }

    @Test
    void withinATermTheStrongerDeclarersEpochIsNewerAndStillNamesItsDeclarer() {
        Membership m = membership("s1");
        Epoch strong = new Epoch(7, Index.measured(16_000, 3));
        Epoch weak = new Epoch(7, Index.measured(4_000, 1));
        assertTrue(strong.isNewerThan(weak), "the revocation rule (claims 18-19) follows capacity");
        assertEquals("s3", m.ownerOf(strong));
        assertEquals("s1", m.ownerOf(weak));
    }

    /** How {@code self} starts: its own figure measured, its peers' not heard yet. */
    private static Membership membership(String self) {
        return new Membership(Configuration.bootstrap(GROUP, Map.of()), self, Index.measured(FIGURES.get(self), GROUP.get(self)));
    }
}
