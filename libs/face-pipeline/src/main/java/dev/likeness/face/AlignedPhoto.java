package dev.likeness.face;

import java.util.List;

import dev.likeness.core.image.DecodedImage;

/**
 * A photo's faces with the pixels the pipeline aligned them from ({@link FacePipeline#alignedPhoto}): warping
 * {@link #pixels()} with {@link #toInput} gives a recognition network's input exactly as the pipeline fed it.
 *
 * @param pixels the detection decode when it is the whole photo at full resolution, else the decode of the face
 *               regions (possibly reduced)
 * @param faces  the faces, as {@link FacePipeline#analyse} finds them (coordinates of the upright original)
 */
public record AlignedPhoto(DecodedImage pixels, List<AnalysedFace> faces) {

    public AlignedPhoto {
        faces = List.copyOf(faces);
    }

    /** The row-major 2x3 matrix from {@link #pixels()} to {@code network}'s input for one of the faces. */
    public double[] toInput(AnalysedFace face, EmbeddingSpec.Network network) {
        FaceJob job = new FaceJob(0, face.box(), pixels);
        job.landmarks68 = face.landmarks68();
        job.landmarks5 = face.landmarks5();
        return job.toInput(
                network.alignment(),
                network.model().inputWidth(),
                network.model().inputHeight());
    }
}
