package dev.likeness.core.api;

import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a client of a Likeness REST API (the console, the CLI) presents when the API requires it
 * ({@link ApiAuthConfig}): an API key in the {@code X-API-Key} header, or a bearer token; nothing when neither is
 * set, as the local default ({@code likeness.api.auth.mode=none}) needs.
 */
public record ApiCredentials(Optional<String> apiKey, Optional<String> bearerToken) {

    public static final String API_KEY_HEADER = "X-API-Key";

    public ApiCredentials {
        apiKey = apiKey.filter(key -> !key.isBlank());
        bearerToken = bearerToken.filter(token -> !token.isBlank());
        if (apiKey.isPresent() && bearerToken.isPresent()) {
            throw new IllegalArgumentException("Give an API key or a bearer token for the REST API, not both");
        }
    }

    /** {@code LIKENESS_API_KEY} or {@code LIKENESS_API_TOKEN} from the given environment. */
    public static ApiCredentials fromEnvironment(Map<String, String> environment) {
        return new ApiCredentials(
                Optional.ofNullable(environment.get("LIKENESS_API_KEY")),
                Optional.ofNullable(environment.get("LIKENESS_API_TOKEN")));
    }

    /** The headers to present: the API key's or the bearer token's, or none. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        apiKey.ifPresent(key -> headers.put(API_KEY_HEADER, key));
        bearerToken.ifPresent(token -> headers.put("Authorization", "Bearer " + token));
        return headers;
    }

    public HttpRequest.Builder applyTo(HttpRequest.Builder request) {
        headers().forEach(request::header);
        return request;
    }
}
