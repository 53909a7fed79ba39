package dev.likeness.face;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.likeness.core.image.TensorEncoding;

/**
 * GEAR (Udolf15/GEAR-Predictor, as human-models ships it): 198 x 198 RGB, values 0..1, cut from the rows 0..0.9 and
 * columns 0.1..0.9 of Human's face square (its {@code gear.ts} box, "empirical values"). Three softmax heads: seven age
 * groups, gender (male, female) and race (white, black, asian, indian, other). The age in years is Human's: start at
 * the most probable group's representative age, then move towards each other group's by its probability, in
 * decreasing probability.
 */
final class GearNetwork extends AttributeNetwork {

    static final List<String> AGE_GROUPS = List.of("0-20", "21-25", "26-30", "31-40", "41-50", "51-60", "60+");
    /** Human's representative age of each group ({@code ageWeights}). */
    private static final float[] GROUP_AGES = {15, 23, 28, 35.5f, 45.5f, 55.5f, 65};

    static final List<String> GENDERS = List.of("male", "female");
    static final List<String> RACES = List.of("white", "black", "asian", "indian", "other");
    private static final double[] REGION = {0, 0.1, 0.9, 0.9};

    GearNetwork(Path onnx, FacePipelineConfig config, PipelineStage.Listener listener) {
        super(
                Analysis.GEAR,
                Analysis.GEAR.spec(onnx, 198, TensorEncoding.rgb(0, 255), "Identity", "Identity_1", "Identity_2"),
                config,
                listener);
    }

    @Override
    double[] region() {
        return REGION;
    }

    @Override
    List<FaceAttribute> decode(List<float[]> outputs) {
        String id = analysis().id();
        float[] ages = outputs.get(0);
        return List.of(
                FaceAttribute.estimated("age", id, identity(), AGE_GROUPS, ages, years(ages)),
                FaceAttribute.classified("gender", id, identity(), GENDERS, outputs.get(1)),
                FaceAttribute.classified("race", id, identity(), RACES, outputs.get(2)));
    }

    static float years(float[] groups) {
        Integer[] order = new Integer[groups.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(groups[b], groups[a]));
        double age = GROUP_AGES[order[0]];
        for (int i = 1; i < order.length; i++) {
            age += groups[order[i]] * (GROUP_AGES[order[i]] - age);
        }
        return (float) age;
    }
}
