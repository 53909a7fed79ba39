package dev.likeness.matching.recognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.likeness.core.calibration.DistanceLogistic;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.BoundingBox;
import dev.likeness.events.v1.Recognition;
import dev.likeness.events.v1.VerificationResult;
import dev.likeness.matching.SyntheticEmbeddings;
import dev.likeness.matching.calibration.Calibrations;
import dev.likeness.matching.gallery.Gallery;
import dev.likeness.matching.gallery.IdentityUpdates;
import dev.likeness.matching.search.SearchSettings;

class MatcherTest {

    private static final ModelKey MODEL = new ModelKey("synthetic", "1");
    private static final ForkJoinPool POOL = new ForkJoinPool(1);
    /** Views at cosine 0.7 are at distance ~0.6; strangers at ~2. */
    private static final float TAU = 1.2f;

    private final SyntheticEmbeddings embeddings = new SyntheticEmbeddings(3, 64);
    private final Gallery gallery = new Gallery(SearchSettings.exactOnly(1), POOL);
    private final Matcher matcher = new Matcher(
            gallery,
            new Calibrations(
                    List.of(new Calibrations.Defaults("synthetic", Optional.empty(), TAU, new DistanceLogistic(6, -5))),
                    List.of()));

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    @Test
    void aKnownFaceIsRecognisedAndAStrangerIsUnknown() {
        float[] alice = enrol("alice");
        enrol("bob");

        Recognition recognition = matcher.identify(
                MODEL,
                List.of(
                        new Probe(0, BoundingBox.getDefaultInstance(), embeddings.view(alice, 0.7)),
                        new Probe(1, BoundingBox.getDefaultInstance(), embeddings.person())),
                2);

        assertThat(recognition.getThreshold()).isEqualTo(TAU);
        assertThat(recognition.getFaces(0).getUnknown()).isFalse();
        assertThat(recognition.getFaces(0).getCandidates(0).getIdentityId()).isEqualTo("alice");
        assertThat(recognition.getFaces(0).getCandidates(0).getProbability()).isGreaterThan(0.9f);
        assertThat(recognition.getFaces(0).getCandidatesCount()).isEqualTo(2);
        assertThat(recognition.getFaces(1).getUnknown()).isTrue();
        assertThat(recognition.getFaces(1).getFaceIndex()).isEqualTo(1);
    }

    @Test
    void verificationAgainstAnIdentityAndBetweenTwoFaces() {
        float[] alice = enrol("alice");

        VerificationResult same = matcher.verifyIdentity(MODEL, embeddings.view(alice, 0.7), "alice");
        VerificationResult different = matcher.verifyPair(MODEL, alice, embeddings.person());

        assertThat(same.getSame()).isTrue();
        assertThat(same.getClaimedIdentityId()).isEqualTo("alice");
        assertThat(same.getThreshold()).isEqualTo(TAU);
        assertThat(different.getSame()).isFalse();
        assertThat(different.getProbability()).isLessThan(0.1f);
    }

    /** Probes 0.02 either side of tau: a decision off by a little (< instead of <=, a wrong tau) shows. */
    @Test
    void decisionsTurnAtTau() {
        float[] alice = enrol("alice");
        float[] inside = atDistance(alice, TAU - 0.02);
        float[] outside = atDistance(alice, TAU + 0.02);

        Recognition recognition = matcher.identify(
                MODEL,
                List.of(
                        new Probe(0, BoundingBox.getDefaultInstance(), inside),
                        new Probe(1, BoundingBox.getDefaultInstance(), outside)),
                1);
        VerificationResult sameInside = matcher.verifyIdentity(MODEL, inside, "alice");
        VerificationResult sameOutside = matcher.verifyIdentity(MODEL, outside, "alice");
        VerificationResult pairInside = matcher.verifyPair(MODEL, alice, inside);
        VerificationResult pairOutside = matcher.verifyPair(MODEL, alice, outside);

        assertThat(recognition.getFaces(0).getCandidates(0).getDistance()).isCloseTo(TAU - 0.02f, within(1e-4f));
        assertThat(recognition.getFaces(0).getUnknown()).as("at tau - 0.02").isFalse();
        assertThat(recognition.getFaces(1).getCandidates(0).getDistance()).isCloseTo(TAU + 0.02f, within(1e-4f));
        assertThat(recognition.getFaces(1).getUnknown()).as("at tau + 0.02").isTrue();
        assertThat(sameInside.getSame()).as("identity at tau - 0.02").isTrue();
        assertThat(sameOutside.getSame()).as("identity at tau + 0.02").isFalse();
        assertThat(pairInside.getSame()).as("pair at tau - 0.02").isTrue();
        assertThat(pairOutside.getSame()).as("pair at tau + 0.02").isFalse();
    }

    @Test
    void refusalsSayWhatIsWrong() {
        enrol("alice");
        float[] probe = embeddings.person();
        ModelKey otherModel = new ModelKey("synthetic", "2");

        assertRefused(() -> matcher.verifyIdentity(MODEL, probe, "nobody"), RequestRefusedException.UNKNOWN_IDENTITY);
        assertRefused(() -> matcher.verifyIdentity(otherModel, probe, "alice"), RequestRefusedException.MODEL_MISMATCH);
        assertRefused(
                () -> matcher.identify(otherModel, List.of(new Probe(0, null, probe)), 1),
                RequestRefusedException.MODEL_MISMATCH);
        assertRefused(
                () -> matcher.identify(new ModelKey("uncalibrated", ""), List.of(new Probe(0, null, probe)), 1),
                RequestRefusedException.UNCALIBRATED_MODEL);
        assertRefused(() -> matcher.identify(MODEL, List.of(), 1), RequestRefusedException.NO_FACE);
        assertRefused(
                () -> matcher.identify(MODEL, List.of(new Probe(0, null, new float[3])), 1),
                RequestRefusedException.INVALID_EMBEDDING);
    }

    private float[] enrol(String id) {
        float[] person = embeddings.person();
        gallery.apply(id, IdentityUpdates.enrol(null, id, id, MODEL, person, "enrol-" + id, Instant.now(), 5));
        return person;
    }

    /** A view of {@code person} at this distance (squared Euclidean between unit vectors: 2 - 2 cos). */
    private float[] atDistance(float[] person, double distance) {
        return embeddings.view(person, 1 - distance / 2);
    }

    private static void assertRefused(Runnable request, String code) {
        assertThatThrownBy(request::run)
                .isInstanceOfSatisfying(
                        RequestRefusedException.class,
                        refused -> assertThat(refused.code()).isEqualTo(code));
    }
}
