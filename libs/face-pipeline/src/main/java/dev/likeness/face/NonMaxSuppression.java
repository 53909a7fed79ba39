package dev.likeness.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Standard greedy IoU non-maximum suppression, highest score first (the faceplugin JS sorts by y2 and
 * measures overlap against one box only, which keeps duplicates; see ../shared/models.md).
 */
final class NonMaxSuppression {

    private NonMaxSuppression() {}

    static List<DetectedFace> apply(List<DetectedFace> candidates, float iouThreshold, int maxFaces) {
        List<DetectedFace> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(DetectedFace::score).reversed());
        List<DetectedFace> kept = new ArrayList<>();
        for (DetectedFace candidate : sorted) {
            if (kept.size() == maxFaces) {
                break;
            }
            boolean overlaps = false;
            for (DetectedFace keeper : kept) {
                if (candidate.iou(keeper) > iouThreshold) {
                    overlaps = true;
                    break;
                }
            }
            if (!overlaps) {
                kept.add(candidate);
            }
        }
        return kept;
    }
}
