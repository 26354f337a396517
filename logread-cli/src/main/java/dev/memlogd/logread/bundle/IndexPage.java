package dev.memlogd.logread.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The bundle's {@code index.html}: one self-contained page (no network, no external script or
 * font) drawn by its own script from the summary it embeds. The template is a resource next
 * to this class; the summary goes into a {@code <script type="application/json">} element,
 * which is safe because {@link dev.memlogd.core.wire.JsonWriter} escapes every {@code <}. The
 * page puts log text into the document only as text, never as markup.
 */
final class IndexPage {
    private static final String TEMPLATE = "index.html";
    private static final String SLOT = "/*SUMMARY*/";

    private IndexPage() {
    }

    static String render(String summaryJson) {
        String template = template();
        int slot = template.indexOf(SLOT);
        return template.substring(0, slot) + summaryJson.strip() + template.substring(slot + SLOT.length());
    }

    private static String template() {
        try (InputStream in = IndexPage.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException(TEMPLATE + " is missing from logread's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
