package dev.likeness.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The expected table of Mesh against each service's own application.properties. */
class ServicesConfigTest {

    @Test
    void everyServiceUsesExactlyTheTopicsAndGroupItsAclsAllow() throws IOException {
        for (Mesh s : Mesh.SERVICES) {
            ServiceProperties p = ServiceProperties.of(s.service());
            Set<String> provisioned = p.list("likeness.kafka.topics.provision");
            Set<String> used = new HashSet<>(s.reads());
            used.addAll(s.writes());
            assertThat(provisioned).as("topics of %s", s.app()).containsExactlyInAnyOrderElementsOf(used);
            assertThat(p.keys())
                    .filteredOn(k -> k.endsWith(".group.id"))
                    .extracting(p::get)
                    .allSatisfy(g -> assertThat(s.literalGroups().contains(g)
                                    || s.prefixedGroups().stream().anyMatch(g::startsWith))
                            .as("group %s of %s", g, s.app())
                            .isTrue());
            assertThat(p.get("quarkus.http.port")).isEqualTo(String.valueOf(s.port()));
            assertThat(p.get("quarkus.application.name")).isEqualTo(s.app());
        }
    }
}
