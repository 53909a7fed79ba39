package dev.likeness.matching.gallery;

/** What an identity id may be: it is a Kafka key and a URL path segment. */
public final class IdentityIds {

    public static final int MAX_LENGTH = 256;

    private IdentityIds() {}

    /** @throws IllegalArgumentException saying what is wrong with the id */
    public static String requireValid(String identityId) {
        if (identityId == null || identityId.isBlank()) {
            throw new IllegalArgumentException("identity id is required");
        }
        if (identityId.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("identity id is longer than " + MAX_LENGTH + " characters");
        }
        if (identityId.chars().anyMatch(c -> Character.isISOControl(c) || c == '/')) {
            throw new IllegalArgumentException("identity id must not contain control characters or '/'");
        }
        return identityId;
    }
}
