package dev.likeness.stylising.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Synthesised sounds for the tests and the benchmark: a melody of plucked notes, and a texture of noisy chords. */
public final class TestSounds {

    public static final int RATE = 16_000;

    private TestSounds() {}

    /** A melody: eight notes of a major scale, each a decaying tone with three harmonics. */
    public static Sound melody(double seconds) {
        double[] scale = {261.6, 293.7, 329.6, 349.2, 392.0, 440.0, 493.9, 523.3};
        float[] samples = new float[(int) (seconds * RATE)];
        double noteLength = seconds / scale.length;
        for (int i = 0; i < samples.length; i++) {
            double t = (double) i / RATE;
            int note = Math.min(scale.length - 1, (int) (t / noteLength));
            double since = t - note * noteLength;
            double envelope = Math.exp(-4 * since);
            double f = scale[note];
            samples[i] = (float) (0.5
                    * envelope
                    * (Math.sin(2 * Math.PI * f * t)
                            + 0.5 * Math.sin(4 * Math.PI * f * t)
                            + 0.25 * Math.sin(6 * Math.PI * f * t)));
        }
        return new Sound(samples, RATE);
    }

    /** A texture unlike the melody: a low drone chord under bursts of high noise, four bursts a second. */
    public static Sound noisyChords(double seconds, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] samples = new float[(int) (seconds * RATE)];
        double smoothed = 0;
        for (int i = 0; i < samples.length; i++) {
            double t = (double) i / RATE;
            double drone = Math.sin(2 * Math.PI * 110 * t)
                    + Math.sin(2 * Math.PI * 138.6 * t)
                    + Math.sin(2 * Math.PI * 164.8 * t);
            double noise = random.nextDouble() * 2 - 1;
            // High-passed noise: the sample minus a running mean.
            smoothed = 0.9 * smoothed + 0.1 * noise;
            double burst = (t * 4) % 1 < 0.3 ? 1 : 0;
            samples[i] = (float) (0.15 * drone + 0.5 * burst * (noise - smoothed));
        }
        return new Sound(samples, RATE);
    }

    /** The sound as a WAV file of another encoding (e.g. mu-law), as the JDK writes it. */
    public static byte[] wav(Sound sound, AudioFormat.Encoding encoding, int bits) throws Exception {
        AudioFormat pcm = new AudioFormat(sound.sampleRate(), 16, 1, true, false);
        byte[] wav = sound.wav();
        try (AudioInputStream source = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav));
                AudioInputStream converted = AudioSystem.getAudioInputStream(
                        new AudioFormat(encoding, sound.sampleRate(), bits, 1, bits / 8, sound.sampleRate(), false),
                        AudioSystem.getAudioInputStream(pcm, source))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AudioSystem.write(converted, AudioFileFormat.Type.WAVE, out);
            return out.toByteArray();
        }
    }
}
