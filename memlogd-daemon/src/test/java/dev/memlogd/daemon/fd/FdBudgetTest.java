package dev.memlogd.daemon.fd;

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
    }

    @Test
    void reserveIsTheFormulaDocumentedInArchitectureMd() {
        // -max-clients + 16 (connections owing their mode byte) + 64 (one full datagram)
        // + 8 (the /proc listing after a cut-short datagram, probes) + 1 (console).
        assertEquals(64 + 16 + 64 + 8 + 1, FdBudget.reserve(64));
        assertEquals(5 + 16 + 64 + 8 + 1, FdBudget.reserve(5));
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
