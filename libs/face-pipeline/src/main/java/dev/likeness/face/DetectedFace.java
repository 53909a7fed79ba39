package dev.likeness.face;

import dev.likeness.events.v1.BoundingBox;

/** A detector hit in original-image pixels (corners), with its score. */
public record DetectedFace(float x1, float y1, float x2, float y2, float score) {

    public float width() {
        return x2 - x1;
    }

    public float height() {
        return y2 - y1;
    }

    /** The box as the events carry it. */
    public BoundingBox boundingBox() {
        return BoundingBox.newBuilder().setX1(x1).setY1(y1).setX2(x2).setY2(y2).build();
    }

    float area() {
        return Math.max(0, width()) * Math.max(0, height());
    }

    /** Intersection over union with another box. */
    float iou(DetectedFace other) {
        float ix = Math.min(x2, other.x2) - Math.max(x1, other.x1);
        float iy = Math.min(y2, other.y2) - Math.max(y1, other.y1);
        if (ix <= 0 || iy <= 0) {
            return 0;
        }
        float intersection = ix * iy;
        return intersection / (area() + other.area() - intersection);
    }
}
