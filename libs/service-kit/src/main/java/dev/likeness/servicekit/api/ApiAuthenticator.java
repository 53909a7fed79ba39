package dev.likeness.servicekit.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import dev.likeness.core.events.Tenants;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Decides whether a REST request may pass, by {@link ApiAuthConfig#mode()}: an API key or a verified JWT bearer
 * token, or nothing; and as which tenant, with which scopes. A refusal is a 401 with a problem document and a
 * WWW-Authenticate challenge.
 */
@ApplicationScoped
public class ApiAuthenticator {

    private static final Logger LOG = Logger.getLogger(ApiAuthenticator.class);
    private static final String BEARER = "Bearer ";

    private final ApiAuthConfig config;
    private final JWTParser jwtParser;
    private final List<Key> keys;

    @Inject
    public ApiAuthenticator(ApiAuthConfig config, JWTParser jwtParser) {
        this.config = config;
        this.jwtParser = jwtParser;
        List<Key> operatorKeys = config.keys().orElse(List.of()).stream()
                .map(String::strip)
                .filter(k -> !k.isEmpty())
                .map(k -> new Key(k.getBytes(StandardCharsets.UTF_8), ApiCaller.Identity.operator(Tenants.DEFAULT)))
                .toList();
        List<Key> tenantKeys = config.tenantKeys().entrySet().stream()
                .map(entry -> tenantKey(entry.getKey(), entry.getValue()))
                .toList();
        this.keys = Stream.concat(operatorKeys.stream(), tenantKeys.stream()).toList();
    }

    private static Key tenantKey(String label, ApiAuthConfig.TenantKey key) {
        try {
            Tenants.requireValid(key.tenant());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("likeness.api.auth.tenant-keys." + label + ": " + e.getMessage(), e);
        }
        if (key.key().strip().length() < 16) {
            throw new IllegalStateException(
                    "likeness.api.auth.tenant-keys." + label + ".key must have at least 16 characters");
        }
        Set<ApiScope.Scope> scopes =
                key.scopes().isEmpty() ? EnumSet.noneOf(ApiScope.Scope.class) : EnumSet.copyOf(key.scopes());
        return new Key(
                key.key().strip().getBytes(StandardCharsets.UTF_8), new ApiCaller.Identity(key.tenant(), scopes));
    }

    /** An accepted key and whom it stands for. */
    private record Key(byte[] secret, ApiCaller.Identity identity) {}

    /** A mode without what it needs fails the start, not every request. */
    void checkAtStartup(
            @Observes StartupEvent event,
            @ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> publicKey,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> publicKeyLocation) {
        switch (config.mode()) {
            case API_KEY -> {
                if (keys.isEmpty()) {
                    throw new IllegalStateException("likeness.api.auth.mode=api-key needs at least one key in "
                            + "likeness.api.auth.keys (env LIKENESS_API_AUTH_KEYS) or likeness.api.auth.tenant-keys");
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

    /** The header in which a caller may name its tenant. */
    public String tenantHeader() {
        return config.tenantHeader();
    }

    /** Who is calling, or why not: exactly one of the two is set. */
    public record Outcome(ApiCaller.Identity caller, Response refusal) {

        static Outcome of(ApiCaller.Identity caller) {
            return new Outcome(caller, null);
        }

        static Outcome refused(Response refusal) {
            return new Outcome(null, refusal);
        }
    }

    /**
     * The caller, or the 401 to answer.
     *
     * @param header the request's header of that name, or null
     */
    public Outcome authenticate(Function<String, String> header) {
        return switch (config.mode()) {
            case NONE -> {
                // Without authentication a caller chooses its tenant: fine on a laptop, not on a shared mesh.
                String named = header.apply(config.tenantHeader());
                yield Outcome.of(ApiCaller.Identity.operator(named == null ? Tenants.DEFAULT : named));
            }
            case API_KEY -> {
                String presented = header.apply(config.header());
                Key known = presented == null ? null : knownKey(presented.getBytes(StandardCharsets.UTF_8));
                if (known != null) {
                    yield Outcome.of(known.identity());
                }
                yield Outcome.refused(unauthorized(
                        "ApiKey header=\"" + config.header() + "\"",
                        presented == null
                                ? "the " + config.header() + " header is missing"
                                : "the API key is not valid"));
            }
            case JWT -> {
                String authorization = header.apply(HttpHeaders.AUTHORIZATION);
                if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                    yield Outcome.refused(unauthorized("Bearer", "a bearer token is required"));
                }
                try {
                    yield Outcome.of(fromToken(jwtParser.parse(
                            authorization.substring(BEARER.length()).strip())));
                } catch (ParseException e) {
                    // The reason (expired, signature, issuer) is for the log, not for the caller.
                    LOG.debugf("Refused a bearer token: %s", e.getMessage());
                    yield Outcome.refused(
                            unauthorized("Bearer error=\"invalid_token\"", "the bearer token is not valid"));
                }
            }
        };
    }

    /**
     * A token's tenant is its {@code tenant} claim ({@code default} without one), its scopes those of its
     * {@code scope} claim that name a scope (every scope without the claim, as before tenants existed).
     */
    private static ApiCaller.Identity fromToken(JsonWebToken token) {
        String tenant = claimText(token, "tenant");
        String scopeClaim = claimText(token, "scope");
        if (scopeClaim == null) {
            return ApiCaller.Identity.operator(tenant == null ? Tenants.DEFAULT : tenant);
        }
        Set<ApiScope.Scope> scopes = EnumSet.noneOf(ApiScope.Scope.class);
        for (String scope : scopeClaim.strip().split("\\s+")) {
            Arrays.stream(ApiScope.Scope.values())
                    .filter(known -> known.name().equals(scope.toUpperCase(Locale.ROOT)))
                    .forEach(scopes::add);
        }
        return new ApiCaller.Identity(tenant == null ? Tenants.DEFAULT : tenant, scopes);
    }

    private static String claimText(JsonWebToken token, String name) {
        Object claim = token.getClaim(name);
        return claim instanceof JsonString text ? text.getString() : claim == null ? null : claim.toString();
    }

    /** Compares with every key in constant time, so timing tells nothing about a key. */
    private Key knownKey(byte[] presented) {
        Key found = null;
        for (Key key : keys) {
            if (MessageDigest.isEqual(key.secret(), presented)) {
                found = key;
            }
        }
        return found;
    }

    private static Response unauthorized(String challenge, String detail) {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .type("application/problem+json")
                .entity(Map.of("type", "about:blank", "title", "Unauthorized", "status", 401, "detail", detail))
                .build();
    }

    /** A problem document with a code, as the services' own. */
    static Response problem(Response.Status status, String code, String detail) {
        return Response.status(status)
                .type("application/problem+json")
                .entity(Map.of(
                        "type",
                        "urn:likeness:problem:" + code.toLowerCase(Locale.ROOT).replace('_', '-'),
                        "title",
                        status.getReasonPhrase(),
                        "status",
                        status.getStatusCode(),
                        "code",
                        code,
                        "detail",
                        detail))
                .build();
    }
}
