package dev.likeness.console.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.likeness.console.ConsoleConfig;
import dev.likeness.console.view.GalleryTenants;

/**
 * The admin view: the tenants with their gallery sizes, as the gallery topic holds them. A console that works
 * within one tenant lists that tenant only.
 */
@Path("/api/tenants")
@Produces(MediaType.APPLICATION_JSON)
public class TenantsResource {

    @Inject
    GalleryTenants tenants;

    @Inject
    ConsoleConfig config;

    @GET
    public List<GalleryTenants.Size> list() {
        return tenants.sizes().stream()
                .filter(size -> config.tenant().map(size.tenant()::equals).orElse(true))
                .toList();
    }
}
