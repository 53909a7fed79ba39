package dev.likeness.stylising;

import java.util.List;

import dev.likeness.events.v1.StyleRequested;
import dev.likeness.stylising.engine.ClipPainter;
import dev.likeness.stylising.engine.Gatys;
import dev.likeness.stylising.engine.Raster;
import dev.likeness.stylising.engine.Sound;
import dev.likeness.stylising.engine.SoundPainter;

/**
 * A validated request, images decoded and resized: content at the output size (a clip's first frame when
 * {@code clip} is set), styles at the same scale (longest side = the output's). {@code settings} is null for
 * the fast engine; {@code clip} is null for a still picture; {@code sound} is set (and content null) for a
 * sound.
 */
public record StyleJob(
        StyleRequested request,
        Raster content,
        List<Raster> styles,
        float[] styleWeights,
        Gatys.Settings settings,
        String fastStyle,
        boolean jpeg,
        Clip clip,
        SoundJob sound) {

    /** A sound painted in the texture of another (same sample rate), with its settings. */
    public record SoundJob(Sound content, Sound style, SoundPainter.Settings settings) {}

    /** A clip's frames at the output size, its frame time, and how it is painted. */
    public record Clip(List<Raster> frames, int delayMs, double temporalWeight, ClipPainter.Method method) {}

    public String requestId() {
        return request.getRequestId();
    }

    public boolean fast() {
        return fastStyle != null;
    }
}
