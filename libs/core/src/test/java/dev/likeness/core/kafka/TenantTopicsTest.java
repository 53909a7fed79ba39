package dev.likeness.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class TenantTopicsTest {

    @Test
    void theTopicSaysWhichTenantWroteIt() {
        assertThat(TenantTopics.tenantOf(TenantTopics.images("acme"))).contains("acme");
        assertThat(TenantTopics.tenantOf(TenantTopics.matches("acme-2"))).contains("acme-2");
        assertThat(TenantTopics.tenantOf(Topics.IMAGES)).isEmpty();
        assertThat(TenantTopics.tenantOf("likeness.tenant.Not_A_Tenant.images.v1"))
                .isEmpty();
        assertThat(TenantTopics.tenantOf("likeness.tenant.acme")).isEmpty();
        assertThatThrownBy(() -> TenantTopics.images("a.b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePatternMatchesEveryTenantsImagesTopicOnly() {
        Pattern images = Pattern.compile(TenantTopics.IMAGES_PATTERN);
        assertThat(images.matcher(TenantTopics.images("acme")).matches()).isTrue();
        assertThat(images.matcher(TenantTopics.matches("acme")).matches()).isFalse();
        assertThat(images.matcher(Topics.IMAGES).matches()).isFalse();
        assertThat(images.matcher("likenessXtenantXacmeXimagesXv1").matches()).isFalse();
    }
}
