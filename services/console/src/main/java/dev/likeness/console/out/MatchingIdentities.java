package dev.likeness.console.out;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The matching service's identities API (`/api/v1/identities`), as far as the console calls it. */
@Path("/api/v1/identities/{identityId}")
public interface MatchingIdentities {

    record Rename(String displayName) {}

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    Response rename(@PathParam("identityId") String identityId, Rename rename);

    @DELETE
    Response delete(@PathParam("identityId") String identityId);
}
