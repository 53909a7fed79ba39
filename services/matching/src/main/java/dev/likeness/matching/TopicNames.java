package dev.likeness.matching;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/** The topics the matching service reads and writes ({@code likeness.topics.*}). */
@ConfigMapping(prefix = "likeness.topics")
public interface TopicNames {

    /** FacesEmbedded requests (in). */
    String faces();

    /** The compacted gallery, key = identity id (in and out). */
    String gallery();

    /** MatchResult answers, key = request id (out; read back for the REST API's request-reply). */
    String matches();

    /** ImageSubmitted requests of the REST API's image uploads (out). */
    String images();

    /** Dead letters of this service (out). */
    @WithName("dead-letters")
    String deadLetters();
}
