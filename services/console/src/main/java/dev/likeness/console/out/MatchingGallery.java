package dev.likeness.console.out;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import dev.likeness.console.ConsoleConfig;
import dev.likeness.core.api.ApiCredentials;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;

/**
 * Renames and deletes identities through the matching service's REST API: matching is the gallery topic's
 * only writer (it serialises the changes of an identity), so the console asks it rather than writing
 * records itself. The change reaches the page back through the gallery topic.
 */
@ApplicationScoped
public class MatchingGallery {

    /** The matching API's answer: its status and body (a problem document when it refused). */
    public record Answer(int status, String body, String contentType) {}

    /** The header by which matching's API takes the caller's tenant (likeness.api.auth.tenant-header's default). */
    static final String TENANT_HEADER = "X-Likeness-Tenant";

    private final URI matching;
    private final MatchingIdentities identities;

    @Inject
    public MatchingGallery(ConsoleConfig config) {
        this.matching = config.matchingUrl();
        Duration timeout = config.requestTimeout();
        ApiCredentials credentials = new ApiCredentials(config.matchingApiKey(), config.matchingApiToken());
        this.identities = QuarkusRestClientBuilder.newBuilder()
                .baseUri(matching)
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                // Refusals (404, 409, 401) are answers to relay to the page, not exceptions.
                .property("microprofile.rest.client.disable.default.mapper", true)
                .register((jakarta.ws.rs.client.ClientRequestFilter) request -> {
                    credentials
                            .headers()
                            .forEach((name, value) -> request.getHeaders().putSingle(name, value));
                    // Within the console's tenant: matching refuses it (403) where the key is another tenant's.
                    config.tenant().ifPresent(tenant -> request.getHeaders().putSingle(TENANT_HEADER, tenant));
                })
                .build(MatchingIdentities.class);
    }

    public Answer rename(String identityId, String displayName) {
        return call(() -> identities.rename(identityId, new MatchingIdentities.Rename(displayName)));
    }

    public Answer delete(String identityId) {
        return call(() -> identities.delete(identityId));
    }

    private Answer call(Supplier<Response> request) {
        try (Response response = request.get()) {
            String contentType = response.getHeaderString(HttpHeaders.CONTENT_TYPE);
            return new Answer(
                    response.getStatus(),
                    response.hasEntity() ? response.readEntity(String.class) : "",
                    contentType == null ? "application/json" : contentType);
        } catch (ProcessingException e) {
            if (causedBy(e, ConnectException.class)) {
                throw new MatchingUnavailableException(
                        "the matching service at " + matching.resolve("/") + " does not answer (is it running?)");
            }
            throw new MatchingUnavailableException("the matching service failed to answer: " + e.getMessage());
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** The matching API cannot be reached: the page shows the message. */
    public static final class MatchingUnavailableException extends RuntimeException {
        public MatchingUnavailableException(String message) {
            super(message);
        }
    }
}
