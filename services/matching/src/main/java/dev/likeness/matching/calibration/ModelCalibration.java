package dev.likeness.matching.calibration;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.calibration.SameProbability;

/**
 * How to decide and how to state confidence for one embedding model.
 *
 * @param threshold   tau: "same person" when ||f1 - f2||^2 <= tau
 * @param probability the calibrated probability of "same person"
 */
public record ModelCalibration(ModelKey model, float threshold, SameProbability probability) {}
