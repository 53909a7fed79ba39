package dev.likeness.servicekit.api;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Guards every REST resource of the service (health, metrics and OpenAPI under {@code /q} are no REST
 * resources, so probes and scrapers stay open).
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class ApiAuthFilter implements ContainerRequestFilter {

    @Inject
    ApiAuthenticator authenticator;

    @Override
    public void filter(ContainerRequestContext request) {
        authenticator.refusal(request::getHeaderString).ifPresent(request::abortWith);
    }
}
