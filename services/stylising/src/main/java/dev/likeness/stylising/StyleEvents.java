package dev.likeness.stylising;

import java.time.Instant;

import com.google.protobuf.Timestamp;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.RequestError;
import dev.likeness.events.v1.StyleRequested;

/** Builds the service's result events: each carries its request's id and attributes. */
public final class StyleEvents {

    private StyleEvents() {}

    /** The error result for a request that was well formed but cannot be served (over a limit). */
    public static ImageStylised refusal(StyleRequested request, String code, String message) {
        return result(request).setError(error(code, message)).build();
    }

    static ImageStylised.Builder result(StyleRequested request) {
        return ImageStylised.newBuilder()
                .setRequestId(request.getRequestId())
                .setProducedAt(now())
                .putAllAttributes(request.getAttributesMap());
    }

    static RequestError error(String code, String message) {
        return RequestError.newBuilder().setCode(code).setMessage(message).build();
    }

    static Timestamp now() {
        Instant now = Instant.now();
        return Timestamp.newBuilder()
                .setSeconds(now.getEpochSecond())
                .setNanos(now.getNano())
                .build();
    }
}
