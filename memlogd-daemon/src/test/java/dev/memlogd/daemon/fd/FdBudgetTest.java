package dev.memlogd.daemon.fd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FdBudgetTest {
    @Test
    void highFdLimitLeavesMaxSourcesAsTheBound() {
        FdBudget budget = FdBudget.plan(4096, 64, 64, 1_048_576, 20);

        assertEquals(new FdBudget(4096, 64, 64, FdBudget.DATAGRAM_FDS, 1_048_576, false), budget);
    }

    @Test
    void generousFdLimitKeepsWhatTheOptionsAskForAndGivesSourcesTheRest() {
        FdBudget budget = FdBudget.plan(4096, 64, 64, 1000, 15);

        assertFalse(budget.scaled());
        assertEquals(1000 - 15 - (64 + 64 + 64 + 8 + 1), budget.sources());
        assertEquals(64 + 64 + 64 + 8 + 1, budget.reserve());
    }

    /** Issue 11, item 8: at a limit of 128 the fixed reserve left "sources at once 0". */
    @Test
    void limitOf128StillReadsMostlySources() {
        FdBudget budget = FdBudget.plan(4096, 64, 64, 128, 17);

        assertTrue(budget.scaled());
        assertTrue(budget.sources() >= 128 / 2, budget.toString());
        assertTrue(budget.clients() >= 1 && budget.pending() >= 1 && budget.datagram() >= 1, budget.toString());
        assertEquals(128 - 17, budget.sources() + budget.reserve(), "every fd is either a source's or kept");
    }

    @Test
    void limitOf64StillReadsSourcesAndKeepsSomeRoomForClients() {
        FdBudget budget = FdBudget.plan(4096, 64, 64, 64, 17);

        assertTrue(budget.sources() >= 16, budget.toString());
        assertTrue(budget.clients() >= 2, budget.toString());
    }

    @Test
    void reserveShrinksBeforeSourcesAndSourcesGetTheLargestShare() {
        for (long limit = 40; limit <= 400; limit++) {
            FdBudget budget = FdBudget.plan(4096, 64, 64, limit, 17);

            assertFalse(budget.noSourceFits(), budget.toString());
            assertTrue(budget.sources() >= budget.clients() && budget.sources() >= budget.datagram(),
                    budget.toString());
        }
    }

    @Test
    void limitThatLeavesNoFdForASourceSaysSoRatherThanStartingWithNone() {
        FdBudget budget = FdBudget.plan(4096, 64, 64, 30, 17);

        assertTrue(budget.noSourceFits(), budget.toString());
        assertEquals(0, budget.sources());
    }

    @Test
    void descriptionSaysWhatTheFdLimitDecided() {
        String said = FdBudget.plan(4096, 64, 64, 128, 17).describe(4096);

        assertTrue(said.contains("fd limit is 128") && said.contains("query clients")
                && said.contains("less than the options ask for"), said);
    }

    @Test
    void fdLimitOfThisProcessIsReadFromProc() {
        assertTrue(FdBudget.fdLimit() > 0);
    }
}
