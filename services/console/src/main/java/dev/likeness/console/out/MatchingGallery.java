package dev.likeness.console.out;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.console.ConsoleConfig;
import dev.likeness.core.api.ApiCredentials;

/**
 * Renames and deletes identities through the matching service's REST API: matching is the gallery topic's
 * only writer (it serialises the changes of an identity), so the console asks it rather than writing
 * records itself. The change reaches the page back through the gallery topic.
 */
@ApplicationScoped
public class MatchingGallery {

    /** The matching API's answer: its status and body (a problem document when it refused). */
    public record Answer(int status, String body, String contentType) {}

    private final HttpClient http;
    private final URI identities;
    private final Duration timeout;
    private final ObjectMapper json;
    private final ApiCredentials credentials;

    @Inject
    public MatchingGallery(ConsoleConfig config, ObjectMapper json) {
        this.timeout = config.requestTimeout();
        this.identities = URI.create(config.matchingUrl().toString().replaceAll("/+$", "") + "/api/v1/identities/");
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.json = json;
        this.credentials = new ApiCredentials(config.matchingApiKey(), config.matchingApiToken());
    }

    public Answer rename(String identityId, String displayName) {
        try {
            String body = json.writeValueAsString(Map.of("displayName", displayName));
            return send(HttpRequest.newBuilder(identity(identityId))
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the rename request", e);
        }
    }

    public Answer delete(String identityId) {
        return send(HttpRequest.newBuilder(identity(identityId)).DELETE());
    }

    private URI identity(String identityId) {
        return identities.resolve(URLEncoder.encode(identityId, UTF_8).replace("+", "%20"));
    }

    private Answer send(HttpRequest.Builder request) {
        HttpRequest built = credentials.applyTo(request).timeout(timeout).build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValue("Content-Type").orElse("application/json"));
        } catch (ConnectException e) {
            throw new MatchingUnavailableException(
                    "the matching service at " + identities.resolve("/") + " does not answer (is it running?)");
        } catch (IOException e) {
            throw new MatchingUnavailableException(
                    "the matching service failed to answer " + built.method() + " " + built.uri() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MatchingUnavailableException("interrupted while calling the matching service");
        }
    }

    /** The matching API cannot be reached: the page shows the message. */
    public static final class MatchingUnavailableException extends RuntimeException {
        public MatchingUnavailableException(String message) {
            super(message);
        }
    }
}
