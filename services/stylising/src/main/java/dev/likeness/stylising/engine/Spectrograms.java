package dev.likeness.stylising.engine;

import java.util.SplittableRandom;

/**
 * Short-time Fourier transforms for sound style transfer (Ulyanov and Lebedev 2016): the log-magnitude
 * spectrogram log(1 + |STFT|) as a [bins, frames] signal with the frequency bins as channels, and back to
 * samples by Griffin-Lim phase reconstruction. Hann window, {@code size} samples (a power of two), hop a
 * quarter of it.
 */
public final class Spectrograms {

    private final int size;
    private final int hop;
    private final double[] window;

    public Spectrograms(int size) {
        if (Integer.bitCount(size) != 1 || size < 16) {
            throw new IllegalArgumentException("the window must be a power of two >= 16, was " + size);
        }
        this.size = size;
        this.hop = size / 4;
        this.window = new double[size];
        for (int i = 0; i < size; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / size);
        }
    }

    public int bins() {
        return size / 2 + 1;
    }

    public int frames(int samples) {
        return Math.max(1, (samples - size) / hop + 1);
    }

    /** log(1 + |STFT|), [bins][frames] flattened bin-major (the layout of a [1, bins, frames] tensor). */
    public float[] logMagnitude(float[] samples) {
        double[][] spectrum = stft(samples);
        int frames = spectrum[0].length / bins();
        float[] out = new float[bins() * frames];
        for (int frame = 0; frame < frames; frame++) {
            for (int bin = 0; bin < bins(); bin++) {
                int at = frame * bins() + bin;
                out[bin * frames + frame] = (float) Math.log1p(Math.hypot(spectrum[0][at], spectrum[1][at]));
            }
        }
        return out;
    }

    /**
     * Samples whose magnitude spectrogram is exp(logMagnitude) - 1, the phase found by {@code iterations} rounds
     * of Griffin-Lim from a seeded random phase, {@code samples} long.
     */
    public float[] griffinLim(float[] logMagnitude, int samples, int iterations, long seed) {
        int frames = logMagnitude.length / bins();
        double[] magnitude = new double[frames * bins()];
        for (int frame = 0; frame < frames; frame++) {
            for (int bin = 0; bin < bins(); bin++) {
                magnitude[frame * bins() + bin] = Math.expm1(Math.max(0, logMagnitude[bin * frames + frame]));
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] spectrum = new double[2][magnitude.length];
        for (int at = 0; at < magnitude.length; at++) {
            double phase = 2 * Math.PI * random.nextDouble();
            spectrum[0][at] = magnitude[at] * Math.cos(phase);
            spectrum[1][at] = magnitude[at] * Math.sin(phase);
        }
        float[] signal = istft(spectrum, samples);
        for (int round = 0; round < iterations; round++) {
            double[][] estimate = stft(signal);
            for (int at = 0; at < magnitude.length; at++) {
                double length = Math.hypot(estimate[0][at], estimate[1][at]);
                double cos = length > 0 ? estimate[0][at] / length : 1;
                double sin = length > 0 ? estimate[1][at] / length : 0;
                spectrum[0][at] = magnitude[at] * cos;
                spectrum[1][at] = magnitude[at] * sin;
            }
            signal = istft(spectrum, samples);
        }
        return signal;
    }

    /** Frame-major complex spectra: [0] real parts, [1] imaginary parts, frame * bins + bin. */
    private double[][] stft(float[] samples) {
        int frames = frames(samples.length);
        double[][] out = new double[2][frames * bins()];
        double[] re = new double[size];
        double[] im = new double[size];
        for (int frame = 0; frame < frames; frame++) {
            for (int i = 0; i < size; i++) {
                int at = frame * hop + i;
                re[i] = at < samples.length ? samples[at] * window[i] : 0;
                im[i] = 0;
            }
            fft(re, im, false);
            System.arraycopy(re, 0, out[0], frame * bins(), bins());
            System.arraycopy(im, 0, out[1], frame * bins(), bins());
        }
        return out;
    }

    /**
     * Windowed overlap-add of the inverse transforms, divided by the summed squared window. At the two ends only
     * a window's tail covers a sample (its squared weight down to 1e-9 of the middle's): dividing by that would
     * blow any inconsistency of a modified spectrogram up into a click hundreds of times full scale, so the
     * divisor is floored at a tenth of the middle's and the ends fade instead.
     */
    private float[] istft(double[][] spectrum, int samples) {
        int frames = spectrum[0].length / bins();
        double[] sum = new double[samples];
        double[] weight = new double[samples];
        double[] re = new double[size];
        double[] im = new double[size];
        for (int frame = 0; frame < frames; frame++) {
            for (int bin = 0; bin < bins(); bin++) {
                re[bin] = spectrum[0][frame * bins() + bin];
                im[bin] = spectrum[1][frame * bins() + bin];
            }
            for (int bin = bins(); bin < size; bin++) {
                // A real signal's spectrum is conjugate-symmetric.
                re[bin] = re[size - bin];
                im[bin] = -im[size - bin];
            }
            fft(re, im, true);
            for (int i = 0; i < size; i++) {
                int at = frame * hop + i;
                if (at < samples) {
                    sum[at] += re[i] * window[i];
                    weight[at] += window[i] * window[i];
                }
            }
        }
        double floor = 0.1 * overlapWeight();
        float[] out = new float[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = (float) (sum[i] / Math.max(weight[i], floor));
        }
        return out;
    }

    /** The summed squared window where every frame overlaps (1.5 for a Hann window and a hop of a quarter). */
    private double overlapWeight() {
        double total = 0;
        for (int i = 0; i < size; i++) {
            total += window[i] * window[i];
        }
        return total / hop;
    }

    /** In-place iterative radix-2 FFT; the inverse is scaled by 1/n. */
    static void fft(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int length = 2; length <= n; length <<= 1) {
            double angle = 2 * Math.PI / length * (inverse ? 1 : -1);
            double stepRe = Math.cos(angle);
            double stepIm = Math.sin(angle);
            for (int start = 0; start < n; start += length) {
                double wRe = 1;
                double wIm = 0;
                for (int k = 0; k < length / 2; k++) {
                    int a = start + k;
                    int b = a + length / 2;
                    double tRe = re[b] * wRe - im[b] * wIm;
                    double tIm = re[b] * wIm + im[b] * wRe;
                    re[b] = re[a] - tRe;
                    im[b] = im[a] - tIm;
                    re[a] += tRe;
                    im[a] += tIm;
                    double next = wRe * stepRe - wIm * stepIm;
                    wIm = wRe * stepIm + wIm * stepRe;
                    wRe = next;
                }
            }
        }
        if (inverse) {
            for (int i = 0; i < n; i++) {
                re[i] /= n;
                im[i] /= n;
            }
        }
    }
}
