package dev.likeness.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.core.api.ApiCredentials;
import picocli.CommandLine.Option;

/**
 * The matching service's REST API, for what only it may do (it is the gallery topic's only writer); mixed into the
 * commands that call it. The key comes from $LIKENESS_API_KEY or a bearer token from $LIKENESS_API_TOKEN.
 */
final class MatchingApi {

    @Option(
            names = "--matching-url",
            paramLabel = "URL",
            defaultValue = "${env:LIKENESS_MATCHING_URL:-http://localhost:8082}",
            description = "The matching service (default: $LIKENESS_MATCHING_URL or http://localhost:8082).")
    URI matchingUrl;

    /** A path segment, encoded. */
    static String segment(String value) {
        return URLEncoder.encode(value, UTF_8).replace("+", "%20");
    }

    /**
     * Sends the request with the credentials (and the tenant header, when a tenant is given).
     *
     * @throws CliException exit 3 when the service cannot be reached
     */
    HttpResponse<String> send(String method, String path, String tenant) {
        URI uri = URI.create(matchingUrl.toString().replaceAll("/+$", "") + path);
        try {
            HttpClient http =
                    HttpClient.newBuilder().connectTimeout(KafkaSession.TIMEOUT).build();
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(60))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (tenant != null) {
                request.header(TenantOption.HEADER, tenant);
            }
            return http.send(
                    ApiCredentials.fromEnvironment(System.getenv())
                            .applyTo(request)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException(
                    ExitCodes.KAFKA_UNAVAILABLE,
                    "cannot reach the matching service at " + matchingUrl + " ("
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNEXPECTED, "interrupted");
        }
    }

    /** A refused or failed call: its problem on stderr, exit 1 for a refusal, 5 for a server error. */
    static int failed(HttpResponse<String> response, PrintWriter err) {
        err.println("likeness: " + problem(response));
        return response.statusCode() >= 500 ? ExitCodes.UNEXPECTED : ExitCodes.ERROR_RESULT;
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return new ObjectMapper().readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new CliException(
                    ExitCodes.UNEXPECTED,
                    "the matching service answered something other than JSON: " + response.body());
        }
    }

    /** The RFC 7807 problem's code and detail, else the status. */
    private static String problem(HttpResponse<String> response) {
        try {
            JsonNode problem = new ObjectMapper().readTree(response.body());
            if (problem == null || !problem.isObject()) {
                return "HTTP " + response.statusCode() + " " + response.body();
            }
            String code = problem.has("code") ? problem.get("code").asText() : "HTTP " + response.statusCode();
            String detail = problem.has("detail") ? problem.get("detail").asText() : response.body();
            return code + ": " + detail;
        } catch (JsonProcessingException e) {
            return "HTTP " + response.statusCode() + " " + response.body();
        }
    }
}
