package dev.likeness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.likeness.core.image.ImageDecoder;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.MapsJob;
import dev.likeness.insight.ActivationMaps;
import dev.likeness.insight.InsightImage;
import dev.likeness.insight.LayerExtractor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "maps",
        description = "Activation maps of one photo: per ResNet-50 layer, the photo and its strongest channels as heat"
                + " maps over it (<layer>.png). Needs no Kafka; --mesh asks the stylising service instead.")
final class MapsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PHOTO", description = "A photo (JPEG, PNG, WebP).")
    Path photo;

    @Option(
            names = "--layers",
            split = ",",
            paramLabel = "LAYER",
            description = "ResNet-50 layers (default: conv1_relu,res2c,res3d,res4f,res5c).")
    List<String> layers = LayerExtractor.RESNET50_DEFAULT_LAYERS;

    @Option(
            names = "--channels",
            paramLabel = "N",
            defaultValue = "6",
            description = "Strongest channels shown per layer (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(
            names = "--long-side",
            paramLabel = "PX",
            defaultValue = "320",
            description = "The photo is scaled so its longer side has this many pixels (default: ${DEFAULT-VALUE}).")
    int longSide;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "likeness-maps",
            description = "Where the PNGs go (default: ${DEFAULT-VALUE}).")
    Path output;

    @Mixin
    InsightOptions insight;

    @Mixin
    InsightMeshOptions mesh;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (mesh.mesh) {
            // Sizes left out are the service's defaults (likeness.stylising.insight.maps-long-side).
            MapsJob.Builder job = MapsJob.newBuilder()
                    .setImage(ImageRequests.image(photo))
                    .addAllLayers(layers)
                    .setChannels(channels);
            if (spec.commandLine().getParseResult().hasMatchedOption("--long-side")) {
                job.setLongSide(longSide);
            }
            return mesh.request(InsightRequested.newBuilder().setMaps(job), spec, "--out", "--models");
        }
        InsightImage image;
        try {
            image = InsightImage.load(photo, new ImageDecoder(), longSide);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        Path work = InsightOptions.workFolder();
        try (LayerExtractor extractor =
                LayerExtractor.resNet50(insight.models(LayerExtractor.RESNET50), layers, work)) {
            for (ActivationMaps.Channel channel : ActivationMaps.write(extractor, image, channels, output)) {
                out.printf(
                        Locale.ROOT, "%s channel %d: peak %.3f%n", channel.layer(), channel.channel(), channel.peak());
            }
            out.printf("maps: %s%n", output);
            out.flush();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        } finally {
            InsightOptions.delete(work);
        }
        return ExitCodes.OK;
    }
}
