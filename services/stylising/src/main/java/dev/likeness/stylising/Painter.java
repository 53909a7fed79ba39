package dev.likeness.stylising;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.google.protobuf.ByteString;
import dev.likeness.core.onnx.ModelClosedException;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.ModelRef;
import dev.likeness.events.v1.StyleProgress;
import dev.likeness.stylising.engine.ClipPainter;
import dev.likeness.stylising.engine.Clips;
import dev.likeness.stylising.engine.FastStyles;
import dev.likeness.stylising.engine.Gatys;
import dev.likeness.stylising.engine.Optimiser;
import dev.likeness.stylising.engine.Raster;
import dev.likeness.stylising.engine.SoundPainter;

/**
 * The service's domain: one validated job in, its ImageStylised result out, with a StyleProgress per
 * optimisation step to the given listener. It neither schedules nor publishes.
 */
@ApplicationScoped
public class Painter {

    private static final Logger LOG = Logger.getLogger(Painter.class);

    @Inject
    StylisingConfig config;

    @Inject
    Gatys gatys;

    @Inject
    FastStyles fastStyles;

    @Inject
    SoundPainter soundPainter;

    /**
     * Paints the job, or answers it cancelled when {@code cancelled} says so before or during the painting. A
     * {@link ModelClosedException} (the service is stopping) propagates: no result, so the request is painted
     * again after the restart.
     */
    public ImageStylised paint(StyleJob job, Consumer<StyleProgress> progress, BooleanSupplier cancelled) {
        long start = System.nanoTime();
        ImageStylised.Builder result = StyleEvents.result(job.request());
        try {
            if (cancelled.getAsBoolean()) {
                result.setCancelled(true).setError(StyleEvents.error("CANCELLED", "cancelled before it started"));
            } else if (job.fast()) {
                Raster image = fastStyles.apply(job.fastStyle(), job.content());
                result.setModel(ModelRef.newBuilder().setId("fast:" + job.fastStyle()));
                output(job, image, result);
            } else if (job.sound() != null) {
                paintSound(job, progress, cancelled, result);
            } else if (job.clip() != null) {
                paintClip(job, progress, cancelled, result);
            } else {
                optimise(job, progress, cancelled, result);
            }
        } catch (ModelClosedException stopping) {
            throw stopping;
        } catch (RuntimeException e) {
            LOG.errorf(e, "Style job %s failed", job.requestId());
            result.setError(StyleEvents.error("STYLISATION_FAILED", String.valueOf(e.getMessage())));
        }
        result.setElapsedMs((System.nanoTime() - start) / 1_000_000);
        ImageStylised event = result.build();
        LOG.infof(
                "Style job %s: %s in %d ms%s",
                job.requestId(),
                event.hasError() ? event.getError().getCode() : event.getWidth() + "x" + event.getHeight(),
                event.getElapsedMs(),
                event.getCancelled() ? " (cancelled)" : "");
        return event;
    }

    private void optimise(
            StyleJob job, Consumer<StyleProgress> progress, BooleanSupplier cancelled, ImageStylised.Builder result) {
        result.setModel(ModelRef.newBuilder()
                .setId(config.modelId())
                .setVersion(gatys.gradientModel().path().getFileName().toString()));
        int previewSide = config.defaults().previewMaxSide();
        Gatys.Result painted = gatys.run(
                job.content(),
                job.styles(),
                job.styleWeights(),
                job.settings(),
                (iteration, total, evaluation, current, elapsed) -> {
                    StyleProgress.Builder event = progressEvent(job, iteration, total, evaluation, elapsed);
                    if (previewSide > 0) {
                        event.setPreviewPng(ByteString.copyFrom(current.previewPng(previewSide)));
                    }
                    progress.accept(event.build());
                },
                cancelled);
        result.setIterations(painted.iterations()).setCancelled(painted.cancelled());
        if (painted.last() != null) {
            result.setFinalCost(painted.last().cost());
        }
        output(job, painted.image(), result);
    }

    /** A clip: frame after frame, progress counting iterations over the clip; the result an animated GIF. */
    private void paintClip(
            StyleJob job, Consumer<StyleProgress> progress, BooleanSupplier cancelled, ImageStylised.Builder result) {
        result.setModel(ModelRef.newBuilder()
                .setId(config.modelId())
                .setVersion(gatys.gradientModel().path().getFileName().toString()));
        int previewSide = config.defaults().previewMaxSide();
        StyleJob.Clip clip = job.clip();
        ClipPainter.Result painted = new ClipPainter(gatys)
                .run(
                        clip.frames(),
                        job.styles(),
                        job.styleWeights(),
                        job.settings(),
                        clip.temporalWeight(),
                        clip.method(),
                        (frame, frames, iteration, total, evaluation, current, elapsed) -> {
                            StyleProgress.Builder event = progressEvent(job, iteration, total, evaluation, elapsed)
                                    .setFrame(frame)
                                    .setFrames(frames)
                                    .setTemporalCost(evaluation.temporalCost());
                            if (previewSide > 0) {
                                event.setPreviewPng(ByteString.copyFrom(current.previewPng(previewSide)));
                            }
                            progress.accept(event.build());
                        },
                        cancelled);
        result.setIterations(painted.iterations())
                .setCancelled(painted.cancelled())
                .setFinalCost(painted.finalCost())
                .setFrames(painted.frames().size());
        Raster first = painted.frames().get(0);
        output(
                job,
                Clips.writeGif(painted.frames(), clip.delayMs()),
                "image/gif",
                ".gif",
                first.width(),
                first.height(),
                result);
    }

    /**
     * A sound: its spectrogram optimised, then Griffin-Lim; previews show content | style | current
     * spectrograms, the result is a WAV.
     */
    private void paintSound(
            StyleJob job, Consumer<StyleProgress> progress, BooleanSupplier cancelled, ImageStylised.Builder result) {
        result.setModel(ModelRef.newBuilder()
                .setId("random-filters-" + config.sound().filters() + "x" + SoundPainter.FILTER_WIDTH)
                .setVersion("seed-" + config.sound().filterSeed()));
        int previewSide = config.defaults().previewMaxSide();
        StyleJob.SoundJob sound = job.sound();
        float scale = soundPainter.scaleOf(sound.content());
        SoundPainter.Spectrogram content =
                soundPainter.spectrogram(SoundPainter.atReferenceLevel(sound.content()), scale);
        SoundPainter.Spectrogram style = soundPainter.spectrogram(SoundPainter.atReferenceLevel(sound.style()), scale);
        SoundPainter.Result painted = soundPainter.run(
                sound.content(),
                sound.style(),
                sound.settings(),
                (iteration, total, evaluation, current, elapsed) -> {
                    StyleProgress.Builder event = progressEvent(job, iteration, total, evaluation, elapsed);
                    if (previewSide > 0) {
                        Raster picture = SoundPainter.picture(List.of(content, style, current), content.bins() / 2);
                        event.setPreviewPng(ByteString.copyFrom(picture.previewPng(3 * previewSide)));
                    }
                    progress.accept(event.build());
                },
                cancelled);
        result.setIterations(painted.iterations())
                .setCancelled(painted.cancelled())
                .setDurationMs(Math.round(1000 * painted.sound().seconds()));
        if (painted.last() != null) {
            result.setFinalCost(painted.last().cost());
        }
        SoundPainter.Spectrogram spectrogram = painted.result();
        output(job, painted.sound().wav(), "audio/wav", ".wav", spectrogram.frames(), spectrogram.bins(), result);
    }

    /** What every progress event says, whatever is painted: the iteration, the costs, time spent and to go. */
    private static StyleProgress.Builder progressEvent(
            StyleJob job, int iteration, int total, Optimiser.Evaluation evaluation, long elapsedNanos) {
        long elapsedMs = elapsedNanos / 1_000_000;
        return StyleProgress.newBuilder()
                .setRequestId(job.requestId())
                .setProducedAt(StyleEvents.now())
                .setIteration(iteration)
                .setTotalIterations(total)
                .setCost(evaluation.cost())
                .setContentCost(evaluation.contentCost())
                .setStyleCost(evaluation.styleCost())
                .setTvCost(evaluation.tvCost())
                .setElapsedMs(elapsedMs)
                .setEtaMs(elapsedMs * (total - iteration) / Math.max(1, iteration))
                .putAllAttributes(job.request().getAttributesMap());
    }

    private void output(StyleJob job, Raster image, ImageStylised.Builder result) {
        byte[] bytes = job.jpeg() ? image.jpeg(config.output().jpegQuality()) : image.png();
        String type = job.jpeg() ? "image/jpeg" : "image/png";
        output(job, bytes, type, job.jpeg() ? ".jpg" : ".png", image.width(), image.height(), result);
    }

    private void output(
            StyleJob job,
            byte[] bytes,
            String type,
            String extension,
            int width,
            int height,
            ImageStylised.Builder result) {
        result.setWidth(width).setHeight(height);
        if (bytes.length <= config.output().inlineLimitBytes()) {
            result.setImage(ImageSource.newBuilder()
                    .setInline(ByteString.copyFrom(bytes))
                    .setContentType(type));
            return;
        }
        if (config.output().dir().isEmpty()) {
            result.setError(StyleEvents.error(
                    "OUTPUT_TOO_LARGE",
                    "the picture is " + bytes.length + " bytes, over the inline limit of "
                            + config.output().inlineLimitBytes() + ", and no output folder is configured"));
            return;
        }
        try {
            Path dir = config.output().dir().get();
            Files.createDirectories(dir);
            String safe = job.requestId().replaceAll("[^A-Za-z0-9_.-]", "_");
            // Named after the request alone: a redelivered request rewrites the same file and sends the same URI.
            UUID ofRequest = UUID.nameUUIDFromBytes(job.requestId().getBytes(StandardCharsets.UTF_8));
            Path file = dir.resolve(safe + "-" + ofRequest + extension);
            Files.write(file, bytes);
            result.setImage(ImageSource.newBuilder()
                    .setUri(file.toAbsolutePath().toUri().toString())
                    .setContentType(type));
        } catch (IOException e) {
            result.setError(StyleEvents.error("OUTPUT_FAILED", "cannot write the picture: " + e.getMessage()));
        }
    }
}
