package dev.likeness.core.events;

import java.util.regex.Pattern;

/**
 * Tenant ids and the tenant-scoped keys of the gallery topic. A tenant id is also part of Kafka user names,
 * topic prefixes and manifest names, hence lowercase letters, digits and '-'. The tenant {@value #DEFAULT} is
 * what every request without a tenant belongs to, and its gallery keys are the bare identity ids, so that a
 * gallery written before tenants existed stays valid.
 */
public final class Tenants {

    public static final String DEFAULT = "default";
    /** Between a tenant and an identity id in a gallery key; identity ids never hold it. */
    public static final char KEY_SEPARATOR = '/';

    private static final Pattern VALID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private Tenants() {}

    /** The tenant an event's field names: empty means {@value #DEFAULT}. */
    public static String of(String field) {
        return field == null || field.isEmpty() ? DEFAULT : field;
    }

    public static boolean valid(String tenant) {
        return tenant != null && VALID.matcher(tenant).matches();
    }

    /** @throws IllegalArgumentException saying what a tenant id must be */
    public static String requireValid(String tenant) {
        if (!valid(tenant)) {
            throw new IllegalArgumentException("tenant " + (tenant == null ? "(none)" : "'" + tenant + "'")
                    + " is not a tenant id: lowercase letters, digits and '-', at most 63 characters");
        }
        return tenant;
    }

    /** The gallery topic's key of one identity of one tenant. */
    public static String galleryKey(String tenant, String identityId) {
        return DEFAULT.equals(tenant) ? identityId : tenant + KEY_SEPARATOR + identityId;
    }

    /** A gallery key split into its tenant and identity id. */
    public static Scoped fromGalleryKey(String key) {
        int separator = key.indexOf(KEY_SEPARATOR);
        return separator < 0
                ? new Scoped(DEFAULT, key)
                : new Scoped(key.substring(0, separator), key.substring(separator + 1));
    }

    /** An identity id within its tenant. */
    public record Scoped(String tenant, String identityId) {}
}
