package dev.likeness.matching.calibration;

import java.util.List;
import java.util.Optional;

import dev.likeness.core.calibration.DistanceLogistic;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.calibration.SameProbability;
import dev.likeness.core.calibration.SiameseHead;

/**
 * The calibration of every known embedding model: the configured threshold and logistic-on-distance
 * parameters, with the probability taken from a learned head instead wherever one was fitted for exactly
 * that model (id and version).
 */
public final class Calibrations {

    /**
     * A model's shipped defaults.
     *
     * @param version the only version they apply to; empty = every version of the id
     */
    public record Defaults(String modelId, Optional<String> version, float threshold, DistanceLogistic probability) {}

    private final List<Defaults> defaults;
    private final List<SiameseHead> heads;

    public Calibrations(List<Defaults> defaults, List<SiameseHead> heads) {
        this.defaults = List.copyOf(defaults);
        this.heads = List.copyOf(heads);
    }

    /** Empty for a model nobody calibrated: its requests are refused rather than decided on a guess. */
    public Optional<ModelCalibration> forModel(ModelKey model) {
        // A version-pinned entry wins over one for every version.
        Optional<Defaults> configured = defaults.stream()
                .filter(d -> d.modelId().equals(model.id())
                        && d.version().map(model.version()::equals).orElse(false))
                .findFirst()
                .or(() -> defaults.stream()
                        .filter(d ->
                                d.modelId().equals(model.id()) && d.version().isEmpty())
                        .findFirst());
        return configured.map(d -> new ModelCalibration(
                model,
                d.threshold(),
                heads.stream()
                        .filter(head -> head.model().equals(model))
                        .<SameProbability>map(head -> head)
                        .findFirst()
                        .orElse(d.probability())));
    }
}
