package dev.likeness.insight;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FacePipeline;

/**
 * Why two faces match, as {@code likeness explain} and the embedding service answer it (docs/insight.md, "Why two
 * faces match"): the first face the pipeline finds in each photo, and the saliency of their squared distance under
 * an embedding written as one picture, over each photo's face region for a fusion ({@link FusionSaliency}), over
 * each aligned face for one network ({@link MatchSaliency}).
 */
public final class Explanations {

    /** The verification explained: d, and each network of the embedding (one when it is alone) with its weight and d. */
    public record Explained(float distance, List<NetworkDistance> networks) {}

    public record NetworkDistance(String id, double weight, float distance) {}

    /** Photo {@code a} or {@code b} has nothing to explain: the decoder refused it, or no face was found in it. */
    public static final class UnusablePhotoException extends Exception {

        private final String photo;

        private UnusablePhotoException(String photo, ImageRejectedException rejection) {
            super(rejection != null ? rejection.getMessage() : "no face found in image " + photo, rejection);
            this.photo = photo;
        }

        /** "a" or "b", as the request names the photos. */
        public String photo() {
            return photo;
        }

        /** The decoder's refusal, or null where the photo holds no face. */
        public ImageRejectedException rejection() {
            return (ImageRejectedException) getCause();
        }
    }

    private Explanations() {}

    /**
     * Explains the first faces of photos {@code a} and {@code b} (encoded) under {@code embedding}, writing the
     * saliency picture to {@code picture}; the generated graphs go to {@code work}.
     *
     * @throws IllegalArgumentException where a network cannot be differentiated (the generator's
     *     UnsupportedOperatorException)
     */
    public static Explained explain(
            FacePipeline pipeline, EmbeddingSpec embedding, byte[] a, byte[] b, Path work, Path picture)
            throws IOException, UnusablePhotoException {
        if (embedding.fused()) {
            FusionSaliency.Face faceA = first(() -> FusionSaliency.faces(pipeline, embedding, a, "a"), "a");
            FusionSaliency.Face faceB = first(() -> FusionSaliency.faces(pipeline, embedding, b, "b"), "b");
            try (FusionSaliency saliency = FusionSaliency.of(embedding, work)) {
                FusionSaliency.Explanation explanation = saliency.explain(faceA, faceB);
                FusionSaliency.write(explanation, faceA, faceB, picture);
                return new Explained(explanation.distance(), networks(embedding, explanation.networkDistances()));
            }
        }
        EmbeddingSpec.Network network = embedding.networks().get(0);
        InsightImage faceA = first(() -> AlignedFaces.of(pipeline, a, "a", network), "a");
        InsightImage faceB = first(() -> AlignedFaces.of(pipeline, b, "b", network), "b");
        try (MatchSaliency saliency = MatchSaliency.of(network, work)) {
            MatchSaliency.Explanation explanation = saliency.explain(faceA, faceB);
            MatchSaliency.write(explanation, faceA, faceB, picture);
            return new Explained(explanation.distance(), networks(embedding, new float[] {explanation.distance()}));
        }
    }

    private static List<NetworkDistance> networks(EmbeddingSpec embedding, float[] distances) {
        List<NetworkDistance> networks = new ArrayList<>();
        for (int m = 0; m < distances.length; m++) {
            EmbeddingSpec.Network network = embedding.networks().get(m);
            networks.add(new NetworkDistance(network.model().id(), network.weight(), distances[m]));
        }
        return List.copyOf(networks);
    }

    /** Finds a photo's faces; the decoder may refuse the photo. */
    private interface Faces<T> {
        List<T> find() throws ImageRejectedException;
    }

    private static <T> T first(Faces<T> source, String photo) throws UnusablePhotoException {
        List<T> faces;
        try {
            faces = source.find();
        } catch (ImageRejectedException e) {
            throw new UnusablePhotoException(photo, e);
        }
        if (faces.isEmpty()) {
            throw new UnusablePhotoException(photo, null);
        }
        return faces.get(0);
    }
}
