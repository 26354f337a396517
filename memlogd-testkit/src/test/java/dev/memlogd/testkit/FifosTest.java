package dev.memlogd.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class FifosTest {
    @TempDir
    Path dir;

    @Test
    void opensBothEndsOfRealFifos() throws IOException {
        List<Fifos.OpenFifo> fifos = Fifos.open(dir, 2);

        assertEquals(2, fifos.size());
        for (Fifos.OpenFifo fifo : fifos) {
            try (fifo) {
                assertTrue(Files.exists(fifo.path(), LinkOption.NOFOLLOW_LINKS), fifo.path().toString());
                assertFalse(Files.isRegularFile(fifo.path()), fifo.path() + " is a regular file");
                assertFalse(Files.isDirectory(fifo.path()), fifo.path() + " is a directory");
            }
        }
    }

    @Test
    void bytesWrittenToTheWriteEndArriveAtTheReadEnd() throws IOException {
        try (Fifos.OpenFifo fifo = Fifos.open(dir, 1).get(0)) {
            fifo.writeEnd().write(new byte[] {'a', 0, 'b'});
            fifo.writeEnd().close();

            ByteArrayOutputStream read = new ByteArrayOutputStream();
            // Not readAllBytes(): on JDK 17 FileInputStream's seeks, which fails on a FIFO.
            fifo.readEnd().transferTo(read);

            assertArrayEquals(new byte[] {'a', 0, 'b'}, read.toByteArray());
        }
    }
}
