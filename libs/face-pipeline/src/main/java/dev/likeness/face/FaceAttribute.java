package dev.likeness.face;

import java.util.List;

import dev.likeness.events.v1.ModelRef;

/**
 * One network's judgement of one attribute of a face. Never used for matching (docs/analysis.md).
 *
 * @param attribute     {@code age}, {@code gender}, {@code race}, {@code emotion} or {@code liveness}
 * @param analysis      the analysis that produced it ({@link Analysis#id()})
 * @param model         the network's model id and version
 * @param label         the most probable class ({@code female}, {@code happy}, {@code live}, {@code 26-30}, ...);
 *                      empty where the network only estimates a number (SSR-Net's age)
 * @param score         the probability of {@code label}; 0 where there is no label
 * @param value         the estimated number where there is one (age in years), else NaN
 * @param classes       every class of the network's output, in its order
 * @param probabilities their probabilities (they sum to 1), in the same order
 */
public record FaceAttribute(
        String attribute,
        String analysis,
        FacePipeline.ModelIdentity model,
        String label,
        float score,
        float value,
        List<String> classes,
        float[] probabilities) {

    public FaceAttribute {
        classes = List.copyOf(classes);
        probabilities = probabilities.clone();
        if (classes.size() != probabilities.length) {
            throw new IllegalArgumentException(
                    classes.size() + " classes but " + probabilities.length + " probabilities");
        }
    }

    /** A classification: the label is the most probable class. */
    static FaceAttribute classified(
            String attribute, String analysis, FacePipeline.ModelIdentity model, List<String> classes, float[] p) {
        return estimated(attribute, analysis, model, classes, p, Float.NaN);
    }

    /** A classification that also estimates a number (gear's age in years from its age-group probabilities). */
    static FaceAttribute estimated(
            String attribute,
            String analysis,
            FacePipeline.ModelIdentity model,
            List<String> classes,
            float[] p,
            float value) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return new FaceAttribute(attribute, analysis, model, classes.get(best), p[best], value, classes, p);
    }

    /** A regression only (SSR-Net's age): no classes. */
    static FaceAttribute valued(String attribute, String analysis, FacePipeline.ModelIdentity model, float value) {
        return new FaceAttribute(attribute, analysis, model, "", 0, value, List.of(), new float[0]);
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }

    /** The attribute as the events carry it (FacesEmbedded's Face.attributes). */
    public dev.likeness.events.v1.FaceAttribute toEvent() {
        dev.likeness.events.v1.FaceAttribute.Builder event = dev.likeness.events.v1.FaceAttribute.newBuilder()
                .setAttribute(attribute)
                .setAnalysis(analysis)
                .setModel(ModelRef.newBuilder().setId(model.id()).setVersion(model.version()))
                .setLabel(label)
                .setScore(score)
                .addAllClasses(classes);
        if (!Float.isNaN(value)) {
            event.setValue(value);
        }
        for (float p : probabilities) {
            event.addProbabilities(p);
        }
        return event.build();
    }

    /** The probability of one class, or 0 when the network has no such class. */
    public float probability(String label) {
        int index = classes.indexOf(label);
        return index < 0 ? 0 : probabilities[index];
    }
}
