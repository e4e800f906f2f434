package io.regent.host;

import io.regent.protocol.Event;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventLogTest {

    @Test
    void aSuspicionOfTheMasterNamesItsSilenceAndTheTimeOutsLateness() {
        assertEquals("master s1 not functional after 2 missed inquiries (last answer 355 ms ago, time-out ran 4 ms late);"
                + " election delay 20 ms", EventLog.describe(new Event.MasterSuspected(0, "s1", 2, 20, 355, 4)));
        assertEquals("master s1 not functional after 2 missed inquiries (no answer yet); election delay 20 ms",
                EventLog.describe(new Event.MasterSuspected(0, "s1", 2, 20, -1, 0)));
    }

    @Test
    void aStartWithNoMasterKnownIsNotCalledMissedInquiries() {
        assertEquals("no master heard of; election delay 20 ms",
                EventLog.describe(new Event.MasterSuspected(0, null, 2, 20, -1, 0)));
    }
}
