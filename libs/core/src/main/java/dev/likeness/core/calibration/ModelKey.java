package dev.likeness.core.calibration;

import dev.likeness.events.v1.ModelRef;

/** An embedding model, by id and version: embeddings are compared only within one key. */
public record ModelKey(String id, String version) {

    public ModelKey {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a model needs an id");
        }
        version = version == null ? "" : version;
    }

    public static ModelKey of(ModelRef ref) {
        return new ModelKey(ref.getId(), ref.getVersion());
    }

    public ModelRef toRef() {
        return ModelRef.newBuilder().setId(id).setVersion(version).build();
    }

    @Override
    public String toString() {
        return version.isEmpty() ? id : id + "@" + version;
    }
}
