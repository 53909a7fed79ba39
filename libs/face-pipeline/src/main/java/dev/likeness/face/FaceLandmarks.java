package dev.likeness.face;

/** Landmark conventions: the 68-point iBUG 300-W layout reduced to the 5 alignment points. */
public final class FaceLandmarks {

    /** ArcFace's 112x112 template: left eye, right eye, nose tip, left and right mouth corner. */
    public static final float[] TEMPLATE_112 = {
        38.2946f, 51.6963f, 73.5318f, 51.5014f, 56.0252f, 71.7366f, 41.5493f, 92.3655f, 70.7299f, 92.2041f
    };

    private FaceLandmarks() {}

    /** The 5-point template for an embedder input of the given size (the 112x112 one, scaled). */
    static float[] templateFor(int width, int height) {
        float[] template = TEMPLATE_112.clone();
        for (int p = 0; p < template.length; p += 2) {
            template[p] *= width / 112f;
            template[p + 1] *= height / 112f;
        }
        return template;
    }

    /** 68 points (x0,y0,...) -> 5 points: eye centres from their 4 lid points, nose tip, mouth corners. */
    public static float[] fivePoints(float[] points68) {
        float[] five = new float[10];
        mean(points68, five, 0, 37, 38, 40, 41);
        mean(points68, five, 1, 43, 44, 46, 47);
        mean(points68, five, 2, 30);
        mean(points68, five, 3, 48, 60);
        mean(points68, five, 4, 54, 64);
        return five;
    }

    /**
     * Yaw estimate in degrees from the nose tip's horizontal position between the eyes: 0 when centred,
     * about +-90 when the nose reaches an eye (profile). A rough hint, not a pose estimator.
     */
    public static float yawDegrees(float[] five) {
        float leftEyeX = five[0], rightEyeX = five[2], noseX = five[4];
        float eyeSpan = rightEyeX - leftEyeX;
        if (Math.abs(eyeSpan) < 1e-6f) {
            return 90f;
        }
        float offset = (noseX - (leftEyeX + rightEyeX) / 2f) / (eyeSpan / 2f);
        return (float) Math.toDegrees(Math.asin(Math.max(-1f, Math.min(1f, offset))));
    }

    private static void mean(float[] points68, float[] five, int target, int... indices) {
        float x = 0, y = 0;
        for (int i : indices) {
            x += points68[2 * i];
            y += points68[2 * i + 1];
        }
        five[2 * target] = x / indices.length;
        five[2 * target + 1] = y / indices.length;
    }
}
