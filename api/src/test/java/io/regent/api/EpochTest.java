package io.regent.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fencing token orders masterships as Regent settles them, and reads the Regent-Epoch header. */
class EpochTest {

    @Test
    void aHigherTermIsGreaterAndWithinATermTheBetterRankedIndex() {
        assertTrue(new Epoch(4, 3).compareTo(new Epoch(3, 1)) > 0);
        assertTrue(new Epoch(3, 1).compareTo(new Epoch(3, 2)) > 0, "two declarations of term 3: index 1 wins");
        assertEquals(0, new Epoch(3, 2).compareTo(new Epoch(3, 2)));
    }

    @Test
    void itReadsWhatItWrites() {
        assertEquals(new Epoch(7, 2), Epoch.parse(new Epoch(7, 2).toString()));
        assertThrows(IllegalArgumentException.class, () -> Epoch.parse("7"));
        assertThrows(IllegalArgumentException.class, () -> Epoch.parse("x.2"));
    }
}
