package dev.likeness.stylising;

import static dev.likeness.stylising.StyleRequestsTest.DLQ;
import static dev.likeness.stylising.StyleRequestsTest.PROGRESS;
import static dev.likeness.stylising.StyleRequestsTest.REQUESTS;
import static dev.likeness.stylising.StyleRequestsTest.RESULTS;
import static dev.likeness.stylising.StyleRequestsTest.WAIT;
import static dev.likeness.stylising.StyleRequestsTest.readKey;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFormat;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.OptimisationSettings;
import dev.likeness.events.v1.StyleProgress;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.events.v1.WeightedStyle;
import dev.likeness.follower.TopicFollower;
import dev.likeness.stylising.engine.Sound;
import dev.likeness.stylising.engine.SoundPainter;
import dev.likeness.stylising.engine.TestSounds;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Sound through the real broker: a synthesised 3 s melody (WAV, 16 kHz) painted in the texture of synthesised
 * noisy chords with the service's random-filter network; J falls, the result is closer to the style's Grams
 * than the content is and as loud as the content allows, progress carries spectrogram previews
 * (content | style | result), a WAV of the content's length comes back. Mu-law, A-law and truncated WAVs are
 * dead-lettered, a sound
 * over the duration limit gets an error result.
 */
@Tag("broker")
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class SoundRequestsTest {

    static final int ITERATIONS = 60;

    @Inject
    SoundPainter painter;

    static StyleRequested request(String id, byte[] content, byte[] style) {
        return StyleRequested.newBuilder()
                .setRequestId(id)
                .setContent(ImageSource.newBuilder().setInline(ByteString.copyFrom(content)))
                .addStyles(WeightedStyle.newBuilder()
                        .setImage(ImageSource.newBuilder().setInline(ByteString.copyFrom(style))))
                .setProgressEvery(20)
                .setOptimisation(OptimisationSettings.newBuilder().setIterations(ITERATIONS))
                .build();
    }

    @Test
    void paintsAThreeSecondMelodyInTheTextureOfNoisyChords() throws Exception {
        Sound content = TestSounds.melody(3);
        Sound style = TestSounds.noisyChords(3, 5);
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower progress = kafka.readFromEnd(PROGRESS);
                TopicFollower results = kafka.readFromEnd(RESULTS)) {
            kafka.send(
                    REQUESTS,
                    "sound-1",
                    request("sound-1", content.wav(), style.wav()).toByteArray());

            ImageStylised result = ImageStylised.parseFrom(
                    readKey(results, "sound-1", 1, WAIT).get(0).value());
            assertThat(result.hasError()).as("error %s", result.getError()).isFalse();
            assertThat(result.getImage().getContentType()).isEqualTo("audio/wav");
            assertThat(result.getIterations()).isEqualTo(ITERATIONS);
            assertThat(result.getDurationMs()).isEqualTo(3000);
            List<StyleProgress> steps = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : readKey(progress, "sound-1", 3, WAIT)) {
                steps.add(StyleProgress.parseFrom(record.value()));
            }
            assertThat(steps).hasSize(3);
            for (int i = 1; i < steps.size(); i++) {
                assertThat(steps.get(i).getCost()).isLessThan(steps.get(i - 1).getCost());
            }
            var preview = ImageIO.read(
                    new ByteArrayInputStream(steps.get(2).getPreviewPng().toByteArray()));
            // content | style | result, side by side.
            assertThat(preview.getWidth()).isGreaterThan(2 * preview.getHeight());
            Path pictures = Boolean.getBoolean("likeness.docs.write")
                    ? Path.of("../../docs/images")
                    : Files.createDirectories(Path.of("target/doc-pictures"));
            Files.write(
                    pictures.resolve("stylising-sound-preview.png"),
                    steps.get(2).getPreviewPng().toByteArray());

            Sound painted = Sound.readWav(result.getImage().getInline().toByteArray());
            assertThat(painted.sampleRate()).isEqualTo(TestSounds.RATE);
            assertThat(painted.samples()).hasSameSizeAs(content.samples());
            // All three analysed as the painter analyses its inputs: at its reference peak, on the content's scale.
            float scale = painter.scaleOf(content);
            SoundPainter.Spectrogram contentSpectrogram =
                    painter.spectrogram(SoundPainter.atReferenceLevel(content), scale);
            SoundPainter.Spectrogram styleSpectrogram =
                    painter.spectrogram(SoundPainter.atReferenceLevel(style), scale);
            SoundPainter.Spectrogram heardSpectrogram =
                    painter.spectrogram(SoundPainter.atReferenceLevel(painted), scale);
            float[] styleGram = painter.styleGram(styleSpectrogram).data();
            double original =
                    squaredDistance(painter.styleGram(contentSpectrogram).data(), styleGram);
            double heard = squaredDistance(painter.styleGram(heardSpectrogram).data(), styleGram);
            double contentRms = SoundPainter.rms(content.samples());
            double paintedRms = SoundPainter.rms(painted.samples());
            System.out.printf(
                    "sound through the broker: J %.4g -> %.4g; Gram distance to the style: content %.4g, result %.4g"
                            + " (%.2f of the content's); RMS content %.4f, result %.4f%n",
                    steps.get(0).getCost(),
                    steps.get(2).getCost(),
                    original,
                    heard,
                    heard / original,
                    contentRms,
                    paintedRms);
            assertThat(heard).isLessThan(0.7 * original);
            // Loudness: the content's RMS, or less only where that would peak over full scale.
            assertThat(paintedRms).isBetween(0.3 * contentRms, 1.01 * contentRms);
            // The picture of docs/stylising.md: content | style | result as heard (the WAV's own spectrogram).
            ImageIO.write(
                    SoundPainter.picture(
                                    List.of(contentSpectrogram, styleSpectrogram, heardSpectrogram),
                                    contentSpectrogram.bins())
                            .toImage(),
                    "png",
                    pictures.resolve("stylising-sound-spectrograms.png").toFile());
        }
    }

    @Test
    void muLawALawAndTruncatedWavsAreDeadLetteredAndALongSoundGetsAnError() throws Exception {
        Sound style = TestSounds.noisyChords(1, 5);
        byte[] muLaw = TestSounds.wav(TestSounds.melody(1), AudioFormat.Encoding.ULAW, 8);
        byte[] aLaw = TestSounds.wav(TestSounds.melody(1), AudioFormat.Encoding.ALAW, 8);
        byte[] melody = TestSounds.melody(1).wav();
        byte[] truncated = java.util.Arrays.copyOf(melody, melody.length / 2);
        byte[] long31s = TestSounds.melody(31).wav();
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicFollower results = kafka.readFromEnd(RESULTS);
                TopicFollower deadLetters = kafka.readFromEnd(DLQ)) {
            kafka.send(
                    REQUESTS,
                    "sound-ulaw",
                    request("sound-ulaw", muLaw, style.wav()).toByteArray());
            kafka.send(
                    REQUESTS,
                    "sound-alaw",
                    request("sound-alaw", aLaw, style.wav()).toByteArray());
            kafka.send(
                    REQUESTS,
                    "sound-cut",
                    request("sound-cut", truncated, style.wav()).toByteArray());
            kafka.send(
                    REQUESTS,
                    "sound-long",
                    request("sound-long", long31s, style.wav()).toByteArray());

            DeadLetter ulaw = DeadLetter.parseFrom(
                    readKey(deadLetters, "sound-ulaw", 1, WAIT).get(0).value());
            assertThat(ulaw.getReasonCode()).isEqualTo("SOUND_UNSUPPORTED");
            assertThat(ulaw.getReason()).contains("ULAW", "send PCM");
            DeadLetter alaw = DeadLetter.parseFrom(
                    readKey(deadLetters, "sound-alaw", 1, WAIT).get(0).value());
            assertThat(alaw.getReasonCode()).isEqualTo("SOUND_UNSUPPORTED");
            assertThat(alaw.getReason()).contains("ALAW", "send PCM");
            DeadLetter cut = DeadLetter.parseFrom(
                    readKey(deadLetters, "sound-cut", 1, WAIT).get(0).value());
            assertThat(cut.getReasonCode()).isEqualTo("SOUND_UNSUPPORTED");
            assertThat(cut.getReason()).contains("the content: the WAV file is truncated", "16000 sample frames");
            ImageStylised tooLong = ImageStylised.parseFrom(
                    readKey(results, "sound-long", 1, WAIT).get(0).value());
            assertThat(tooLong.getError().getCode()).isEqualTo("LIMIT_EXCEEDED");
            assertThat(tooLong.getError().getMessage()).contains("31.0 s", "limit of 30.0 s");
        }
    }

    private static double squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return sum;
    }
}
