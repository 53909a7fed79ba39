package dev.likeness.console.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.likeness.console.out.MatchingGallery;

/** Rename and delete, passed to the matching service (the gallery's writer) and answered as it answers. */
@Path("/api/gallery/{identityId}")
@Produces(MediaType.APPLICATION_JSON)
public class GalleryResource {

    public record Rename(String displayName) {}

    @Inject
    MatchingGallery matching;

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    public Response rename(@PathParam("identityId") String identityId, Rename rename) {
        if (rename == null
                || rename.displayName() == null
                || rename.displayName().isBlank()) {
            throw new IllegalArgumentException("displayName is required");
        }
        return relay(matching.rename(identityId, rename.displayName().strip()));
    }

    @DELETE
    public Response delete(@PathParam("identityId") String identityId) {
        return relay(matching.delete(identityId));
    }

    private static Response relay(MatchingGallery.Answer answer) {
        Response.ResponseBuilder response = Response.status(answer.status());
        if (answer.body() != null && !answer.body().isEmpty()) {
            response.entity(answer.body()).type(answer.contentType());
        }
        return response.build();
    }
}
