package dev.likeness.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.ImageSource;

class ImageSourceReaderTest {

    @TempDir
    static Path root;

    /** file: URIs that name no local path: refused as bad input, not thrown past the caller. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "file://localhost{root}/x.jpg",
                "file://server/share/p.jpg",
                "file:p.jpg",
                "file://{root}/x.jpg?x=1",
                "file://{root}/x.jpg#f",
                "file://{root}/x%00.jpg"
            })
    void aFileUriWithoutALocalPathIsABadUri(String uri) {
        ImageSourceReader reader = new ImageSourceReader(List.of(root), 1024);

        assertThatThrownBy(() -> reader.read(ImageSource.newBuilder()
                        .setUri(uri.replace("{root}", root.toString()))
                        .build()))
                .isInstanceOf(RejectedInputException.class)
                .extracting(e -> ((RejectedInputException) e).reasonCode())
                .isEqualTo("BAD_URI");
    }

    /** A data: URL of megabytes: the reason names it by its head, so the dead letter stays small. */
    @Test
    void aReasonQuotesOnlyTheHeadOfALongUri() {
        String dataUrl = "data:image/jpeg;base64," + "A".repeat(6_000_000);
        ImageSourceReader reader = new ImageSourceReader(List.of(root), 1024);

        RejectedInputException rejection = (RejectedInputException) catchThrowable(
                () -> reader.read(ImageSource.newBuilder().setUri(dataUrl).build()));

        assertThat(rejection.reasonCode()).isEqualTo("BAD_URI");
        assertThat(rejection.getMessage())
                .startsWith("unsupported URI scheme in data:image/jpeg;base64,AAA")
                .contains("(6000023 characters)")
                .hasSizeLessThan(300);
    }
}
