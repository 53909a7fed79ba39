package dev.likeness.face;

import java.util.Comparator;
import java.util.List;

/**
 * The embedding events carry: one network's L2-normalised output, or a fusion of several networks. A fusion's
 * vector is the concatenation of each network's L2-normalised embedding scaled by sqrt(w_m), with the weights
 * summing to 1: it is unit length, and its squared distance is the weighted sum of the networks' squared
 * distances, {@code ||f - g||^2 = sum_m w_m ||f_m - g_m||^2}.
 *
 * @param id       model id written into events (a network's own id when it runs alone)
 * @param version  model version written into events; empty = derived from the files (a network: the first 12 hex
 *                 digits of its file's SHA-256; a fusion: of its networks' ids, versions and weights)
 * @param networks at least one, kept in model id order (so the vector's layout and the derived version do not
 *                 depend on the order a configuration lists them in); the first one's aligned input also gives the
 *                 sharpness hint
 */
public record EmbeddingSpec(String id, String version, List<Network> networks) {

    /**
     * One network of the embedding.
     *
     * @param model     the ONNX file and its input encoding; output [N, D]
     * @param alignment how its input is cut from the image
     * @param weight    its share of the squared distance (1 when alone)
     */
    public record Network(ModelSpec model, Alignment alignment, double weight) {

        public Network {
            if (!(weight > 0) || !Double.isFinite(weight)) {
                throw new IllegalArgumentException("the weight of " + model.id() + " must be positive, was " + weight);
            }
        }
    }

    public EmbeddingSpec {
        networks = networks.stream()
                .sorted(Comparator.comparing(network -> network.model().id()))
                .toList();
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("embedding " + id + " names no network");
        }
        double total = networks.stream().mapToDouble(Network::weight).sum();
        if (Math.abs(total - 1) > 1e-6) {
            throw new IllegalArgumentException(
                    "the weights of embedding " + id + " must sum to 1, they sum to " + total);
        }
    }

    /** One network alone, under its own id and version. */
    public static EmbeddingSpec single(ModelSpec model, Alignment alignment) {
        return new EmbeddingSpec(model.id(), model.version(), List.of(new Network(model, alignment, 1)));
    }

    public boolean fused() {
        return networks.size() > 1;
    }
}
