package dev.likeness.matching.gallery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.Identity;
import dev.likeness.events.v1.StoredEmbedding;
import dev.likeness.matching.SyntheticEmbeddings;

class IdentityUpdatesTest {

    private static final ModelKey MODEL = new ModelKey("synthetic", "1");
    private static final ModelKey OTHER_MODEL = new ModelKey("synthetic", "2");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final SyntheticEmbeddings embeddings = new SyntheticEmbeddings(5, 8);

    @Test
    void oneFaceMakesAnIdentityAndLaterOnesAreAddedUpToTheCapPerModel() {
        Identity identity = IdentityUpdates.enrol(null, "id", "Name", MODEL, embeddings.person(), "r1", T0, 2);
        assertThat(identity.getEmbeddingsCount()).isEqualTo(1);
        assertThat(IdentityUpdates.createdBy(identity, "r1")).isTrue();

        identity =
                IdentityUpdates.enrol(identity, "id", "", OTHER_MODEL, embeddings.person(), "r2", T0.plusSeconds(1), 2);
        identity = IdentityUpdates.enrol(identity, "id", "", MODEL, embeddings.person(), "r3", T0.plusSeconds(2), 2);
        identity = IdentityUpdates.enrol(identity, "id", "", MODEL, embeddings.person(), "r4", T0.plusSeconds(3), 2);

        // The oldest embedding of the model went; the other model's stayed.
        assertThat(identity.getEmbeddingsList())
                .extracting(StoredEmbedding::getSourceRequestId)
                .containsExactly("r2", "r3", "r4");
        assertThat(identity.getDisplayName()).isEqualTo("Name");
        assertThat(identity.getCreatedAt()).isEqualTo(Timestamps.of(T0));
        assertThat(identity.getUpdatedAt()).isEqualTo(Timestamps.of(T0.plusSeconds(3)));
        assertThat(IdentityUpdates.createdBy(identity, "r3")).isFalse();
    }

    @Test
    void aRedeliveredRequestChangesNothing() {
        Identity identity = IdentityUpdates.enrol(null, "id", "Name", MODEL, embeddings.person(), "r1", T0, 5);

        Identity again =
                IdentityUpdates.enrol(identity, "id", "Other", MODEL, embeddings.person(), "r1", T0.plusSeconds(9), 5);

        assertThat(again).isSameAs(identity);
    }
}
