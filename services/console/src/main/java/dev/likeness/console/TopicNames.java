package dev.likeness.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/** The topics the console reads and writes ({@code likeness.topics.*}). */
@ConfigMapping(prefix = "likeness.topics")
public interface TopicNames {

    /** ImageSubmitted: uploads (out), and what every producer submitted (in, for the pictures). */
    String images();

    /** FacesEmbedded: face boxes (in). */
    String faces();

    /** MatchResult: identities, distances, probabilities, verifications (in). */
    String matches();

    /** The compacted gallery (in). */
    String gallery();

    /** StyleRequested: style uploads (out). */
    @WithName("style-requests")
    String styleRequests();

    /** StyleProgress with previews (in). */
    @WithName("style-progress")
    String styleProgress();

    /** ImageStylised (in). */
    @WithName("style-results")
    String styleResults();

    /** InsightRequested: activation maps and explanations asked for on the page (out). */
    @WithName("insight-requests")
    String insightRequests();

    /** InsightResult: where the maps and saliency pictures were written (in). */
    @WithName("insight-results")
    String insightResults();

    /** The compacted atlas index, AtlasIndexed or tombstones (in). */
    @WithName("insight-atlases")
    String insightAtlases();
}
