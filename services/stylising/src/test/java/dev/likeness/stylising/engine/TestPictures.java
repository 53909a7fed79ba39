package dev.likeness.stylising.engine;

/** Generated pictures for tests, benchmarks and documentation, so no style image has to be downloaded. */
public final class TestPictures {

    private TestPictures() {}

    /**
     * A bold, high-contrast pattern (diagonal stripes in saturated blue and orange crossed by dark swirls): a
     * style whose Gram statistics are far from any photograph's.
     */
    public static Raster stylePattern(int width, int height) {
        Raster raster = Raster.blank(width, height);
        float[] d = raster.data();
        int plane = raster.plane();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double u = x * 64.0 / width;
                double v = y * 64.0 / height;
                double stripe = Math.sin((u + v) * 0.9);
                double swirl = Math.sin(Math.hypot(u - 32, v - 32) * 1.3 + Math.atan2(v - 32, u - 32) * 3);
                double dark = swirl > 0.6 ? 0.25 : 1.0;
                int i = y * width + x;
                if (stripe > 0) {
                    d[i] = (float) (250 * dark);
                    d[plane + i] = (float) (140 * dark);
                    d[2 * plane + i] = (float) (20 * dark);
                } else {
                    d[i] = (float) (20 * dark);
                    d[plane + i] = (float) (60 * dark);
                    d[2 * plane + i] = (float) (230 * dark);
                }
            }
        }
        return raster;
    }
}
