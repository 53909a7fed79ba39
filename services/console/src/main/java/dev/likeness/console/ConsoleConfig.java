package dev.likeness.console;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The console's settings ({@code likeness.console.*}, env {@code LIKENESS_CONSOLE_...}). */
@ConfigMapping(prefix = "likeness.console")
public interface ConsoleConfig {

    /**
     * The tenant this console works within (env LIKENESS_CONSOLE_TENANT): its uploads are that tenant's requests, its
     * feed shows that tenant's requests and results only (no dead letters, no style jobs: they are no tenant's), its
     * gallery is that tenant's. Unset: the operator's console, every tenant's feed and the tenant default's gallery.
     */
    Optional<String> tenant();

    /** The dead-letter topics of every service. */
    List<String> deadLetterTopics();

    /** The matching service's REST API: the gallery's only writer renames and deletes identities. */
    @WithDefault("http://localhost:8082")
    URI matchingUrl();

    /** The key the console presents to matching's API when that requires one (env LIKENESS_CONSOLE_MATCHING_API_KEY). */
    Optional<String> matchingApiKey();

    /** Or a bearer token for it (env LIKENESS_CONSOLE_MATCHING_API_TOKEN). */
    Optional<String> matchingApiToken();

    /** Records re-read per partition of each result topic at startup, so a fresh page shows recent work. */
    @WithDefault("20")
    int historyPerPartition();

    /** Recent events replayed to a page that connects. */
    @WithDefault("300")
    int historyEvents();

    /** Bytes of recent pictures (uploads, results) kept for the page to show and download. */
    @WithDefault("67108864")
    long picturesMaxBytes();

    /**
     * The face analyses an identify upload asks for when its "describe the faces" box is ticked
     * (docs/analysis.md); the embedding service must have them enabled.
     */
    @WithDefault("gear,age,gender,emotion,antispoof,liveness")
    List<String> analyses();

    /**
     * The folders the insight results are written to (stylising's and embedding's `insight.results-dir`, shared
     * with the console): atlas grids, activation maps and saliency pictures are served from under these only.
     */
    @WithDefault("var/insight")
    List<Path> insightResultsDirs();

    /** How long publishing an upload or calling the matching API may take. */
    @WithDefault("30s")
    Duration requestTimeout();
}
