package dev.likeness.face;

import java.util.List;

/**
 * One face found, aligned and embedded. Coordinates are pixels of the upright original image.
 *
 * @param box          the detector's box and score
 * @param landmarks5   left eye, right eye, nose tip, left and right mouth corner as x0,y0,...,x4,y4
 * @param landmarks68  the landmarker's points as x0,y0,...
 * @param embedding    the L2-normalised embedding f(x)
 * @param sharpness    variance of the Laplacian of the aligned grey face (low = blurred)
 * @param yawDegrees   rough head yaw from the landmarks (0 = frontal)
 * @param attributes   the results of the analyses the image's request asked for, in {@link Analysis} order
 */
public record AnalysedFace(
        DetectedFace box,
        float[] landmarks5,
        float[] landmarks68,
        float[] embedding,
        float sharpness,
        float yawDegrees,
        List<FaceAttribute> attributes) {

    public AnalysedFace {
        attributes = List.copyOf(attributes);
    }

    /** The results for one attribute ({@code age}, {@code gender}, ...), one per analysis that judges it. */
    public List<FaceAttribute> attributes(String attribute) {
        return attributes.stream().filter(a -> a.attribute().equals(attribute)).toList();
    }
}
