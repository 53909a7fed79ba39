package dev.likeness.console.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import dev.likeness.console.ConsoleConfig;
import dev.likeness.console.out.RequestPublisher;
import dev.likeness.core.events.Requests;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;

/**
 * The page's uploads, published as requests like any producer's: 202 with the request id, whose results the
 * page then sees arrive on the topics. Only empty or missing fields are refused here; everything else the
 * services judge (a file that is no image comes back as a dead letter with its reason).
 */
@Path("/api")
@Consumes(MediaType.MULTIPART_FORM_DATA)
@Produces(MediaType.APPLICATION_JSON)
public class UploadsResource {

    /** Inline images, like the topics' limit. */
    private static final long MAX_IMAGE_BYTES = 16 * 1024 * 1024;

    @Inject
    RequestPublisher publisher;

    @Inject
    ConsoleConfig config;

    @POST
    @Path("/identify")
    /** @param describe "on" (the page's checkbox) or "true": also ask for the configured face analyses */
    public Response identify(@RestForm("image") FileUpload image, @RestForm("describe") String describe) {
        Purpose purpose = Purpose.newBuilder()
                .setIdentify(Purpose.Identify.getDefaultInstance())
                .build();
        ImageSubmitted request = Requests.imageSubmitted(newRequestId(), image(image, "image"), purpose);
        if ("on".equals(describe) || "true".equals(describe)) {
            request = request.toBuilder()
                    .setOptions(ImageSubmitted.Options.newBuilder().addAllAnalyses(config.analyses()))
                    .build();
        }
        publisher.submit(request);
        return accepted(request.getRequestId());
    }

    @POST
    @Path("/enrol")
    public Response enrol(
            @RestForm("image") FileUpload image,
            @RestForm("identityId") String identityId,
            @RestForm("displayName") String displayName) {
        Purpose purpose = Purpose.newBuilder()
                .setEnrol(Purpose.Enrol.newBuilder()
                        .setIdentityId(required(identityId, "identityId"))
                        .setDisplayName(displayName == null ? "" : displayName.strip()))
                .build();
        return submitImage(image(image, "image"), purpose);
    }

    @POST
    @Path("/verify")
    /**
     * @param face       the face meant in the first photo when not its subject: its number as the page labels faces
     *                   (1 = the highest detector score); optional
     * @param secondFace the same for the second photo
     */
    public Response verify(
            @RestForm("image") FileUpload image,
            @RestForm("second") FileUpload second,
            @RestForm("face") String face,
            @RestForm("secondFace") String secondFace) {
        Purpose.Verify.Builder verify = Purpose.Verify.newBuilder().setSecondImage(image(second, "second"));
        Integer first = faceNumber(face, "face");
        if (first != null) {
            verify.setFace(Requests.faceChoice(first - 1, null));
        }
        Integer other = faceNumber(secondFace, "secondFace");
        if (other != null) {
            verify.setSecondImageFace(Requests.faceChoice(other - 1, null));
        }
        return submitImage(
                image(image, "image"), Purpose.newBuilder().setVerify(verify).build());
    }

    @POST
    @Path("/style")
    public Response style(
            @RestForm("content") FileUpload content,
            @RestForm("style") FileUpload style,
            @RestForm("size") String size,
            @RestForm("iterations") String iterations,
            @RestForm("styleWeight") String styleWeight,
            @RestForm("contentWeight") String contentWeight) {
        String requestId = newRequestId();
        Requests.StyleOptions options = new Requests.StyleOptions(
                integer(size, "size"),
                integer(iterations, "iterations"),
                decimal(contentWeight, "contentWeight"),
                decimal(styleWeight, "styleWeight"),
                null,
                null,
                false,
                null);
        publisher.submit(
                Requests.styleRequested(requestId, image(content, "content"), List.of(image(style, "style")), options));
        return accepted(requestId);
    }

    private Response submitImage(ImageSource image, Purpose purpose) {
        String requestId = newRequestId();
        publisher.submit(Requests.imageSubmitted(requestId, image, purpose));
        return accepted(requestId);
    }

    static Response accepted(String requestId) {
        return Response.accepted(Map.of("requestId", requestId)).build();
    }

    static String newRequestId() {
        return "console-" + UUID.randomUUID();
    }

    static ImageSource image(FileUpload upload, String field) {
        if (upload == null || upload.size() == 0) {
            throw new IllegalArgumentException(field + ": choose a picture (JPEG, PNG or WebP)");
        }
        if (upload.size() > MAX_IMAGE_BYTES) {
            throw new IllegalArgumentException(field + ": " + upload.fileName() + " is larger than 16 MiB");
        }
        try {
            return Requests.inlineImage(Files.readAllBytes(upload.uploadedFile()), upload.contentType());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upload " + upload.fileName(), e);
        }
    }

    static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value.strip();
    }

    private static Integer faceNumber(String value, String field) {
        Integer number = integer(value, field);
        if (number != null && number < 1) {
            throw new IllegalArgumentException(field + " is a face's number on the page, from 1, not " + number);
        }
        return number;
    }

    static Integer integer(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be a whole number, not '" + value + "'");
        }
    }

    private static Float decimal(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Float.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be a number, not '" + value + "'");
        }
    }
}
