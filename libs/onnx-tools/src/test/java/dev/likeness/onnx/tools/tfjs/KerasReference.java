package dev.likeness.onnx.tools.tfjs;

/**
 * Channels-last (NHWC) forward passes written the way Keras defines its layers, independent of the
 * importer: the reference the imported NCHW graph must reproduce. Tensors are [H, W, C] (batch 1).
 */
final class KerasReference {

    /** An [H, W, C] activation. */
    record Map3(float[] data, int height, int width, int channels) {
        float at(int y, int x, int c) {
            return data[(y * width + x) * channels + c];
        }

        static Map3 zeros(int height, int width, int channels) {
            return new Map3(new float[height * width * channels], height, width, channels);
        }

        void set(int y, int x, int c, float value) {
            data[(y * width + x) * channels + c] = value;
        }
    }

    private KerasReference() {}

    static Map3 zeroPad(Map3 in, int top, int bottom, int left, int right) {
        Map3 out = Map3.zeros(in.height() + top + bottom, in.width() + left + right, in.channels());
        for (int y = 0; y < in.height(); y++) {
            for (int x = 0; x < in.width(); x++) {
                for (int c = 0; c < in.channels(); c++) {
                    out.set(y + top, x + left, c, in.at(y, x, c));
                }
            }
        }
        return out;
    }

    /** TensorFlow's SAME: ceil(in / stride) outputs, the extra padding (if odd) at the end. */
    static int[] samePadding(int size, int kernel, int stride) {
        int out = (size + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + kernel - size, 0);
        return new int[] {out, total / 2};
    }

    /** Conv2D with kernel [kh, kw, in, out]; depthwise: kernel [kh, kw, in, multiplier]. */
    static Map3 conv(
            Map3 in,
            float[] kernel,
            int kh,
            int kw,
            int outChannels,
            float[] bias,
            int stride,
            boolean same,
            boolean depthwise) {
        int[] rows = same ? samePadding(in.height(), kh, stride) : new int[] {(in.height() - kh) / stride + 1, 0};
        int[] cols = same ? samePadding(in.width(), kw, stride) : new int[] {(in.width() - kw) / stride + 1, 0};
        int multiplier = outChannels / in.channels();
        Map3 out = Map3.zeros(rows[0], cols[0], outChannels);
        for (int oy = 0; oy < rows[0]; oy++) {
            for (int ox = 0; ox < cols[0]; ox++) {
                for (int o = 0; o < outChannels; o++) {
                    double sum = bias == null ? 0 : bias[o];
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int y = oy * stride - rows[1] + ky;
                            int x = ox * stride - cols[1] + kx;
                            if (y < 0 || y >= in.height() || x < 0 || x >= in.width()) {
                                continue;
                            }
                            if (depthwise) {
                                int c = o / multiplier;
                                sum += in.at(y, x, c)
                                        * kernel[((ky * kw + kx) * in.channels() + c) * multiplier + o % multiplier];
                            } else {
                                for (int c = 0; c < in.channels(); c++) {
                                    sum += in.at(y, x, c)
                                            * kernel[((ky * kw + kx) * in.channels() + c) * outChannels + o];
                                }
                            }
                        }
                    }
                    out.set(oy, ox, o, (float) sum);
                }
            }
        }
        return out;
    }

    static Map3 batchNorm(Map3 in, float[] gamma, float[] beta, float[] mean, float[] variance, double epsilon) {
        Map3 out = Map3.zeros(in.height(), in.width(), in.channels());
        for (int index = 0; index < in.data().length; index++) {
            int c = index % in.channels();
            out.data()[index] =
                    (float) ((in.data()[index] - mean[c]) / Math.sqrt(variance[c] + epsilon) * gamma[c] + beta[c]);
        }
        return out;
    }

    static Map3 clip(Map3 in, float low, float high) {
        Map3 out = Map3.zeros(in.height(), in.width(), in.channels());
        for (int index = 0; index < in.data().length; index++) {
            out.data()[index] = Math.min(Math.max(in.data()[index], low), high);
        }
        return out;
    }

    static Map3 add(Map3 a, Map3 b) {
        Map3 out = Map3.zeros(a.height(), a.width(), a.channels());
        for (int index = 0; index < a.data().length; index++) {
            out.data()[index] = a.data()[index] + b.data()[index];
        }
        return out;
    }

    /** SAME pooling: max ignores the padding, average divides by the cells inside the image. */
    static Map3 pool(Map3 in, int size, int stride, boolean max) {
        int[] rows = samePadding(in.height(), size, stride);
        int[] cols = samePadding(in.width(), size, stride);
        Map3 out = Map3.zeros(rows[0], cols[0], in.channels());
        for (int oy = 0; oy < rows[0]; oy++) {
            for (int ox = 0; ox < cols[0]; ox++) {
                for (int c = 0; c < in.channels(); c++) {
                    double best = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    int count = 0;
                    for (int ky = 0; ky < size; ky++) {
                        for (int kx = 0; kx < size; kx++) {
                            int y = oy * stride - rows[1] + ky;
                            int x = ox * stride - cols[1] + kx;
                            if (y >= 0 && y < in.height() && x >= 0 && x < in.width()) {
                                best = Math.max(best, in.at(y, x, c));
                                sum += in.at(y, x, c);
                                count++;
                            }
                        }
                    }
                    out.set(oy, ox, c, (float) (max ? best : sum / count));
                }
            }
        }
        return out;
    }

    static Map3 concatChannels(Map3 a, Map3 b) {
        Map3 out = Map3.zeros(a.height(), a.width(), a.channels() + b.channels());
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                for (int c = 0; c < out.channels(); c++) {
                    out.set(y, x, c, c < a.channels() ? a.at(y, x, c) : b.at(y, x, c - a.channels()));
                }
            }
        }
        return out;
    }

    static float[] globalAverage(Map3 in) {
        float[] out = new float[in.channels()];
        for (int index = 0; index < in.data().length; index++) {
            out[index % in.channels()] += in.data()[index] / (in.height() * in.width());
        }
        return out;
    }

    /** Flatten (channels-last order, as the map's data already is), Dense with kernel [in, out], softmax. */
    static float[] denseSoftmax(float[] in, float[] kernel, float[] bias) {
        int outputs = bias.length;
        double[] logits = new double[outputs];
        for (int o = 0; o < outputs; o++) {
            logits[o] = bias[o];
            for (int i = 0; i < in.length; i++) {
                logits[o] += in[i] * kernel[i * outputs + o];
            }
        }
        double max = java.util.Arrays.stream(logits).max().orElseThrow();
        double sum = java.util.Arrays.stream(logits)
                .map(value -> Math.exp(value - max))
                .sum();
        float[] out = new float[outputs];
        for (int o = 0; o < outputs; o++) {
            out[o] = (float) (Math.exp(logits[o] - max) / sum);
        }
        return out;
    }
}
