package dev.likeness.matching.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.likeness.core.events.Tenants;
import dev.likeness.matching.GalleryService;
import dev.likeness.servicekit.api.ApiScope;

/** The operator's view of the tenants: their gallery sizes, and deleting a tenant's whole gallery. */
@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tenants")
public class TenantsResource {

    @Inject
    GalleryService gallery;

    @GET
    @ApiScope(ApiScope.Scope.ADMIN)
    @Operation(summary = "Tenants with at least one identity, in tenant order")
    public List<Json.TenantSummary> list() {
        gallery.awaitCaughtUp();
        return gallery.galleries().tenants().entrySet().stream()
                .map(tenant -> new Json.TenantSummary(tenant.getKey(), tenant.getValue()))
                .toList();
    }

    @DELETE
    @Path("/{tenant}")
    @ApiScope(ApiScope.Scope.ADMIN)
    @Operation(
            summary = "Delete a tenant's whole gallery: a tombstone per identity, answered once this replica has"
                    + " applied them all")
    public Json.TenantDeletion delete(@PathParam("tenant") String tenant) {
        Tenants.requireValid(tenant);
        return new Json.TenantDeletion(tenant, gallery.deleteTenant(tenant));
    }
}
