package dev.likeness.matching.gallery;

/**
 * A gallery identity's closest reference embedding to a probe.
 *
 * @param distance  ||probe - reference||^2 of the unit vectors
 * @param reference that reference embedding (for the learned head)
 */
public record Match(String identityId, String displayName, float distance, float[] reference) {}
