package dev.likeness.face;

import java.util.List;

/** Every face of one image, best detector score first; sizes are of the upright original image. */
public record FaceAnalysis(int width, int height, List<AnalysedFace> faces) {

    public FaceAnalysis {
        faces = List.copyOf(faces);
    }
}
