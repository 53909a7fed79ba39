package dev.likeness.stylising.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.onnx.InferenceOptions;

/**
 * Sound in the engine: WAV in and out, Griffin-Lim, and the style transfer of a synthesised melody in the
 * texture of noisy chords (3 s at 16 kHz) with the random-filter network the painter generates.
 */
class SoundPainterTest {

    @TempDir
    Path temp;

    @Test
    void wavRoundTripAndUnsupportedEncodings() throws Exception {
        Sound melody = TestSounds.melody(1);

        Sound read = Sound.readWav(melody.wav());

        assertThat(read.sampleRate()).isEqualTo(TestSounds.RATE);
        assertThat(read.samples()).hasSameSizeAs(melody.samples());
        for (int i = 0; i < melody.samples().length; i += 97) {
            assertThat(read.samples()[i]).isCloseTo(melody.samples()[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
        byte[] muLaw = TestSounds.wav(melody, AudioFormat.Encoding.ULAW, 8);
        assertThat(Sound.isWav(muLaw)).isTrue();
        assertThatThrownBy(() -> Sound.readWav(muLaw))
                .isInstanceOf(Sound.UnsupportedSoundException.class)
                .hasMessageContaining("ULAW")
                .hasMessageContaining("send PCM");
    }

    @Test
    void griffinLimRebuildsASoundWithItsSpectrogram() {
        Spectrograms spectrograms = new Spectrograms(512);
        Sound melody = TestSounds.melody(1);
        float[] target = spectrograms.logMagnitude(melody.samples());

        float[] rebuilt = spectrograms.griffinLim(target, melody.samples().length, 60, 1);
        float[] random = spectrograms.griffinLim(target, melody.samples().length, 0, 1);

        double error = meanAbsoluteDifference(spectrograms.logMagnitude(rebuilt), target);
        double start = meanAbsoluteDifference(spectrograms.logMagnitude(random), target);
        System.out.printf(
                "Griffin-Lim: mean |log-magnitude error| %.4f after 60 rounds, %.4f at random phase%n", error, start);
        assertThat(error).isLessThan(0.5 * start);
    }

    @Test
    void paintsAMelodyInTheTextureOfNoisyChords() {
        Sound content = TestSounds.melody(3);
        Sound style = TestSounds.noisyChords(3, 5);
        List<Double> costs = new ArrayList<>();
        try (SoundPainter painter = new SoundPainter(
                512, 256, 7, temp, InferenceOptions.builder().warmUpRuns(0).build())) {
            SoundPainter.Result result = painter.run(
                    content,
                    style,
                    new SoundPainter.Settings(1, 1, 60, Gatys.Method.LBFGS, 1, 10, 40, 3),
                    (iteration, total, evaluation, current, elapsed) -> costs.add(evaluation.cost()),
                    () -> false);

            assertThat(result.sound().samples()).hasSameSizeAs(content.samples());
            assertThat(result.iterations()).isEqualTo(60);
            assertThat(costs).hasSize(6);
            for (int i = 1; i < costs.size(); i++) {
                assertThat(costs.get(i)).isLessThan(costs.get(i - 1));
            }
            float[] styleGram = painter.styleGram(result.style()).data();
            double painted = squaredDistance(painter.styleGram(result.result()).data(), styleGram);
            double original =
                    squaredDistance(painter.styleGram(result.content()).data(), styleGram);
            // The sound as heard, analysed as the painter analyses its inputs (at the reference peak): its own
            // spectrogram after Griffin-Lim, not only the optimised one.
            double heard = squaredDistance(
                    painter.styleGram(
                                    painter.spectrogram(SoundPainter.atReferenceLevel(result.sound()), result.scale()))
                            .data(),
                    styleGram);
            double contentRms = SoundPainter.rms(content.samples());
            double resultRms = SoundPainter.rms(result.sound().samples());
            float peak = 0;
            for (float sample : result.sound().samples()) {
                peak = Math.max(peak, Math.abs(sample));
            }
            System.out.printf(
                    "sound: J %.4f -> %.4f; Gram distance to the style: content %.4g, optimised spectrogram %.4g,"
                            + " result after Griffin-Lim %.4g (%.2f of the content's); RMS content %.4f, result %.4f,"
                            + " result peak %.3f%n",
                    costs.get(0),
                    costs.get(costs.size() - 1),
                    original,
                    painted,
                    heard,
                    heard / original,
                    contentRms,
                    resultRms,
                    peak);
            assertThat(painted).isLessThan(0.5 * original);
            assertThat(heard).isLessThan(0.7 * original);
            // As loud as the content, or as loud as full scale allows (the peak at 1, not beyond); before the ends
            // of the inverse transform were fixed, a click at the last samples peaked at 159 and silenced the rest.
            assertThat(peak).isLessThanOrEqualTo(1.0001f);
            assertThat(resultRms).isLessThanOrEqualTo(contentRms * 1.0001);
            assertThat(resultRms > 0.99 * contentRms || peak > 0.999f).isTrue();
            assertThat(resultRms).isGreaterThan(0.3 * contentRms);
            assertThat(Sound.isWav(result.sound().wav())).isTrue();
        }
    }

    private static double meanAbsoluteDifference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    private static double squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return sum;
    }
}
