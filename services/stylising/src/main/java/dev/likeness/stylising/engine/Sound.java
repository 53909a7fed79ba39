package dev.likeness.stylising.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Mono sound: WAV in (javax.sound's reader; integer or float PCM, any channel count, mixed down to mono) and
 * 16-bit PCM WAV out, samples as floats in -1..1.
 */
public record Sound(float[] samples, int sampleRate) {

    private static final Set<AudioFormat.Encoding> PCM =
            Set.of(AudioFormat.Encoding.PCM_SIGNED, AudioFormat.Encoding.PCM_UNSIGNED, AudioFormat.Encoding.PCM_FLOAT);

    /** A WAV file that cannot be used; the message says why, for people. */
    public static final class UnsupportedSoundException extends Exception {
        public UnsupportedSoundException(String message) {
            super(message);
        }
    }

    public double seconds() {
        return (double) samples.length / sampleRate;
    }

    /** Whether the bytes start like a WAV file (RIFF ... WAVE). */
    public static boolean isWav(byte[] bytes) {
        return bytes.length >= 12
                && bytes[0] == 'R'
                && bytes[1] == 'I'
                && bytes[2] == 'F'
                && bytes[3] == 'F'
                && bytes[8] == 'W'
                && bytes[9] == 'A'
                && bytes[10] == 'V'
                && bytes[11] == 'E';
    }

    /** Reads a WAV file of integer (8-32 bit) or 32-bit float PCM; other encodings are refused by name. */
    public static Sound readWav(byte[] bytes) throws UnsupportedSoundException {
        AudioFileFormat file;
        try {
            file = AudioSystem.getAudioFileFormat(new ByteArrayInputStream(bytes));
        } catch (UnsupportedAudioFileException e) {
            throw new UnsupportedSoundException("the WAV file's encoding is not supported (" + e.getMessage()
                    + "); send PCM: 8, 16, 24 or 32-bit integers or 32-bit floats");
        } catch (IOException e) {
            throw new UnsupportedSoundException("the WAV file cannot be read: " + e.getMessage());
        }
        AudioFormat format = file.getFormat();
        if (!PCM.contains(format.getEncoding())) {
            throw new UnsupportedSoundException("the WAV encoding " + format.getEncoding()
                    + " is not supported; send PCM: 8, 16, 24 or 32-bit integers or 32-bit floats");
        }
        int bits = format.getSampleSizeInBits();
        boolean floating = format.getEncoding() == AudioFormat.Encoding.PCM_FLOAT;
        if (floating ? bits != 32 : bits % 8 != 0 || bits < 8 || bits > 32) {
            throw new UnsupportedSoundException(bits + "-bit " + format.getEncoding()
                    + " samples are not supported; send 8, 16, 24 or 32-bit" + " integers or 32-bit floats");
        }
        // The JDK's float reader passes these header fields on unchecked, and the decoding divides by them.
        if (format.getChannels() < 1 || format.getSampleRate() < 1) {
            throw new UnsupportedSoundException("the WAV header declares " + format.getChannels() + " channels at "
                    + format.getSampleRate() + " Hz; a sound needs at least one channel and a positive sample rate");
        }
        byte[] data;
        try (AudioInputStream stream = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes))) {
            data = stream.readAllBytes();
        } catch (UnsupportedAudioFileException | IOException e) {
            throw new UnsupportedSoundException("the WAV file cannot be read: " + e.getMessage());
        }
        int channels = format.getChannels();
        int bytesPerSample = bits / 8;
        int frames = data.length / (bytesPerSample * channels);
        if (frames == 0) {
            throw new UnsupportedSoundException("the WAV file holds no samples");
        }
        // The JDK reads a cut data chunk as far as it goes without a word: compare with what the header declares.
        long declared = file.getFrameLength();
        if (declared != AudioSystem.NOT_SPECIFIED && frames < declared) {
            throw new UnsupportedSoundException("the WAV file is truncated: its header declares " + declared
                    + " sample frames, " + frames + " arrived");
        }
        ByteBuffer buffer =
                ByteBuffer.wrap(data).order(format.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        float[] mono = new float[frames];
        boolean unsigned = format.getEncoding() == AudioFormat.Encoding.PCM_UNSIGNED;
        for (int frame = 0; frame < frames; frame++) {
            double sum = 0;
            for (int channel = 0; channel < channels; channel++) {
                int at = (frame * channels + channel) * bytesPerSample;
                sum += floating ? buffer.getFloat(at) : integerSample(buffer, at, bytesPerSample, unsigned);
            }
            mono[frame] = (float) (sum / channels);
        }
        return new Sound(mono, Math.round(format.getSampleRate()));
    }

    private static double integerSample(ByteBuffer buffer, int at, int bytes, boolean unsigned) {
        long value = 0;
        for (int index = 0; index < bytes; index++) {
            int shift = buffer.order() == ByteOrder.LITTLE_ENDIAN ? 8 * index : 8 * (bytes - 1 - index);
            value |= (long) (buffer.get(at + index) & 0xFF) << shift;
        }
        long full = 1L << (8 * bytes);
        if (unsigned) {
            value -= full / 2;
        } else if (value >= full / 2) {
            value -= full;
        }
        return value / (double) (full / 2);
    }

    /** 16-bit PCM mono WAV; a sound whose peak is beyond -1..1 is scaled down to it rather than clipped. */
    public byte[] wav() {
        float peak = 1;
        for (float sample : samples) {
            peak = Math.max(peak, Math.abs(sample));
        }
        ByteBuffer pcm = ByteBuffer.allocate(2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float sample : samples) {
            pcm.putShort((short) Math.round(sample / peak * 32767));
        }
        AudioFormat format = new AudioFormat(sampleRate, 16, 1, true, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AudioInputStream stream =
                new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, samples.length)) {
            AudioSystem.write(stream, AudioFileFormat.Type.WAVE, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
