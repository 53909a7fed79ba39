package dev.likeness.matching;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.Enrolment;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.RequestError;
import dev.likeness.matching.gallery.Timestamps;
import dev.likeness.matching.recognition.Probe;
import dev.likeness.matching.recognition.RequestRefusedException;

/** Answers a validated FacesEmbedded according to its purpose: identify, enrol or verify. */
@ApplicationScoped
public class MatchRequests {

    @Inject
    GalleryService gallery;

    @Inject
    MatchingConfig config;

    /** The answer to publish; a request that cannot be served gets a RequestError outcome. */
    public MatchResult answer(FacesEmbedded event) {
        ModelKey model = ModelKey.of(event.getEmbeddingModel());
        MatchResult.Builder result = MatchResult.newBuilder()
                .setRequestId(event.getRequestId())
                .setModel(event.getEmbeddingModel())
                .putAllAttributes(event.getAttributesMap());
        gallery.awaitCaughtUp();
        try {
            Purpose purpose = event.getPurpose();
            switch (purpose.getKindCase()) {
                case IDENTIFY ->
                    result.setRecognition(gallery.matcher()
                            .identify(
                                    model,
                                    probes(event.getFacesList()),
                                    topK(purpose.getIdentify().getTopK())));
                case ENROL -> result.setEnrolment(enrol(event, model, purpose.getEnrol()));
                case VERIFY ->
                    result.setVerification(
                            switch (purpose.getVerify().getAgainstCase()) {
                                case CLAIMED_IDENTITY_ID ->
                                    gallery.matcher()
                                            .verifyIdentity(
                                                    model,
                                                    bestFace(event.getFacesList(), "the image")
                                                            .embedding(),
                                                    purpose.getVerify().getClaimedIdentityId());
                                default ->
                                    gallery.matcher()
                                            .verifyPair(
                                                    model,
                                                    bestFace(event.getFacesList(), "the image")
                                                            .embedding(),
                                                    bestFace(event.getSecondImageFacesList(), "the second image")
                                                            .embedding());
                            });
                default -> throw new IllegalArgumentException("no answer for purpose " + purpose.getKindCase());
            }
        } catch (RequestRefusedException refused) {
            result.setError(RequestError.newBuilder().setCode(refused.code()).setMessage(refused.getMessage()));
        }
        return result.setProducedAt(Timestamps.of(Instant.now())).build();
    }

    /** Candidates per face: the request's top_k, else the default, never above the maximum. */
    public int topK(int requested) {
        return Math.min(requested > 0 ? requested : config.defaultTopK(), config.maxTopK());
    }

    private Enrolment enrol(FacesEmbedded event, ModelKey model, Purpose.Enrol enrol) {
        Probe face = bestFace(event.getFacesList(), "the image");
        return gallery
                .enrol(enrol.getIdentityId(), enrol.getDisplayName(), model, face.embedding(), event.getRequestId())
                .toBuilder()
                .setBox(face.box())
                .build();
    }

    /** Faces come highest detector score first: the first is the best. */
    private static Probe bestFace(List<Face> faces, String which) {
        if (faces.isEmpty()) {
            throw new RequestRefusedException(RequestRefusedException.NO_FACE, "no face was found in " + which);
        }
        return probe(0, faces.get(0));
    }

    private static List<Probe> probes(List<Face> faces) {
        List<Probe> probes = new ArrayList<>(faces.size());
        for (int i = 0; i < faces.size(); i++) {
            probes.add(probe(i, faces.get(i)));
        }
        return probes;
    }

    private static Probe probe(int index, Face face) {
        float[] embedding = new float[face.getEmbeddingCount()];
        for (int k = 0; k < embedding.length; k++) {
            embedding[k] = face.getEmbedding(k);
        }
        return new Probe(index, face.getBox(), embedding);
    }
}
