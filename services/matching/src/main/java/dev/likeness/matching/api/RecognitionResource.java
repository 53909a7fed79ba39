package dev.likeness.matching.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.events.Requests;
import dev.likeness.events.v1.FaceChoice;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.matching.GalleryService;
import dev.likeness.matching.MatchRequests;
import dev.likeness.matching.recognition.Probe;
import dev.likeness.servicekit.api.ApiCaller;
import dev.likeness.servicekit.api.ApiScope;

/**
 * 1:K recognition and 1:1 verification, by embedding (answered here) or by image (through the mesh), in the
 * caller's tenant's gallery.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Recognition")
public class RecognitionResource {

    @Inject
    GalleryService gallery;

    @Inject
    MatchRequests requests;

    @Inject
    MeshClient mesh;

    @Inject
    ApiCaller caller;

    @POST
    @Path("/identify")
    @Consumes(MediaType.APPLICATION_JSON)
    @ApiScope(ApiScope.Scope.RECOGNISE)
    @Operation(summary = "1:K: the gallery identities closest to one face's embedding")
    public Json.RecognitionResult identify(Json.IdentifyEmbedding request) {
        if (request == null || request.model() == null || request.embedding() == null) {
            throw new IllegalArgumentException("model and embedding are required");
        }
        ModelKey model = request.model().key();
        gallery.awaitCaughtUp();
        return Json.RecognitionResult.of(
                model,
                gallery.matcher(caller.tenant())
                        .identify(
                                model,
                                List.of(new Probe(0, null, request.embedding())),
                                requests.topK(request.topK())));
    }

    @POST
    @Path("/identify/image")
    @Consumes({"image/jpeg", "image/png", "image/webp", MediaType.APPLICATION_OCTET_STREAM})
    @ApiScope(ApiScope.Scope.RECOGNISE)
    @Operation(summary = "1:K for every face of an image, embedded by the mesh (request-reply over Kafka)")
    public Json.RecognitionResult identifyImage(
            @QueryParam("topK") @DefaultValue("0") int topK,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            byte[] image) {
        MatchResult result = mesh.submit(
                caller.tenant(),
                image,
                contentType,
                Purpose.newBuilder()
                        .setIdentify(Purpose.Identify.newBuilder().setTopK(topK))
                        .build());
        Results.throwIfError(result);
        return Json.RecognitionResult.of(ModelKey.of(result.getModel()), result.getRecognition());
    }

    @POST
    @Path("/verify")
    @Consumes(MediaType.APPLICATION_JSON)
    @ApiScope(ApiScope.Scope.VERIFY)
    @Operation(summary = "1:1: one face's embedding against a claimed identity or another embedding")
    public Json.VerificationOutcome verify(Json.VerifyEmbedding request) {
        if (request == null || request.model() == null || request.embedding() == null) {
            throw new IllegalArgumentException("model and embedding are required");
        }
        boolean claimed = request.claimedIdentityId() != null
                && !request.claimedIdentityId().isBlank();
        if (claimed == (request.otherEmbedding() != null)) {
            throw new IllegalArgumentException("give exactly one of claimedIdentityId and otherEmbedding");
        }
        ModelKey model = request.model().key();
        gallery.awaitCaughtUp();
        return Json.VerificationOutcome.of(
                model,
                claimed
                        ? gallery.matcher(caller.tenant())
                                .verifyIdentity(model, request.embedding(), request.claimedIdentityId())
                        : gallery.matcher(caller.tenant())
                                .verifyPair(model, request.embedding(), request.otherEmbedding()));
    }

    @POST
    @Path("/verify/image")
    @Consumes({"image/jpeg", "image/png", "image/webp", MediaType.APPLICATION_OCTET_STREAM})
    @ApiScope(ApiScope.Scope.VERIFY)
    @Operation(
            summary = "1:1: the subject of an image (or the face named by face / faceAt) against a claimed identity,"
                    + " through the mesh")
    public Json.VerificationOutcome verifyImage(
            @QueryParam("claimedIdentityId") String claimedIdentityId,
            @QueryParam("face") @Parameter(description = "index of the face meant (default: the subject)") Integer face,
            @QueryParam("faceAt") @Parameter(description = "X,Y: a point inside the box of the face meant")
                    String faceAt,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            byte[] image) {
        if (claimedIdentityId == null || claimedIdentityId.isBlank()) {
            throw new IllegalArgumentException("claimedIdentityId is required");
        }
        Purpose.Verify.Builder verify = Purpose.Verify.newBuilder().setClaimedIdentityId(claimedIdentityId);
        FaceChoice named = Requests.faceChoice(face, faceAt);
        if (named != null) {
            verify.setFace(named);
        }
        MatchResult result = mesh.submit(
                caller.tenant(),
                image,
                contentType,
                Purpose.newBuilder().setVerify(verify).build());
        Results.throwIfError(result);
        return Json.VerificationOutcome.of(ModelKey.of(result.getModel()), result.getVerification());
    }

    @POST
    @Path("/verify/images")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @ApiScope(ApiScope.Scope.VERIFY)
    @Operation(
            summary = "1:1: do two images (form fields image and second) show the same person? Their subjects, or the"
                    + " faces named by face / faceAt and secondFace / secondFaceAt, through the mesh")
    public Json.VerificationOutcome verifyImages(
            @RestForm("image") FileUpload image,
            @RestForm("second") FileUpload second,
            @QueryParam("face") @Parameter(description = "index of the face meant in image") Integer face,
            @QueryParam("faceAt") @Parameter(description = "X,Y: a point inside that face's box") String faceAt,
            @QueryParam("secondFace") @Parameter(description = "index of the face meant in second") Integer secondFace,
            @QueryParam("secondFaceAt") @Parameter(description = "X,Y: a point inside that face's box")
                    String secondFaceAt) {
        if (image == null || second == null) {
            throw new IllegalArgumentException("the form needs two files: image and second");
        }
        Purpose.Verify.Builder verify =
                Purpose.Verify.newBuilder().setSecondImage(Requests.inlineImage(bytes(second), second.contentType()));
        FaceChoice named = Requests.faceChoice(face, faceAt);
        if (named != null) {
            verify.setFace(named);
        }
        FaceChoice secondNamed = Requests.faceChoice(secondFace, secondFaceAt);
        if (secondNamed != null) {
            verify.setSecondImageFace(secondNamed);
        }
        MatchResult result = mesh.submit(
                caller.tenant(),
                bytes(image),
                image.contentType(),
                Purpose.newBuilder().setVerify(verify).build());
        Results.throwIfError(result);
        return Json.VerificationOutcome.of(ModelKey.of(result.getModel()), result.getVerification());
    }

    private static byte[] bytes(FileUpload upload) {
        try {
            return Files.readAllBytes(upload.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upload " + upload.name(), e);
        }
    }
}
