package dev.likeness.matching.recognition;

import java.util.List;
import java.util.Set;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.Candidate;
import dev.likeness.events.v1.RecognisedFace;
import dev.likeness.events.v1.Recognition;
import dev.likeness.events.v1.VerificationResult;
import dev.likeness.matching.calibration.Calibrations;
import dev.likeness.matching.calibration.ModelCalibration;
import dev.likeness.matching.gallery.Gallery;
import dev.likeness.matching.gallery.Match;
import dev.likeness.matching.search.VectorMath;

/**
 * The decision rules: 1:K recognition and 1:1 verification against the gallery, with the model's
 * threshold tau on ||f1 - f2||^2 and its calibrated probability. Embeddings of different models are never
 * compared: such a request is refused.
 */
public final class Matcher {

    private final Gallery gallery;
    private final Calibrations calibrations;

    public Matcher(Gallery gallery, Calibrations calibrations) {
        this.gallery = gallery;
        this.calibrations = calibrations;
    }

    /** Top-k candidates per face; a face is unknown when its best candidate is farther than tau. */
    public Recognition identify(ModelKey model, List<Probe> probes, int k) {
        if (probes.isEmpty()) {
            throw new RequestRefusedException(RequestRefusedException.NO_FACE, "the image has no face to identify");
        }
        ModelCalibration calibration = calibration(model);
        Set<ModelKey> models = gallery.models();
        if (!models.isEmpty() && !models.contains(model)) {
            throw new RequestRefusedException(
                    RequestRefusedException.MODEL_MISMATCH,
                    "the gallery holds embeddings of " + models + " only; this request's embeddings are of " + model
                            + " and are never compared with them");
        }
        float[][] units = new float[probes.size()][];
        for (int i = 0; i < units.length; i++) {
            units[i] = unit(probes.get(i).embedding(), model);
        }
        List<List<Match>> matches = gallery.identify(model, units, k);
        Recognition.Builder recognition = Recognition.newBuilder().setThreshold(calibration.threshold());
        for (int i = 0; i < units.length; i++) {
            Probe probe = probes.get(i);
            RecognisedFace.Builder face = RecognisedFace.newBuilder().setFaceIndex(probe.faceIndex());
            if (probe.box() != null) {
                face.setBox(probe.box());
            }
            List<Match> candidates = matches.get(i);
            face.setUnknown(candidates.isEmpty() || candidates.get(0).distance() > calibration.threshold());
            for (Match match : candidates) {
                face.addCandidates(Candidate.newBuilder()
                        .setIdentityId(match.identityId())
                        .setDisplayName(match.displayName())
                        .setDistance(match.distance())
                        .setProbability(
                                calibration.probability().probability(units[i], match.reference(), match.distance())));
            }
            recognition.addFaces(face);
        }
        return recognition.build();
    }

    /** Is the probe the claimed identity? Compared with that identity's closest reference embedding. */
    public VerificationResult verifyIdentity(ModelKey model, float[] probe, String claimedIdentityId) {
        ModelCalibration calibration = calibration(model);
        float[] unit = unit(probe, model);
        if (!gallery.contains(claimedIdentityId)) {
            throw new RequestRefusedException(
                    RequestRefusedException.UNKNOWN_IDENTITY, "no identity " + claimedIdentityId + " in the gallery");
        }
        Match closest = gallery.closest(claimedIdentityId, model, unit)
                .orElseThrow(() -> new RequestRefusedException(
                        RequestRefusedException.MODEL_MISMATCH,
                        "identity " + claimedIdentityId + " has no embedding of " + model
                                + "; re-enrol it with that model"));
        return decide(calibration, unit, closest.reference(), closest.distance()).toBuilder()
                .setClaimedIdentityId(claimedIdentityId)
                .build();
    }

    /** Are two faces (of the same model) the same person? */
    public VerificationResult verifyPair(ModelKey model, float[] first, float[] second) {
        ModelCalibration calibration = calibration(model);
        float[] a = unit(first, model);
        float[] b = unit(second, model);
        if (a.length != b.length) {
            throw new RequestRefusedException(
                    RequestRefusedException.INVALID_EMBEDDING,
                    "the two embeddings have different lengths (" + a.length + " and " + b.length + ")");
        }
        return decide(calibration, a, b, VectorMath.squaredDistanceOfUnitVectors(VectorMath.dot(a, b)));
    }

    private static VerificationResult decide(
            ModelCalibration calibration, float[] probe, float[] reference, float distance) {
        return VerificationResult.newBuilder()
                .setSame(distance <= calibration.threshold())
                .setDistance(distance)
                .setProbability(calibration.probability().probability(probe, reference, distance))
                .setThreshold(calibration.threshold())
                .build();
    }

    private ModelCalibration calibration(ModelKey model) {
        return calibrations
                .forModel(model)
                .orElseThrow(() -> new RequestRefusedException(
                        RequestRefusedException.UNCALIBRATED_MODEL,
                        "no threshold is configured for embedding model " + model + " (likeness.matching.models.\""
                                + model.id() + "\".threshold)"));
    }

    /** The probe as a unit vector, checked against the gallery's dimension for the model. */
    private float[] unit(float[] embedding, ModelKey model) {
        float[] unit;
        try {
            unit = VectorMath.normalised(embedding);
        } catch (IllegalArgumentException e) {
            throw new RequestRefusedException(
                    RequestRefusedException.INVALID_EMBEDDING, "the embedding cannot be compared: " + e.getMessage());
        }
        gallery.dimension(model).filter(dimension -> dimension != unit.length).ifPresent(dimension -> {
            throw new RequestRefusedException(
                    RequestRefusedException.INVALID_EMBEDDING,
                    "the embedding has " + unit.length + " dimensions where the gallery's " + model
                            + " embeddings have " + dimension);
        });
        return unit;
    }
}
