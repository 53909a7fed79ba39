package dev.likeness.core.image;

/** The encoded formats the decoder accepts. */
public enum ImageFormat {
    JPEG,
    PNG,
    /** Lossy (VP8), lossless (VP8L) and extended (VP8X) WebP, read with TwelveMonkeys. */
    WEBP
}
