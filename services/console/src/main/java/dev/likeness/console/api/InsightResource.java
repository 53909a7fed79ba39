package dev.likeness.console.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import com.google.protobuf.ByteString;
import dev.likeness.console.ConsoleConfig;
import dev.likeness.console.out.RequestPublisher;
import dev.likeness.console.view.Insights;
import dev.likeness.console.view.LiveView;
import dev.likeness.console.view.Pictures;
import dev.likeness.console.view.ViewEvents;
import dev.likeness.events.v1.AtlasIndexed;
import dev.likeness.events.v1.AtlasJob;
import dev.likeness.events.v1.ExplainJob;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.events.v1.MapsJob;

/**
 * The page "What the networks learn" (docs/insight.md): the atlases of the index topic and their files, activation
 * maps of an upload and the saliency of a verification, asked for as insight requests like any producer's and
 * answered from the results topic. Files are served only from under the configured results folders.
 */
@jakarta.ws.rs.Path("/api/insight")
@Produces(MediaType.APPLICATION_JSON)
public class InsightResource {

    public record Atlas(String name, String network, List<String> layers, int photos, int longSide, String corpus) {

        static Atlas of(AtlasIndexed indexed) {
            return new Atlas(
                    indexed.getName(),
                    indexed.getNetwork(),
                    indexed.getLayersList(),
                    indexed.getPhotos(),
                    indexed.getLongSide(),
                    indexed.getCorpus());
        }
    }

    @Inject
    Insights insights;

    @Inject
    LiveView view;

    @Inject
    RequestPublisher publisher;

    @Inject
    ConsoleConfig config;

    @GET
    @jakarta.ws.rs.Path("/atlases")
    public List<Atlas> atlases() {
        return insights.atlases().stream().map(Atlas::of).toList();
    }

    /** {@code index.json} or a layer's grid, {@code <layer>.png}. */
    @GET
    @jakarta.ws.rs.Path("/atlases/{name}/{file}")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    public Response atlasFile(@PathParam("name") String name, @PathParam("file") String file) {
        AtlasIndexed atlas = insights.atlas(name).orElseThrow(() -> new NotFoundException("no atlas " + name));
        boolean grid = file.endsWith(".png")
                && atlas.getLayersList().contains(file.substring(0, file.length() - ".png".length()));
        if (!grid && !file.equals("index.json")) {
            throw new NotFoundException("atlas " + name + " has no file " + file);
        }
        return file(atlas.getFolder(), file);
    }

    /**
     * Asks for an atlas of a network over a corpus folder of the service that serves it ({@code corpus}):
     * {@code network} resnet50 (the default; stylising) or a face network (embedding); {@code layers}
     * comma-separated, {@code longSide} in pixels (ResNet-50 only), both optional. The atlas is listed once its index
     * record arrives.
     */
    @POST
    @jakarta.ws.rs.Path("/atlases")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response atlas(
            @RestForm("name") String name,
            @RestForm("corpus") String corpus,
            @RestForm("network") String network,
            @RestForm("layers") String layers,
            @RestForm("longSide") String longSide) {
        AtlasJob.Builder atlas = AtlasJob.newBuilder()
                .setName(UploadsResource.required(name, "name"))
                .setCorpus(UploadsResource.required(corpus, "corpus"))
                .setNetwork(network == null ? "" : network.strip())
                .addAllLayers(list(layers));
        Integer side = UploadsResource.integer(longSide, "longSide");
        if (side != null) {
            atlas.setLongSide(side);
        }
        return submit(InsightRequested.newBuilder().setAtlas(atlas));
    }

    /** Activation maps of an uploaded photo; {@code layers}: comma-separated ResNet-50 layers, empty for the default. */
    @POST
    @jakarta.ws.rs.Path("/maps")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response maps(@RestForm("image") FileUpload image, @RestForm("layers") String layers) {
        MapsJob.Builder maps = MapsJob.newBuilder()
                .setImage(UploadsResource.image(image, "image"))
                .addAllLayers(list(layers));
        return submit(InsightRequested.newBuilder().setMaps(maps));
    }

    /** Why the two photos of a recent verification match or not: the saliency of their distance. */
    @POST
    @jakarta.ws.rs.Path("/explain/{verification}")
    public Response explain(@PathParam("verification") String verification) {
        return submit(InsightRequested.newBuilder()
                .setExplain(ExplainJob.newBuilder()
                        .setA(picture(verification, ViewEvents.IMAGE))
                        .setB(picture(verification, ViewEvents.SECOND_IMAGE)))
                .putAttributes("verification", verification));
    }

    /** 404 until the result is on the results topic; then its files (and for explain, d). */
    @GET
    @jakarta.ws.rs.Path("/results/{requestId}")
    public Map<String, Object> result(@PathParam("requestId") String requestId) {
        InsightResult result = insights.result(requestId)
                .orElseThrow(() -> new NotFoundException("no result of " + requestId + " yet"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("requestId", requestId);
        json.put("files", result.getFilesList());
        if (!result.getEmbedding().isEmpty()) {
            json.put("embedding", result.getEmbedding());
            json.put("distance", result.getDistance());
        }
        return json;
    }

    @GET
    @jakarta.ws.rs.Path("/results/{requestId}/{file}")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    public Response resultFile(@PathParam("requestId") String requestId, @PathParam("file") String file) {
        InsightResult result = insights.result(requestId)
                .orElseThrow(() -> new NotFoundException("no result of " + requestId + " yet"));
        if (!result.getFilesList().contains(file)) {
            throw new NotFoundException("the result of " + requestId + " has no file " + file);
        }
        return file(result.getFolder(), file);
    }

    private static List<String> list(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(","))
                .map(String::strip)
                .filter(layer -> !layer.isEmpty())
                .toList();
    }

    private Response submit(InsightRequested.Builder request) {
        String requestId = UploadsResource.newRequestId();
        publisher.submit(request.setRequestId(requestId).build());
        return UploadsResource.accepted(requestId);
    }

    private ImageSource picture(String requestId, String which) {
        Pictures.Picture picture = view.pictures()
                .get(ViewEvents.pictureKey(requestId, which))
                .orElseThrow(() -> new NotFoundException("no recent picture " + which + " of request " + requestId));
        return ImageSource.newBuilder()
                .setInline(ByteString.copyFrom(picture.bytes()))
                .setContentType(picture.contentType() == null ? "" : picture.contentType())
                .build();
    }

    /** A file of a result folder, if that folder is under one of the results folders the console may read. */
    private Response file(String folder, String name) {
        Path directory = Path.of(folder).toAbsolutePath().normalize();
        boolean allowed = config.insightResultsDirs().stream()
                .anyMatch(root -> directory.startsWith(root.toAbsolutePath().normalize()));
        if (!allowed) {
            throw new ForbiddenException(folder + " is not under likeness.console.insight-results-dirs");
        }
        Path file = directory.resolve(name).normalize();
        if (!file.getParent().equals(directory) || !Files.isRegularFile(file)) {
            throw new NotFoundException("no file " + name + " in " + folder);
        }
        String type = name.endsWith(".png") ? "image/png" : MediaType.APPLICATION_JSON;
        return ServedBytes.served(file.toFile(), type);
    }
}
