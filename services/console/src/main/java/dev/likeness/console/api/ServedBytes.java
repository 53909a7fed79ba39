package dev.likeness.console.api;

import java.util.Locale;
import java.util.Set;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Bytes the console serves from its own origin but did not make: the pictures the topics carry (whose type the
 * uploader chose) and insight files. None may run as a page there, where script could call the console's gallery
 * API, so only the media types the page shows keep their type, the browser must not sniff another, and the
 * response is sandboxed.
 */
final class ServedBytes {

    /** What the mesh takes and makes: photos, clips (animated GIF, WebP) and sounds (WAV). */
    private static final Set<String> SHOWN_TYPES =
            Set.of("image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp", "audio/wav", "audio/x-wav");

    private ServedBytes() {}

    /** A picture as its event describes it: of its own type if the page shows that type, else as plain bytes. */
    static Response picture(byte[] bytes, String claimedType) {
        return served(bytes, shownType(claimedType));
    }

    /** A body of a type the console chose itself. */
    static Response served(Object body, String type) {
        return Response.ok(body, type)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox")
                .build();
    }

    private static String shownType(String claimedType) {
        String type =
                claimedType == null ? "" : claimedType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return SHOWN_TYPES.contains(type) ? type : MediaType.APPLICATION_OCTET_STREAM;
    }
}
