package dev.likeness.console.view;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.likeness.core.events.Tenants;

/** Every tenant's gallery size, as the gallery topic's keys say it (the admin view, {@code GET /api/tenants}). */
@ApplicationScoped
public class GalleryTenants {

    /** A tenant and the identities its gallery holds. */
    public record Size(String tenant, int identities) {}

    private final Map<String, Set<String>> identitiesByTenant = new ConcurrentHashMap<>();

    /** Applies one gallery record: {@code deleted} for a tombstone. */
    public void apply(String galleryKey, boolean deleted) {
        Tenants.Scoped scoped = Tenants.fromGalleryKey(galleryKey);
        if (deleted) {
            identitiesByTenant.computeIfPresent(scoped.tenant(), (tenant, ids) -> {
                ids.remove(scoped.identityId());
                return ids.isEmpty() ? null : ids;
            });
        } else {
            identitiesByTenant
                    .computeIfAbsent(scoped.tenant(), tenant -> ConcurrentHashMap.newKeySet())
                    .add(scoped.identityId());
        }
    }

    /** Tenants with at least one identity, by name. */
    public List<Size> sizes() {
        return identitiesByTenant.entrySet().stream()
                .map(entry -> new Size(entry.getKey(), entry.getValue().size()))
                .filter(size -> size.identities() > 0)
                .sorted(Comparator.comparing(Size::tenant))
                .toList();
    }
}
