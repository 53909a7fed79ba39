package dev.likeness.core.kafka;

/**
 * Client text quoted in a rejection's reason: a request may carry megabytes in one field (a {@code data:} URL as
 * image URI), and its dead letter must stay small, so a reason quotes only the head of it.
 */
public final class ClientText {

    /** Enough to recognise the value in a log or a dead letter. */
    public static final int MAX_QUOTED_CHARS = 200;

    private ClientText() {}

    /** The text itself, or its first {@value #MAX_QUOTED_CHARS} characters followed by how long it was. */
    public static String excerpt(String text) {
        if (text.length() <= MAX_QUOTED_CHARS) {
            return text;
        }
        // Never cut a surrogate pair in half.
        int end =
                Character.isHighSurrogate(text.charAt(MAX_QUOTED_CHARS - 1)) ? MAX_QUOTED_CHARS - 1 : MAX_QUOTED_CHARS;
        return text.substring(0, end) + "… (" + text.length() + " characters)";
    }
}
