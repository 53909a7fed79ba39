package dev.likeness.face;

import java.util.List;
import java.util.Optional;

import dev.likeness.core.faces.SubjectRule;

/** Every face of one image, best detector score first; sizes are of the upright original image. */
public record FaceAnalysis(int width, int height, List<AnalysedFace> faces) {

    public FaceAnalysis {
        faces = List.copyOf(faces);
    }

    /** Index of the face the photo is of ({@link SubjectRule}), or {@link SubjectRule#NONE} when there is none. */
    public int subjectIndex() {
        return SubjectRule.subjectIndex(faces, face -> face.box().boundingBox(), width, height);
    }

    /** The face the photo is of ({@link SubjectRule}); empty when no face was found. */
    public Optional<AnalysedFace> subject() {
        int index = subjectIndex();
        return index == SubjectRule.NONE ? Optional.empty() : Optional.of(faces.get(index));
    }
}
