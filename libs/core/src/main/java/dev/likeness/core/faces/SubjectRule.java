package dev.likeness.core.faces;

import java.util.List;
import java.util.function.Function;

import dev.likeness.events.v1.BoundingBox;
import dev.likeness.events.v1.FaceChoice;
import dev.likeness.events.v1.Point;

/**
 * Which face "the face of a photo" means, everywhere (enrol, verify, the console, evaluation): the rule of
 * insightface's {@code FaceAnalysis}, the face with the largest box area - 2 x (squared distance of the box
 * centre from the image centre), among the faces the detector kept. Neither the highest detector score nor
 * the largest box is a good rule: a sharp face in the background, or a "face" in a blurred crowd, wins those.
 */
public final class SubjectRule {

    /** No face: the image has none, or the named face does not exist. */
    public static final int NONE = -1;

    private SubjectRule() {}

    /** The rule's score of one box in an image of the given size; the subject has the highest. */
    public static double score(BoundingBox box, int imageWidth, int imageHeight) {
        double width = Math.max(0, box.getX2() - box.getX1());
        double height = Math.max(0, box.getY2() - box.getY1());
        double dx = (box.getX1() + box.getX2()) / 2.0 - imageWidth / 2.0;
        double dy = (box.getY1() + box.getY2()) / 2.0 - imageHeight / 2.0;
        return width * height - 2 * (dx * dx + dy * dy);
    }

    /** Index of the subject among the boxes (the first of equal scores), or {@link #NONE} when there are none. */
    public static int subjectIndex(List<BoundingBox> boxes, int imageWidth, int imageHeight) {
        return subjectIndex(boxes, Function.identity(), imageWidth, imageHeight);
    }

    /** Index of the subject among the faces, each with its box. */
    public static <T> int subjectIndex(
            List<T> faces, Function<? super T, BoundingBox> box, int imageWidth, int imageHeight) {
        int subject = NONE;
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < faces.size(); i++) {
            double score = score(box.apply(faces.get(i)), imageWidth, imageHeight);
            if (score > best) {
                best = score;
                subject = i;
            }
        }
        return subject;
    }

    /**
     * The face a request names: its index when there is such a face, else the face whose box holds the point
     * (the nearest box centre where boxes overlap); {@link #NONE} when it names no existing face.
     */
    public static int namedIndex(FaceChoice choice, List<BoundingBox> boxes) {
        return switch (choice.getByCase()) {
            case INDEX -> choice.getIndex() >= 0 && choice.getIndex() < boxes.size() ? choice.getIndex() : NONE;
            case POINT -> faceAt(choice.getPoint(), boxes);
            case BY_NOT_SET -> throw new IllegalArgumentException("the face choice names no face");
        };
    }

    private static int faceAt(Point point, List<BoundingBox> boxes) {
        int found = NONE;
        double nearest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < boxes.size(); i++) {
            BoundingBox box = boxes.get(i);
            if (point.getX() < box.getX1()
                    || point.getX() > box.getX2()
                    || point.getY() < box.getY1()
                    || point.getY() > box.getY2()) {
                continue;
            }
            double dx = (box.getX1() + box.getX2()) / 2.0 - point.getX();
            double dy = (box.getY1() + box.getY2()) / 2.0 - point.getY();
            if (dx * dx + dy * dy < nearest) {
                nearest = dx * dx + dy * dy;
                found = i;
            }
        }
        return found;
    }
}
