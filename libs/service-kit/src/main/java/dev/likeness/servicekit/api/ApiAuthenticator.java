package dev.likeness.servicekit.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Decides whether a REST request may pass, by {@link ApiAuthConfig#mode()}: an API key or a verified JWT bearer
 * token, or nothing. A refusal is a 401 with a problem document and a WWW-Authenticate challenge.
 */
@ApplicationScoped
public class ApiAuthenticator {

    private static final Logger LOG = Logger.getLogger(ApiAuthenticator.class);
    private static final String BEARER = "Bearer ";

    private final ApiAuthConfig config;
    private final JWTParser jwtParser;
    private final List<byte[]> keys;

    @Inject
    public ApiAuthenticator(ApiAuthConfig config, JWTParser jwtParser) {
        this.config = config;
        this.jwtParser = jwtParser;
        this.keys = config.keys().orElse(List.of()).stream()
                .map(String::strip)
                .filter(k -> !k.isEmpty())
                .map(k -> k.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    /** A mode without what it needs fails the start, not every request. */
    void checkAtStartup(
            @Observes StartupEvent event,
            @ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> publicKey,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> publicKeyLocation) {
        switch (config.mode()) {
            case API_KEY -> {
                if (keys.isEmpty()) {
                    throw new IllegalStateException("likeness.api.auth.mode=api-key needs at least one key in "
                            + "likeness.api.auth.keys (env LIKENESS_API_AUTH_KEYS)");
                }
            }
            case JWT -> {
                if (publicKey.isEmpty() && publicKeyLocation.isEmpty()) {
                    throw new IllegalStateException(
                            "likeness.api.auth.mode=jwt needs the token issuer's public key: "
                                    + "mp.jwt.verify.publickey.location (env MP_JWT_VERIFY_PUBLICKEY_LOCATION) or mp.jwt.verify.publickey");
                }
            }
            case NONE -> LOG.info("REST API without authentication (likeness.api.auth.mode=none)");
        }
    }

    /**
     * Empty when the request may pass; otherwise the 401 to answer.
     *
     * @param header the request's header of that name, or null
     */
    public Optional<Response> refusal(Function<String, String> header) {
        return switch (config.mode()) {
            case NONE -> Optional.empty();
            case API_KEY -> {
                String presented = header.apply(config.header());
                if (presented != null && knownKey(presented.getBytes(StandardCharsets.UTF_8))) {
                    yield Optional.empty();
                }
                yield Optional.of(unauthorized(
                        "ApiKey header=\"" + config.header() + "\"",
                        presented == null
                                ? "the " + config.header() + " header is missing"
                                : "the API key is not valid"));
            }
            case JWT -> {
                String authorization = header.apply(HttpHeaders.AUTHORIZATION);
                if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                    yield Optional.of(unauthorized("Bearer", "a bearer token is required"));
                }
                try {
                    jwtParser.parse(authorization.substring(BEARER.length()).strip());
                    yield Optional.empty();
                } catch (ParseException e) {
                    // The reason (expired, signature, issuer) is for the log, not for the caller.
                    LOG.debugf("Refused a bearer token: %s", e.getMessage());
                    yield Optional.of(unauthorized("Bearer error=\"invalid_token\"", "the bearer token is not valid"));
                }
            }
        };
    }

    /** Compares with every key in constant time, so timing tells nothing about a key. */
    private boolean knownKey(byte[] presented) {
        boolean known = false;
        for (byte[] key : keys) {
            known |= MessageDigest.isEqual(key, presented);
        }
        return known;
    }

    private static Response unauthorized(String challenge, String detail) {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .type("application/problem+json")
                .entity(Map.of("type", "about:blank", "title", "Unauthorized", "status", 401, "detail", detail))
                .build();
    }
}
