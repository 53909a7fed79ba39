package dev.likeness.matching.gallery;

/**
 * What a display name may be: every candidate of a result repeats it, so its length bounds the size of a
 * result (32 faces of 100 candidates, each with an id and a name of at most 256 characters, stay far below
 * the topics' 17 MiB; an unbounded name made a result that could never be sent).
 */
public final class DisplayNames {

    public static final int MAX_LENGTH = 256;

    private DisplayNames() {}

    /** @throws IllegalArgumentException saying what is wrong with the name */
    public static String requireValid(String displayName) {
        if (displayName.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("display name is longer than " + MAX_LENGTH + " characters");
        }
        return displayName;
    }
}
