package dev.likeness.face;

import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

import dev.likeness.core.image.DecodedImage;

/** One face as it moves through the stages: its box, the pixels it is cut from, then landmarks and embedding. */
final class FaceJob {
    final int imageIndex;
    final DetectedFace face;
    /** The face's pixels: the whole image or a decode of its face regions, possibly reduced. */
    final DecodedImage detail;

    float[] landmarks68;
    float[] landmarks5;
    float[] embedding;
    float sharpness;
    final List<FaceAttribute> attributes = new ArrayList<>();

    FaceJob(int imageIndex, DetectedFace face, DecodedImage detail) {
        this.imageIndex = imageIndex;
        this.face = face;
        this.detail = detail;
    }

    /** Original-image coordinates (x0,y0,...) in the detail decode's pixels. */
    float[] inDetail(float[] points) {
        float[] mapped = new float[points.length];
        double s = detail.subsampling();
        for (int p = 0; p < mapped.length; p += 2) {
            mapped[p] = (float) ((points[p] - detail.region().x) / s);
            mapped[p + 1] = (float) ((points[p + 1] - detail.region().y) / s);
        }
        return mapped;
    }

    /** The matrix from the detail decode's pixels to a network's input: the face cut as {@code alignment} cuts it. */
    double[] toInput(Alignment alignment, int width, int height) {
        return alignment.imageToInput(
                inDetail(landmarks68),
                inDetail(landmarks5),
                inDetail(new Rectangle2D.Float(face.x1(), face.y1(), face.width(), face.height())),
                width,
                height);
    }

    Rectangle2D inDetail(Rectangle2D original) {
        double s = detail.subsampling();
        return new Rectangle2D.Double(
                (original.getX() - detail.region().x) / s,
                (original.getY() - detail.region().y) / s,
                original.getWidth() / s,
                original.getHeight() / s);
    }
}
