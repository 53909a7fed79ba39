package dev.likeness.face;

/**
 * The least-squares similarity transform (rotation, uniform scale, translation) mapping source points
 * onto destination points (Umeyama 1991, closed form in 2-D). Unlike a 3-point affine it cannot shear
 * the face, which keeps embeddings comparable.
 */
public final class SimilarityTransform {

    /** Row-major 2x3 matrix [a -b tx; b a ty] mapping source to destination. */
    private final double a;

    private final double b;
    private final double tx;
    private final double ty;

    private SimilarityTransform(double a, double b, double tx, double ty) {
        this.a = a;
        this.b = b;
        this.tx = tx;
        this.ty = ty;
    }

    /** @param src x0,y0,x1,y1,... @param dst same length */
    public static SimilarityTransform estimate(float[] src, float[] dst) {
        int n = src.length / 2;
        double sx = 0, sy = 0, dx = 0, dy = 0;
        for (int i = 0; i < n; i++) {
            sx += src[2 * i];
            sy += src[2 * i + 1];
            dx += dst[2 * i];
            dy += dst[2 * i + 1];
        }
        sx /= n;
        sy /= n;
        dx /= n;
        dy /= n;
        double dot = 0, cross = 0, srcVar = 0;
        for (int i = 0; i < n; i++) {
            double px = src[2 * i] - sx, py = src[2 * i + 1] - sy;
            double qx = dst[2 * i] - dx, qy = dst[2 * i + 1] - dy;
            dot += px * qx + py * qy;
            cross += px * qy - py * qx;
            srcVar += px * px + py * py;
        }
        if (srcVar == 0) {
            throw new IllegalArgumentException("degenerate landmarks: all source points coincide");
        }
        double a = dot / srcVar;
        double b = cross / srcVar;
        double tx = dx - (a * sx - b * sy);
        double ty = dy - (b * sx + a * sy);
        return new SimilarityTransform(a, b, tx, ty);
    }

    /** The 2x3 forward matrix (source -> destination), row-major. */
    public double[] forward() {
        return new double[] {a, -b, tx, b, a, ty};
    }
}
