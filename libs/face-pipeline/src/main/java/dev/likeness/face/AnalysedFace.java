package dev.likeness.face;

/**
 * One face found, aligned and embedded. Coordinates are pixels of the upright original image.
 *
 * @param box          the detector's box and score
 * @param landmarks5   left eye, right eye, nose tip, left and right mouth corner as x0,y0,...,x4,y4
 * @param landmarks68  the landmarker's points as x0,y0,...
 * @param embedding    the L2-normalised embedding f(x)
 * @param sharpness    variance of the Laplacian of the aligned grey face (low = blurred)
 * @param yawDegrees   rough head yaw from the landmarks (0 = frontal)
 */
public record AnalysedFace(
        DetectedFace box,
        float[] landmarks5,
        float[] landmarks68,
        float[] embedding,
        float sharpness,
        float yawDegrees) {}
