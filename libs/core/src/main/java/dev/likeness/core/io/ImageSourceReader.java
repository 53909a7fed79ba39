package dev.likeness.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import dev.likeness.core.kafka.ClientText;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.ImageSource;

/**
 * Reads the bytes of an {@link ImageSource}: inline bytes as they are, or a {@code file:} URI that must
 * lie under one of the allowed roots (so a request cannot make a service read arbitrary files).
 */
public final class ImageSourceReader {

    private final List<Path> allowedRoots;
    private final long maxBytes;

    /** @param allowedRoots roots URIs may point into; empty disables URI sources */
    public ImageSourceReader(List<Path> allowedRoots, long maxBytes) {
        this.allowedRoots =
                allowedRoots.stream().map(ImageSourceReader::canonical).toList();
        this.maxBytes = maxBytes;
    }

    public byte[] read(ImageSource source) {
        switch (source.getLocationCase()) {
            case INLINE:
                return source.getInline().toByteArray();
            case URI:
                return readUri(source.getUri());
            default:
                throw new RejectedInputException("MISSING_IMAGE", "the image has neither inline bytes nor a URI");
        }
    }

    private byte[] readUri(String text) {
        // Reasons quote the client's URI, which may be a data: URL of megabytes.
        String quoted = ClientText.excerpt(text);
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new RejectedInputException("BAD_URI", "not a valid URI: " + quoted);
        }
        if (!"file".equals(uri.getScheme())) {
            throw new RejectedInputException(
                    "BAD_URI", "unsupported URI scheme in " + quoted + " (only file: is read)");
        }
        if (allowedRoots.isEmpty()) {
            throw new RejectedInputException(
                    "URI_NOT_ALLOWED",
                    "image URIs are disabled on this service (configure allowed roots to enable them): " + quoted);
        }
        Path path;
        try {
            path = canonical(Path.of(uri));
        } catch (IllegalArgumentException e) {
            // A file: URI that names no local path: a host, no "/" after "file:", a query, a fragment, a NUL.
            throw new RejectedInputException(
                    "BAD_URI", "not a local file path: " + quoted + " (" + ClientText.excerpt(e.getMessage()) + ")");
        }
        if (allowedRoots.stream().noneMatch(path::startsWith)) {
            throw new RejectedInputException(
                    "URI_NOT_ALLOWED", quoted + " is outside the allowed roots " + allowedRoots);
        }
        try {
            long size = Files.size(path);
            if (size > maxBytes) {
                throw new RejectedInputException(
                        "IMAGE_TOO_MANY_BYTES", quoted + " has " + size + " bytes, more than the limit of " + maxBytes);
            }
            try (InputStream in = Files.newInputStream(path)) {
                return in.readNBytes((int) size);
            }
        } catch (NoSuchFileException e) {
            throw new RejectedInputException("URI_NOT_FOUND", "no such file: " + quoted);
        } catch (IOException e) {
            throw new RejectedInputException(
                    "URI_UNREADABLE", "cannot read " + quoted + ": " + ClientText.excerpt(e.getMessage()), e);
        }
    }

    private static Path canonical(Path path) {
        // Normalise ".." away; resolve symbolic links where the file exists so a link cannot escape a root.
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (IOException e) {
            return absolute;
        }
    }
}
