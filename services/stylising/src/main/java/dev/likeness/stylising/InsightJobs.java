package dev.likeness.stylising;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.likeness.core.events.RequestAttributes;
import dev.likeness.core.image.DecodeOptions;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.image.ImageLimits;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.io.ImageSourceReader;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.InsightProgress;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.MapsJob;
import dev.likeness.insight.ActivationMaps;
import dev.likeness.insight.Atlases;
import dev.likeness.insight.InsightImage;
import dev.likeness.insight.LayerExtractor;
import dev.likeness.insight.ResultFolders;

/**
 * The stylising service's share of insight requests (docs/insight.md, "The mesh"): unit atlases of ResNet-50 over a
 * corpus folder ({@link Atlases}, the job embedding runs for the face networks too), activation maps of one photo, and
 * deleting ResNet-50's atlases. Each request is checked before any network is built; what can never be served throws
 * {@link RejectedInputException} with the reason code the dead letter carries.
 */
@ApplicationScoped
public class InsightJobs {

    static final int DEFAULT_CHANNELS = 6;

    @Inject
    StylisingConfig config;

    private ImageDecoder decoder;
    private ImageSourceReader reader;

    private synchronized void init() {
        if (decoder == null) {
            StylisingConfig.Limits limits = config.limits();
            decoder = new ImageDecoder(
                    new ImageLimits(limits.maxInputBytes(), limits.maxInputPixels(), limits.maxInputSide()));
            reader = new ImageSourceReader(config.allowedImageRoots().orElse(List.of()), limits.maxInputBytes());
        }
    }

    /**
     * Whether this service serves the request: ResNet-50's atlases and their deletes (the embedding service owns every
     * other network's) and activation maps; explain requests are the embedding service's.
     */
    public static boolean serves(InsightRequested request) {
        return switch (request.getJobCase()) {
            case ATLAS, DELETE_ATLAS -> Atlases.network(request).equals(Atlases.RESNET50);
            case MAPS -> true;
            case EXPLAIN -> false;
            case JOB_NOT_SET ->
                throw new RejectedInputException(
                        "MALFORMED_EVENT", "the request names no job (atlas, maps, explain or delete_atlas)");
        };
    }

    /** Runs an atlas, maps or delete request; an atlas job reports its progress to {@code progress}. */
    public Atlases.Outcome run(InsightRequested request, Consumer<InsightProgress> progress) throws IOException {
        init();
        ResultFolders.name(request.getRequestId(), "request_id");
        RequestAttributes.requireWithinLimit(request.getAttributesMap());
        return switch (request.getJobCase()) {
            case ATLAS -> atlas(request, progress);
            case MAPS -> maps(request);
            case DELETE_ATLAS -> Atlases.delete(request, config.insight().resultsDir());
            default -> throw new IllegalArgumentException("not a stylising job: " + request.getJobCase());
        };
    }

    private Atlases.Outcome atlas(InsightRequested request, Consumer<InsightProgress> progress) throws IOException {
        int longSide =
                longSide(request.getAtlas().getLongSide(), config.insight().atlasLongSide());
        return Atlases.run(request, config.insight(), Atlases.photos(config.modelsDir(), decoder, longSide), progress);
    }

    private Atlases.Outcome maps(InsightRequested request) throws IOException {
        MapsJob job = request.getMaps();
        int longSide = longSide(job.getLongSide(), config.insight().mapsLongSide());
        int channels = job.getChannels() == 0 ? DEFAULT_CHANNELS : job.getChannels();
        if (channels < 1 || channels > config.insight().maxChannels()) {
            throw new RejectedInputException(
                    "INVALID_FIELD",
                    "channels " + channels + " is not in 1.." + config.insight().maxChannels());
        }
        BufferedImage image;
        try {
            image = decoder.decode(reader.read(job.getImage()), DecodeOptions.reducedTo(longSide))
                    .image();
        } catch (ImageRejectedException e) {
            throw RejectedInputException.of(e);
        }
        Path folder = resultsDir().resolve("maps").resolve(request.getRequestId());
        Path work = Files.createTempDirectory("likeness-insight");
        try (LayerExtractor extractor =
                Atlases.extractor(Atlases.photos(config.modelsDir(), decoder, longSide), job.getLayersList(), work)) {
            ActivationMaps.write(extractor, InsightImage.scaled("photo", image, longSide), channels, folder);
            return Atlases.Outcome.of(Atlases.result(request, folder));
        } finally {
            ResultFolders.delete(work);
        }
    }

    private int longSide(int requested, int fallback) {
        int side = requested == 0 ? fallback : requested;
        if (side < 32 || side > config.insight().maxLongSide()) {
            throw new RejectedInputException(
                    "INVALID_FIELD",
                    "long_side " + side + " is not in 32.." + config.insight().maxLongSide());
        }
        return side;
    }

    private Path resultsDir() {
        return config.insight().resultsDir().toAbsolutePath().normalize();
    }
}
