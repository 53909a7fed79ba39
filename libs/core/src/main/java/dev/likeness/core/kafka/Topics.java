package dev.likeness.core.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mesh's topic names, written once: the services take them as the defaults of their {@code likeness.topics.*}
 * keys (service-kit's {@code MeshTopicsConfigSource}), and the CLI, the tests and the benchmarks read them here.
 * docs/events.md says what each topic carries.
 */
public final class Topics {

    public static final String IMAGES = "likeness.images.v1";
    public static final String FACES = "likeness.faces.v1";
    public static final String GALLERY = "likeness.gallery.v1";
    public static final String MATCHES = "likeness.matches.v1";
    public static final String STYLE_REQUESTS = "likeness.style.requests.v1";
    public static final String STYLE_CANCELLATIONS = "likeness.style.cancellations.v1";
    public static final String STYLE_PROGRESS = "likeness.style.progress.v1";
    public static final String STYLE_RESULTS = "likeness.style.results.v1";
    public static final String INSIGHT_REQUESTS = "likeness.insight.requests.v1";
    public static final String INSIGHT_PROGRESS = "likeness.insight.progress.v1";
    public static final String INSIGHT_RESULTS = "likeness.insight.results.v1";
    /** Compacted, key = atlas name: every atlas built, a tombstone for one deleted. */
    public static final String INSIGHT_ATLASES = "likeness.insight.atlases.v1";

    /** The services that dead-letter what they cannot serve, each to a topic of its own. */
    public static final List<String> DEAD_LETTER_SERVICES = List.of("embedding", "matching", "stylising");

    private Topics() {}

    /** The dead-letter topic of one of {@link #DEAD_LETTER_SERVICES}. */
    public static String deadLetters(String service) {
        if (!DEAD_LETTER_SERVICES.contains(service)) {
            throw new IllegalArgumentException(
                    "no dead-letter topic for '" + service + "': one of " + DEAD_LETTER_SERVICES);
        }
        return "likeness." + service + ".dlq.v1";
    }

    /**
     * Every topic by the name of its configuration key under {@code likeness.topics.} ("images", "style-requests",
     * "embedding-dead-letters", ...).
     */
    public static Map<String, String> byConfigName() {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("images", IMAGES);
        topics.put("faces", FACES);
        topics.put("gallery", GALLERY);
        topics.put("matches", MATCHES);
        topics.put("style-requests", STYLE_REQUESTS);
        topics.put("style-cancellations", STYLE_CANCELLATIONS);
        topics.put("style-progress", STYLE_PROGRESS);
        topics.put("style-results", STYLE_RESULTS);
        topics.put("insight-requests", INSIGHT_REQUESTS);
        topics.put("insight-progress", INSIGHT_PROGRESS);
        topics.put("insight-results", INSIGHT_RESULTS);
        topics.put("insight-atlases", INSIGHT_ATLASES);
        for (String service : DEAD_LETTER_SERVICES) {
            topics.put(service + "-dead-letters", deadLetters(service));
        }
        return topics;
    }
}
