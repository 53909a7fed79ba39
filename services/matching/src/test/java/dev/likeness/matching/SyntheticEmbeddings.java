package dev.likeness.matching;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.likeness.matching.search.VectorMath;

/**
 * Random unit embeddings for tests and the benchmark. A "view" of a person is that person's vector plus
 * noise, at a chosen cosine similarity to it.
 *
 * <p>Two kinds of people: isotropic (independent Gaussian directions: any two people are almost exactly
 * orthogonal, the hardest case for a graph index, since nothing is "on the way" to anyone), or face-like,
 * where most of a vector lies in a low-dimensional latent space, so that people resemble each other by
 * degrees (different-person cosines spread like real face embeddings' do, about +-0.15, not +-0.04).
 */
public final class SyntheticEmbeddings {

    /** The fixed sequence {@link #nextSeeded} draws from. */
    private static final AtomicLong SEEDS = new AtomicLong(1_000);

    private final SplittableRandom random;
    private final int dimension;
    private final float[][] latentBasis;
    private final double latentShare;

    /** Isotropic people. */
    public SyntheticEmbeddings(long seed, int dimension) {
        this(seed, dimension, 0, 0);
    }

    /**
     * Isotropic people, seeded from a fixed sequence, for tests that share one gallery: with random seeds a
     * "stranger" fell within tau of one of its synthetic identities in about one run in a hundred; fixed seeds
     * give the same draws every run.
     */
    public static SyntheticEmbeddings nextSeeded(int dimension) {
        return new SyntheticEmbeddings(SEEDS.getAndIncrement(), dimension);
    }

    /**
     * @param latentDimensions dimensions of the space people mostly vary in; 0 for isotropic people
     * @param latentShare      fraction of a person's squared length in that space
     */
    public SyntheticEmbeddings(long seed, int dimension, int latentDimensions, double latentShare) {
        this.random = new SplittableRandom(seed);
        this.dimension = dimension;
        this.latentShare = latentShare;
        this.latentBasis = new float[latentDimensions][];
        for (int i = 0; i < latentDimensions; i++) {
            latentBasis[i] = isotropic();
        }
    }

    /** A new person. */
    public float[] person() {
        if (latentBasis.length == 0) {
            return isotropic();
        }
        float[] latent = new float[dimension];
        for (float[] axis : latentBasis) {
            float weight = (float) gaussian();
            for (int i = 0; i < dimension; i++) {
                latent[i] += weight * axis[i];
            }
        }
        latent = VectorMath.normalised(latent);
        float[] own = isotropic();
        float[] person = new float[dimension];
        double a = Math.sqrt(latentShare);
        double b = Math.sqrt(1 - latentShare);
        for (int i = 0; i < dimension; i++) {
            person[i] = (float) (a * latent[i] + b * own[i]);
        }
        return VectorMath.normalised(person);
    }

    /** Another view of {@code person}: a unit vector with cosine {@code similarity} to it. */
    public float[] view(float[] person, double similarity) {
        float[] noise = isotropic();
        // Remove the noise's component along the person, then mix at the requested angle.
        float along = VectorMath.dot(noise, person);
        float[] orthogonal = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            orthogonal[i] = noise[i] - along * person[i];
        }
        orthogonal = VectorMath.normalised(orthogonal);
        double orthogonalScale = Math.sqrt(1 - similarity * similarity);
        float[] view = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            view[i] = (float) (similarity * person[i] + orthogonalScale * orthogonal[i]);
        }
        return VectorMath.normalised(view);
    }

    private float[] isotropic() {
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            vector[i] = (float) gaussian();
        }
        return VectorMath.normalised(vector);
    }

    private double gaussian() {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
