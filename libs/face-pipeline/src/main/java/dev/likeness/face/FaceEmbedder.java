package dev.likeness.face;

import java.util.ArrayList;
import java.util.List;

/**
 * The embedding events carry ({@link EmbeddingSpec}): each network embeds every face of the batch, then each face's
 * vector is the concatenation of the networks' embeddings scaled by sqrt(weight) (one network: its embedding).
 */
final class FaceEmbedder implements AutoCloseable {

    private final List<FaceRecogniser> recognisers = new ArrayList<>();
    private final float[] scales;
    private final int dimension;

    FaceEmbedder(EmbeddingSpec spec, FacePipelineConfig config, PipelineStage.Listener listener) {
        scales = new float[spec.networks().size()];
        int total = 0;
        try {
            for (EmbeddingSpec.Network network : spec.networks()) {
                FaceRecogniser recogniser = new FaceRecogniser(network, config, listener);
                scales[recognisers.size()] = (float) Math.sqrt(network.weight());
                recognisers.add(recogniser);
                total += recogniser.dimension();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        dimension = total;
    }

    /** Sets every job's embedding, and its sharpness from the first network's aligned input. */
    void embed(List<FaceJob> jobs, boolean inParallel) {
        List<float[][]> perNetwork = new ArrayList<>();
        for (int m = 0; m < recognisers.size(); m++) {
            perNetwork.add(recognisers.get(m).embed(jobs, m == 0, inParallel));
        }
        for (int j = 0; j < jobs.size(); j++) {
            float[] fused = new float[dimension];
            int offset = 0;
            for (int m = 0; m < recognisers.size(); m++) {
                float[] part = perNetwork.get(m)[j];
                for (int i = 0; i < part.length; i++) {
                    fused[offset + i] = part[i] * scales[m];
                }
                offset += part.length;
            }
            jobs.get(j).embedding = fused;
        }
    }

    int dimension() {
        return dimension;
    }

    List<FaceRecogniser> recognisers() {
        return recognisers;
    }

    @Override
    public void close() {
        recognisers.forEach(FaceRecogniser::close);
    }
}
