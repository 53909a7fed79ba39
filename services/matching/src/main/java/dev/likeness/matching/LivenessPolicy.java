package dev.likeness.matching;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FaceAttribute;
import dev.likeness.matching.recognition.RequestRefusedException;

/**
 * Enrol and verify only faces judged live (likeness.matching.liveness; off by default): the face must carry the
 * {@code liveness} result of the configured analysis (the embedding service adds it when the request's
 * options.analyses names it; matching's own uploads ask for it while the policy is on), with a probability of
 * {@code live} at least the threshold. Recognition (identify) is not gated: it changes nothing and proves nothing.
 */
@ApplicationScoped
public class LivenessPolicy {

    private final MatchingConfig.LivenessConfig config;

    @Inject
    public LivenessPolicy(MatchingConfig config) {
        this.config = config.liveness();
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The analysis requests must ask for while the policy is on. */
    public String analysis() {
        return config.analysis().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws RequestRefusedException {@link RequestRefusedException#NOT_LIVE} or
     *     {@link RequestRefusedException#LIVENESS_UNCHECKED}, when the policy is on
     */
    public void requireLive(Face face, int index, String which) {
        if (!config.enabled()) {
            return;
        }
        FaceAttribute judgement = face.getAttributesList().stream()
                .filter(attribute -> attribute.getAttribute().equals("liveness")
                        && attribute.getAnalysis().equals(analysis()))
                .findFirst()
                .orElseThrow(() -> new RequestRefusedException(
                        RequestRefusedException.LIVENESS_UNCHECKED,
                        "the liveness policy is on, but face " + index + " of " + which + " carries no " + analysis()
                                + " result: ask for it in ImageSubmitted.options.analyses"));
        int live = judgement.getClassesList().indexOf("live");
        double probability = live < 0 ? 0 : judgement.getProbabilities(live);
        if (probability < config.threshold()) {
            throw new RequestRefusedException(
                    RequestRefusedException.NOT_LIVE,
                    String.format(
                            Locale.ROOT,
                            "face %d of %s was judged not live by %s: p(live) %.3f is below the threshold %.3f",
                            index,
                            which,
                            judgement.getModel().getId(),
                            probability,
                            config.threshold()));
        }
    }
}
