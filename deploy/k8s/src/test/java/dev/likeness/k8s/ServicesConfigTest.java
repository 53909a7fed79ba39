package dev.likeness.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The expected table of Mesh against each service's own application.properties. */
class ServicesConfigTest {

    @Test
    void everyServiceUsesExactlyTheTopicsAndGroupItsAclsAllow() throws IOException {
        for (Mesh s : Mesh.SERVICES) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Manifests.ROOT
                    .resolve("services")
                    .resolve(s.service())
                    .resolve("src/main/resources/application.properties"))) {
                p.load(r);
            }
            Set<String> provisioned = new HashSet<>(Arrays.asList(
                    resolve(p, p.getProperty("likeness.kafka.topics.provision")).split(",")));
            Set<String> used = new HashSet<>(s.reads());
            used.addAll(s.writes());
            assertThat(provisioned).as("topics of %s", s.app()).containsExactlyInAnyOrderElementsOf(used);
            assertThat(p.stringPropertyNames())
                    .filteredOn(k -> k.endsWith(".group.id"))
                    .extracting(k -> resolve(p, p.getProperty(k)))
                    .allSatisfy(g -> assertThat(s.literalGroups().contains(g)
                                    || s.prefixedGroups().stream().anyMatch(g::startsWith))
                            .as("group %s of %s", g, s.app())
                            .isTrue());
            assertThat(resolve(p, p.getProperty("quarkus.http.port"))).isEqualTo(String.valueOf(s.port()));
            assertThat(p.getProperty("quarkus.application.name")).isEqualTo(s.app());
        }
    }

    private static String resolve(Properties p, String value) {
        Matcher m = Pattern.compile("\\$\\{([^}:]+)(:[^}]*)?}").matcher(value);
        return m.replaceAll(r -> {
            String v = p.getProperty(r.group(1));
            return Matcher.quoteReplacement(v != null ? resolve(p, v) : "UUID");
        });
    }
}
