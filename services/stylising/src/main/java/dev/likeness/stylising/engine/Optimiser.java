package dev.likeness.stylising.engine;

/** A first-order minimiser of J over the pixels of G, one step per call. */
public interface Optimiser {

    /** What one evaluation of the loss at a point gives: J and dJ/dG (plus the parts, for reporting). */
    interface Objective {
        Evaluation evaluate(float[] x);
    }

    /** J, its weighted parts (the temporal one only for clips, else 0) and dJ/dG. */
    record Evaluation(
            double cost, double contentCost, double styleCost, double tvCost, double temporalCost, float[] gradient) {
        public Evaluation(double cost, double contentCost, double styleCost, double tvCost, float[] gradient) {
            this(cost, contentCost, styleCost, tvCost, 0, gradient);
        }

        public boolean finite() {
            return Double.isFinite(cost);
        }
    }

    /**
     * Moves {@code x} (in place) one step downhill and returns the evaluation at the new point (or, for
     * methods that evaluate before moving, at the point they moved from).
     */
    Evaluation step(float[] x, Objective objective);

    /** Pixels stay in 0..255 after every step. */
    static void clamp(float[] x) {
        for (int i = 0; i < x.length; i++) {
            float v = x[i];
            x[i] = v < 0 ? 0 : (v > 255 ? 255 : v);
        }
    }
}
