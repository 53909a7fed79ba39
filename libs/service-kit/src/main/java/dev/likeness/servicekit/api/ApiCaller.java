package dev.likeness.servicekit.api;

import java.util.EnumSet;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;

import dev.likeness.core.events.Tenants;

/**
 * Who is calling the REST API: the tenant the key (or token) belongs to and what it may do. Set by
 * {@link ApiAuthFilter} for each request; a resource works within {@link #tenant()} only, so a client cannot
 * reach another tenant's gallery by naming it.
 */
@RequestScoped
public class ApiCaller {

    private String tenant = Tenants.DEFAULT;
    private Set<ApiScope.Scope> scopes = EnumSet.allOf(ApiScope.Scope.class);

    public String tenant() {
        return tenant;
    }

    public Set<ApiScope.Scope> scopes() {
        return scopes;
    }

    void set(Identity identity) {
        this.tenant = identity.tenant();
        this.scopes = identity.scopes();
    }

    /** A tenant and its scopes, as a key or a token grants them. */
    public record Identity(String tenant, Set<ApiScope.Scope> scopes) {

        public static Identity operator(String tenant) {
            return new Identity(tenant, EnumSet.allOf(ApiScope.Scope.class));
        }
    }
}
