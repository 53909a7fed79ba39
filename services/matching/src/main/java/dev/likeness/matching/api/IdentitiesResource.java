package dev.likeness.matching.api;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.likeness.core.events.Requests;
import dev.likeness.events.v1.FaceChoice;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.matching.GalleryService;
import dev.likeness.matching.gallery.DisplayNames;
import dev.likeness.matching.gallery.IdentityIds;
import dev.likeness.matching.recognition.RequestRefusedException;
import dev.likeness.servicekit.api.ApiCaller;
import dev.likeness.servicekit.api.ApiScope;

/**
 * The caller's tenant's gallery: enrol (by image through the mesh, or by embedding), list, get, rename, delete. No
 * request reaches another tenant's identities: the tenant is the caller's ({@link ApiCaller}), never a parameter.
 */
@Path("/api/v1/identities")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Gallery")
public class IdentitiesResource {

    private static final int MAX_PAGE = 1000;

    @Inject
    GalleryService gallery;

    @Inject
    MeshClient mesh;

    @Inject
    ApiCaller caller;

    @GET
    @ApiScope(ApiScope.Scope.RECOGNISE)
    @Operation(summary = "List identities in id order")
    public Json.IdentityPage list(
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("100") int limit) {
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("offset must be >= 0 and limit in 1.." + MAX_PAGE);
        }
        gallery.awaitCaughtUp();
        return new Json.IdentityPage(
                gallery.list(caller.tenant(), offset, limit).stream()
                        .map(Json.IdentityResult::of)
                        .toList(),
                offset,
                limit,
                gallery.gallery(caller.tenant()).size());
    }

    @GET
    @Path("/{identityId}")
    @ApiScope(ApiScope.Scope.RECOGNISE)
    @Operation(summary = "One identity, without its vectors")
    public Json.IdentityResult get(@PathParam("identityId") String identityId) {
        gallery.awaitCaughtUp();
        return gallery.get(caller.tenant(), identityId)
                .map(Json.IdentityResult::of)
                .orElseThrow(() -> new RequestRefusedException(
                        RequestRefusedException.UNKNOWN_IDENTITY, "no identity " + identityId + " in the gallery"));
    }

    @PATCH
    @Path("/{identityId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @ApiScope(ApiScope.Scope.ENROL)
    @Operation(summary = "Rename an identity")
    public Json.IdentityResult rename(@PathParam("identityId") String identityId, Json.Rename rename) {
        if (rename == null || rename.displayName() == null) {
            throw new IllegalArgumentException("displayName is required");
        }
        return Json.IdentityResult.of(gallery.rename(caller.tenant(), identityId, rename.displayName()));
    }

    @DELETE
    @Path("/{identityId}")
    @ApiScope(ApiScope.Scope.ENROL)
    @Operation(summary = "Delete an identity from every replica (a tombstone on the gallery topic)")
    public Response delete(@PathParam("identityId") String identityId) {
        gallery.delete(caller.tenant(), identityId);
        return Response.noContent().build();
    }

    @POST
    @Path("/{identityId}/embeddings")
    @Consumes(MediaType.APPLICATION_JSON)
    @ApiScope(ApiScope.Scope.ENROL)
    @Operation(summary = "Enrol a face by its embedding: creates the identity or adds a reference embedding")
    public Response enrolEmbedding(@PathParam("identityId") String identityId, Json.EmbeddingEnrolment enrolment) {
        if (enrolment == null || enrolment.model() == null || enrolment.embedding() == null) {
            throw new IllegalArgumentException("model and embedding are required");
        }
        String displayName = enrolment.displayName() == null ? "" : enrolment.displayName();
        return created(Json.EnrolmentResult.of(gallery.enrol(
                caller.tenant(),
                identityId,
                displayName,
                enrolment.model().key(),
                enrolment.embedding(),
                "api-" + UUID.randomUUID())));
    }

    @POST
    @Path("/{identityId}/images")
    @Consumes({"image/jpeg", "image/png", "image/webp", MediaType.APPLICATION_OCTET_STREAM})
    @ApiScope(ApiScope.Scope.ENROL)
    @Operation(
            summary = "Enrol the subject of an image (or the face named by face / faceAt), embedded by the mesh"
                    + " (request-reply over Kafka)")
    public Response enrolImage(
            @PathParam("identityId") String identityId,
            @QueryParam("displayName") @DefaultValue("") String displayName,
            @QueryParam("face") @Parameter(description = "index of the face meant (default: the subject)") Integer face,
            @QueryParam("faceAt") @Parameter(description = "X,Y: a point inside the box of the face meant")
                    String faceAt,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            byte[] image) {
        IdentityIds.requireValid(identityId);
        DisplayNames.requireValid(displayName);
        Purpose.Enrol.Builder enrol =
                Purpose.Enrol.newBuilder().setIdentityId(identityId).setDisplayName(displayName);
        FaceChoice named = Requests.faceChoice(face, faceAt);
        if (named != null) {
            enrol.setFace(named);
        }
        MatchResult result = mesh.submit(
                caller.tenant(),
                image,
                contentType,
                Purpose.newBuilder().setEnrol(enrol).build());
        Results.throwIfError(result);
        return created(Json.EnrolmentResult.of(result.getEnrolment()));
    }

    private static Response created(Json.EnrolmentResult enrolment) {
        return Response.status(enrolment.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(enrolment)
                .build();
    }
}
