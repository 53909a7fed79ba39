package dev.likeness.cli;

import java.util.List;

/** The mesh topics the CLI reads and writes. */
final class Topics {

    static final String IMAGES = "likeness.images.v1";
    static final String MATCHES = "likeness.matches.v1";
    static final String GALLERY = "likeness.gallery.v1";
    static final String STYLE_REQUESTS = "likeness.style.requests.v1";
    static final String STYLE_PROGRESS = "likeness.style.progress.v1";
    static final String STYLE_RESULTS = "likeness.style.results.v1";
    static final List<String> DLQ_SERVICES = List.of("embedding", "matching", "stylising");

    private Topics() {}

    static String deadLetters(String service) {
        return "likeness." + service + ".dlq.v1";
    }
}
