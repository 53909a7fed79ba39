package dev.likeness.matching;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.events.Tenants;
import dev.likeness.core.faces.SubjectRule;
import dev.likeness.events.v1.Enrolment;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FaceChoice;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.RecognisedFace;
import dev.likeness.events.v1.Recognition;
import dev.likeness.events.v1.RequestError;
import dev.likeness.events.v1.VerificationResult;
import dev.likeness.matching.gallery.Timestamps;
import dev.likeness.matching.recognition.Probe;
import dev.likeness.matching.recognition.RequestRefusedException;

/** Answers a validated FacesEmbedded according to its purpose (identify, enrol or verify), in its tenant's gallery. */
@ApplicationScoped
public class MatchRequests {

    @Inject
    GalleryService gallery;

    @Inject
    MatchingConfig config;

    @Inject
    LivenessPolicy liveness;

    /** The answer to publish; a request that cannot be served gets a RequestError outcome. */
    public MatchResult answer(FacesEmbedded event) {
        ModelKey model = ModelKey.of(event.getEmbeddingModel());
        MatchResult.Builder result = MatchResult.newBuilder()
                .setRequestId(event.getRequestId())
                .setModel(event.getEmbeddingModel())
                .putAllAttributes(event.getAttributesMap())
                .setTenant(event.getTenant());
        String tenant = Tenants.of(event.getTenant());
        gallery.awaitCaughtUp();
        try {
            Purpose purpose = event.getPurpose();
            switch (purpose.getKindCase()) {
                case IDENTIFY -> result.setRecognition(identify(tenant, event, model, purpose.getIdentify()));
                case ENROL -> result.setEnrolment(enrol(tenant, event, model, purpose.getEnrol()));
                case VERIFY -> result.setVerification(verify(tenant, event, model, purpose.getVerify()));
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

    /** Every face, the subject marked. */
    private Recognition identify(String tenant, FacesEmbedded event, ModelKey model, Purpose.Identify identify) {
        Recognition recognition =
                gallery.matcher(tenant).identify(model, probes(event.getFacesList()), topK(identify.getTopK()));
        Recognition.Builder marked = recognition.toBuilder();
        for (RecognisedFace.Builder face : marked.getFacesBuilderList()) {
            face.setSubject(face.getFaceIndex() == event.getSubjectFace());
        }
        return marked.build();
    }

    private Enrolment enrol(String tenant, FacesEmbedded event, ModelKey model, Purpose.Enrol enrol) {
        Probe face = meantFace(
                event.getFacesList(), event.getSubjectFace(), enrol.hasFace() ? enrol.getFace() : null, "the image");
        liveness.requireLive(event.getFaces(face.faceIndex()), face.faceIndex(), "the image");
        return gallery
                .enrol(
                        tenant,
                        enrol.getIdentityId(),
                        enrol.getDisplayName(),
                        model,
                        face.embedding(),
                        event.getRequestId())
                .toBuilder()
                .setBox(face.box())
                .setFaceIndex(face.faceIndex())
                .build();
    }

    private VerificationResult verify(String tenant, FacesEmbedded event, ModelKey model, Purpose.Verify verify) {
        Probe face = meantFace(
                event.getFacesList(), event.getSubjectFace(), verify.hasFace() ? verify.getFace() : null, "the image");
        liveness.requireLive(event.getFaces(face.faceIndex()), face.faceIndex(), "the image");
        if (verify.getAgainstCase() == Purpose.Verify.AgainstCase.CLAIMED_IDENTITY_ID) {
            return gallery
                    .matcher(tenant)
                    .verifyIdentity(model, face.embedding(), verify.getClaimedIdentityId())
                    .toBuilder()
                    .setFaceIndex(face.faceIndex())
                    .build();
        }
        Probe second = meantFace(
                event.getSecondImageFacesList(),
                event.getSecondImageSubjectFace(),
                verify.hasSecondImageFace() ? verify.getSecondImageFace() : null,
                "the second image");
        liveness.requireLive(event.getSecondImageFaces(second.faceIndex()), second.faceIndex(), "the second image");
        return gallery.matcher(tenant).verifyPair(model, face.embedding(), second.embedding()).toBuilder()
                .setFaceIndex(face.faceIndex())
                .setSecondImageFaceIndex(second.faceIndex())
                .build();
    }

    /**
     * The face a request means: the one it names, else the image's subject (FacesEmbedded.subject_face, chosen
     * by the embedding service with {@link SubjectRule}).
     */
    private static Probe meantFace(List<Face> faces, int subject, FaceChoice named, String which) {
        if (faces.isEmpty()) {
            throw new RequestRefusedException(RequestRefusedException.NO_FACE, "no face was found in " + which);
        }
        if (named == null) {
            return probe(subject, faces.get(subject));
        }
        int index =
                SubjectRule.namedIndex(named, faces.stream().map(Face::getBox).toList());
        if (index == SubjectRule.NONE) {
            throw new RequestRefusedException(
                    RequestRefusedException.NO_SUCH_FACE,
                    which + " has " + faces.size() + " face(s), none of them "
                            + (named.hasPoint()
                                    ? "with a box holding the point ("
                                            + named.getPoint().getX() + ", "
                                            + named.getPoint().getY() + ")"
                                    : "with index " + named.getIndex()));
        }
        return probe(index, faces.get(index));
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
