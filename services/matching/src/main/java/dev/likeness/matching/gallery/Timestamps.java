package dev.likeness.matching.gallery;

import java.time.Instant;

import com.google.protobuf.Timestamp;

/** protobuf Timestamp to and from Instant. */
public final class Timestamps {

    private Timestamps() {}

    public static Timestamp of(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    public static Instant toInstant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
