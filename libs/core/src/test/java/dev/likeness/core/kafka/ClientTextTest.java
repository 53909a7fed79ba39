package dev.likeness.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientTextTest {

    @Test
    void shortTextIsQuotedWhole() {
        String text = "x".repeat(ClientText.MAX_QUOTED_CHARS);

        assertThat(ClientText.excerpt(text)).isSameAs(text);
    }

    @Test
    void longTextIsCutAndSaysHowLongItWas() {
        String excerpt = ClientText.excerpt("data:image/jpeg;base64," + "A".repeat(6_000_000));

        assertThat(excerpt)
                .startsWith("data:image/jpeg;base64,AAA")
                .endsWith("… (6000023 characters)")
                .hasSize(ClientText.MAX_QUOTED_CHARS + "… (6000023 characters)".length());
    }

    @Test
    void aSurrogatePairIsNeverCut() {
        String text = "x".repeat(ClientText.MAX_QUOTED_CHARS - 1) + "😀".repeat(10);

        assertThat(ClientText.excerpt(text)).startsWith("x".repeat(ClientText.MAX_QUOTED_CHARS - 1) + "…");
    }
}
