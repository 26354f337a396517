package dev.memlogd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FdBudgetTest {
    @Test
    void highFdLimitLeavesMaxSourcesAsTheBound() {
        assertEquals(4096, FdBudget.sources(4096, 64, 1_048_576, 20));
    }

    @Test
    void lowFdLimitKeepsRoomForClientsAndOneFullDatagram() {
        int sources = FdBudget.sources(4096, 64, 200, 15);

        assertEquals(200 - 15 - FdBudget.reserve(64), sources);
        assertTrue(FdBudget.reserve(64) >= 64 + FdBudget.DATAGRAM_FDS);
    }

    @Test
    void fdLimitBelowTheReserveAllowsNoSourcesRatherThanANegativeCount() {
        assertEquals(0, FdBudget.sources(4096, 64, 100, 15));
    }

    @Test
    void fdLimitOfThisProcessIsReadFromProc() {
        assertTrue(FdBudget.fdLimit() > 0);
    }
}
