package dev.likeness.matching.search;

/** The closest row of one owner (identity) to a query. */
public record OwnerHit(int owner, int row, float dot) {

    /** ||q - r||^2 of the unit vectors. */
    public float distance() {
        return VectorMath.squaredDistanceOfUnitVectors(dot);
    }
}
