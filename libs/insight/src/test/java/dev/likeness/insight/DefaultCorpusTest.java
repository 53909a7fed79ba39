package dev.likeness.insight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.image.ImageDecoder;

/** The atlas's default corpus: deploy/corpus/fetch.sh, its pinned packages and its checksums. */
class DefaultCorpusTest {

    private static final Path CORPUS_DEPLOY = Path.of("../../deploy/corpus");

    @TempDir
    Path temp;

    @Test
    void everyPackageGivesPhotosAndTheWholeCorpusHasAFewHundred() throws IOException {
        Map<String, String> tiers = tiers();
        Map<String, String> sums = sums();
        assertThat(sums).hasSizeGreaterThanOrEqualTo(300);
        for (String packageName : tiers.keySet()) {
            assertThat(sums.keySet()).anyMatch(photo -> photo.startsWith(packageName + "/"));
        }
        assertThat(sums.keySet()).allMatch(photo -> tiers.containsKey(photo.substring(0, photo.indexOf('/'))));
    }

    @Test
    @Tag("tools")
    void smallTierIsDownloadedCheckedAndRepaired() throws Exception {
        Map<String, String> small = new LinkedHashMap<>();
        Map<String, String> tiers = tiers();
        sums().forEach((photo, sum) -> {
            if (tiers.get(photo.substring(0, photo.indexOf('/'))).equals("small")) {
                small.put(photo, sum);
            }
        });
        assertThat(small).isNotEmpty();

        assertThat(fetch("small")).isZero();
        ImageDecoder decoder = new ImageDecoder();
        for (Map.Entry<String, String> photo : small.entrySet()) {
            Path file = temp.resolve(photo.getKey());
            assertThat(sha256(file)).as(photo.getKey()).isEqualTo(photo.getValue());
            InsightImage image = InsightImage.load(file, decoder, 224);
            assertThat(Math.max(image.width(), image.height()))
                    .as(photo.getKey())
                    .isEqualTo(224);
        }

        Path damaged = temp.resolve(small.keySet().iterator().next());
        Files.write(damaged, new byte[] {1, 2, 3});
        assertThat(fetch("small")).isZero();
        assertThat(sha256(damaged)).isEqualTo(small.get(temp.relativize(damaged).toString()));

        assertThat(fetch("everything")).isNotZero();
    }

    private int fetch(String tier) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        "bash", CORPUS_DEPLOY.resolve("fetch.sh").toString(), tier, temp.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(output).isTrue();
        System.out.print(output);
        return process.exitValue();
    }

    /** Package to tier, from deploy/corpus/PACKAGES. */
    private static Map<String, String> tiers() throws IOException {
        Map<String, String> tiers = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CORPUS_DEPLOY.resolve("PACKAGES"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] fields = line.trim().split("\\s+");
                tiers.put(fields[1], fields[0]);
            }
        }
        return tiers;
    }

    /** Photo (PACKAGE/PATH) to SHA-256, from deploy/corpus/SHA256SUMS. */
    private static Map<String, String> sums() throws IOException {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CORPUS_DEPLOY.resolve("SHA256SUMS"))) {
            if (!line.startsWith("#")) {
                sums.put(line.substring(66), line.substring(0, 64));
            }
        }
        return sums;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
