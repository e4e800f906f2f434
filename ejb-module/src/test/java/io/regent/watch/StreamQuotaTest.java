package io.regent.watch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamQuotaTest {

    @Test
    void oneUserTakesItsShareAndTheOthersStillGetStreams() {
        StreamQuota quota = new StreamQuota(4, 2);
        assertTrue(quota.take("greedy"));
        assertTrue(quota.take("greedy"));
        assertFalse(quota.take("greedy"), "its share is 2");
        assertTrue(quota.take("other"));
        assertTrue(quota.take("third"));
        assertFalse(quota.take("fourth"), "4 in all");
        quota.giveBack("greedy");
        assertEquals(3, quota.open());
        assertTrue(quota.take("fourth"));
        assertFalse(quota.take("greedy"), "the server is full again");
    }
}
