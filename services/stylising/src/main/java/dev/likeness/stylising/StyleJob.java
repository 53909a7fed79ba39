package dev.likeness.stylising;

import java.util.List;

import dev.likeness.events.v1.StyleRequested;
import dev.likeness.stylising.engine.Gatys;
import dev.likeness.stylising.engine.Raster;

/**
 * A validated request, images decoded and resized: content at the output size, styles at the same scale
 * (longest side = the output's). {@code settings} is null for the fast engine.
 */
public record StyleJob(
        StyleRequested request,
        Raster content,
        List<Raster> styles,
        float[] styleWeights,
        Gatys.Settings settings,
        String fastStyle,
        boolean jpeg) {

    public String requestId() {
        return request.getRequestId();
    }

    public boolean fast() {
        return fastStyle != null;
    }
}
