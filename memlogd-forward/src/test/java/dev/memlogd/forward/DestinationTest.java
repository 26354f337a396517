package dev.memlogd.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DestinationTest {
    @Test
    void schemesHostsAndPorts() {
        assertEquals(new Destination(Destination.Scheme.TCP, "logs.example", 514), Destination.parse("tcp://logs.example:514"));
        assertEquals(new Destination(Destination.Scheme.TLS, "10.0.0.1", 6514), Destination.parse("TLS://10.0.0.1:6514/"));
        assertEquals(new Destination(Destination.Scheme.UDP, "::1", 514), Destination.parse("udp://[::1]:514"));
        assertEquals("udp://[::1]:514", Destination.parse("udp://[::1]:514").toString());
    }

    @Test
    void relpAndRelpOverTls() {
        Destination relp = Destination.parse("relp://logs.example:2514");
        Destination relpTls = Destination.parse("RELP+TLS://[::1]:2515");

        assertEquals(new Destination(Destination.Scheme.RELP, "logs.example", 2514), relp);
        assertEquals(new Destination(Destination.Scheme.RELP_TLS, "::1", 2515), relpTls);
        assertEquals("relp+tls://[::1]:2515", relpTls.toString());
        assertTrue(relp.scheme().relp() && !relp.scheme().tls());
        assertTrue(relpTls.scheme().relp() && relpTls.scheme().tls());
    }

    @Test
    void badDestinationsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Destination.parse("logs:514")).getMessage()
                .contains("tcp://HOST:PORT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Destination.parse("http://h:1")).getMessage()
                .contains("unknown scheme 'http'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Destination.parse("tcp://h")).getMessage()
                .contains("no port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Destination.parse("tcp://h:70000")).getMessage()
                .contains("1-65535"));
    }
}
