package dev.likeness.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.core.api.ApiCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "delete",
        description = "Delete identity ID through the matching service's API (the gallery topic's"
                + " only writer, which writes its tombstone); an unknown ID exits with 1. When the API requires it, the"
                + " key comes from $LIKENESS_API_KEY or a bearer token from $LIKENESS_API_TOKEN.")
final class GalleryDeleteCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "Identity id.")
    String identityId;

    @Option(
            names = "--matching-url",
            paramLabel = "URL",
            defaultValue = "${env:LIKENESS_MATCHING_URL:-http://localhost:8082}",
            description = "The matching service (default: $LIKENESS_MATCHING_URL or http://localhost:8082).")
    URI matchingUrl;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        URI identity = URI.create(matchingUrl.toString().replaceAll("/+$", "") + "/api/v1/identities/"
                + URLEncoder.encode(identityId, UTF_8).replace("+", "%20"));
        HttpResponse<String> response;
        try {
            HttpClient http =
                    HttpClient.newBuilder().connectTimeout(KafkaSession.TIMEOUT).build();
            HttpRequest.Builder delete = HttpRequest.newBuilder(identity)
                    .timeout(Duration.ofSeconds(60))
                    .DELETE();
            response = http.send(
                    ApiCredentials.fromEnvironment(System.getenv())
                            .applyTo(delete)
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
        if (response.statusCode() == 204) {
            spec.commandLine().getOut().println("deleted " + identityId);
            return ExitCodes.OK;
        }
        spec.commandLine().getErr().println("likeness: " + problem(response));
        return response.statusCode() >= 500 ? ExitCodes.UNEXPECTED : ExitCodes.ERROR_RESULT;
    }

    /** The RFC 7807 problem's code and detail, else the status. */
    private static String problem(HttpResponse<String> response) {
        try {
            JsonNode problem = new ObjectMapper().readTree(response.body());
            if (!problem.isObject()) {
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
