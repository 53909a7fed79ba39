package dev.likeness.servicekit.api;

import java.util.Locale;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import dev.likeness.core.events.Tenants;

/**
 * Guards every REST resource of the service (health, metrics and OpenAPI under {@code /q} are no REST
 * resources, so probes and scrapers stay open): authenticates the caller, refuses a request that names another
 * tenant than the caller's or needs a scope ({@link ApiScope}) the caller lacks, holds each tenant to its request
 * rate ({@link TenantRateLimiter}), and hands the caller to the resource ({@link ApiCaller}).
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class ApiAuthFilter implements ContainerRequestFilter {

    @Inject
    ApiAuthenticator authenticator;

    @Inject
    ApiCaller caller;

    @Inject
    TenantRateLimiter rateLimiter;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        ApiAuthenticator.Outcome outcome = authenticator.authenticate(request::getHeaderString);
        if (outcome.refusal() != null) {
            request.abortWith(outcome.refusal());
            return;
        }
        ApiCaller.Identity identity = outcome.caller();
        if (!Tenants.valid(identity.tenant())) {
            request.abortWith(ApiAuthenticator.problem(
                    Response.Status.BAD_REQUEST,
                    "INVALID_TENANT",
                    "tenant '" + identity.tenant() + "' is not a tenant id: lowercase letters, digits and '-'"));
            return;
        }
        String named = request.getHeaderString(authenticator.tenantHeader());
        if (named != null && !named.equals(identity.tenant())) {
            request.abortWith(ApiAuthenticator.problem(
                    Response.Status.FORBIDDEN,
                    "TENANT_MISMATCH",
                    "the request names tenant '" + named + "' but its credentials are of tenant '" + identity.tenant()
                            + "'"));
            return;
        }
        ApiScope needed = resource.getResourceMethod() == null
                ? null
                : resource.getResourceMethod().getAnnotation(ApiScope.class);
        if (needed != null && !identity.scopes().contains(needed.value())) {
            request.abortWith(ApiAuthenticator.problem(
                    Response.Status.FORBIDDEN,
                    "MISSING_SCOPE",
                    "this key may " + identity.scopes() + " only; the request needs the scope "
                            + needed.value().name().toLowerCase(Locale.ROOT)));
            return;
        }
        Optional<Long> retryAfter = rateLimiter.retryAfterSeconds(identity.tenant());
        if (retryAfter.isPresent()) {
            request.abortWith(Response.fromResponse(ApiAuthenticator.problem(
                            Response.Status.TOO_MANY_REQUESTS,
                            "RATE_LIMITED",
                            "tenant '" + identity.tenant() + "' is over its request rate"))
                    .header(HttpHeaders.RETRY_AFTER, retryAfter.get())
                    .build());
            return;
        }
        caller.set(identity);
    }
}
