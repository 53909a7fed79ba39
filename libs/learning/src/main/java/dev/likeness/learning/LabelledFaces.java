package dev.likeness.learning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Unit embeddings of a user's labelled photos, grouped by identity (name order), and what could not be
 * used with the reason.
 *
 * @param byIdentity identity -> its embeddings, in file-name order (the first is the one enrolled)
 * @param skipped    one line per image or folder left out, e.g. "anna/3.jpg: no face found"
 */
public record LabelledFaces(Map<String, List<float[]>> byIdentity, List<String> skipped) {

    public LabelledFaces {
        byIdentity = Collections.unmodifiableMap(new LinkedHashMap<>(byIdentity));
        skipped = List.copyOf(skipped);
    }

    public int images() {
        return byIdentity.values().stream().mapToInt(List::size).sum();
    }

    /** The same faces through another embedding (e.g. a projection head). */
    public LabelledFaces map(UnaryOperator<float[]> embedding) {
        Map<String, List<float[]>> mapped = new LinkedHashMap<>();
        byIdentity.forEach((identity, faces) -> {
            List<float[]> projected = new ArrayList<>();
            faces.forEach(face -> projected.add(embedding.apply(face)));
            mapped.put(identity, projected);
        });
        return new LabelledFaces(mapped, skipped);
    }

    /** Only the given identities. */
    public LabelledFaces only(List<String> identities) {
        Map<String, List<float[]>> kept = new LinkedHashMap<>();
        identities.forEach(identity -> kept.put(identity, byIdentity.get(identity)));
        return new LabelledFaces(kept, skipped);
    }
}
