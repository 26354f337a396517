package dev.memlogd.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class GoBooleanTest {
    @Test
    void flagAloneOrWithAnyOfGosTrueSpellingsIsTrue() {
        String[][] spellings = {{"-f"}, {"--f"}, {"-f=true"}, {"-f=1"}, {"-f=T"}, {"--f=TRUE"}, {"-f=True"}};
        for (String[] args : spellings) {
            ProbeCommand probe = new ProbeCommand();

            probe.run(args);

            assertEquals(true, probe.follow, String.join(" ", args));
        }
    }

    @Test
    void absentOrAnyOfGosFalseSpellingsIsFalse() {
        for (String[] args : new String[][] {{}, {"-f=false"}, {"-f=0"}, {"-f=F"}, {"--f=FALSE"}}) {
            ProbeCommand probe = new ProbeCommand();

            probe.run(args);

            assertEquals(false, probe.follow, String.join(" ", args));
        }
    }

    @Test
    void otherValueIsAUsageError() {
        assertEquals(ExitCodes.USAGE, new ProbeCommand().run("-f=maybe"));
    }

    @Test
    void theSpellingListsAreGosAndNothingElseIsABoolean() {
        for (String spelling : GoBoolean.TRUE_SPELLINGS) {
            assertEquals(Boolean.TRUE, GoBoolean.parse(spelling), spelling);
        }
        for (String spelling : GoBoolean.FALSE_SPELLINGS) {
            assertEquals(Boolean.FALSE, GoBoolean.parse(spelling), spelling);
        }
        for (String other : new String[] {"", "yes", "no", "tRUE", "fALSE", "2", " true", "on"}) {
            assertNull(GoBoolean.parse(other), other);
        }
    }
}
