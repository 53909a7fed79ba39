package dev.likeness.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

class ApiCredentialsTest {

    private static final Map<String, String> RECEIVED = new ConcurrentHashMap<>();
    private static HttpServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            RECEIVED.clear();
            exchange.getRequestHeaders().forEach((name, values) -> RECEIVED.put(name.toLowerCase(), values.get(0)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    @Test
    void anApiKeyTravelsInItsHeader() throws Exception {
        send(ApiCredentials.fromEnvironment(Map.of("LIKENESS_API_KEY", "k-123")));

        assertThat(RECEIVED).containsEntry("x-api-key", "k-123").doesNotContainKey("authorization");
    }

    @Test
    void aTokenTravelsAsABearer() throws Exception {
        send(ApiCredentials.fromEnvironment(Map.of("LIKENESS_API_TOKEN", "eyJ.t.s")));

        assertThat(RECEIVED).containsEntry("authorization", "Bearer eyJ.t.s").doesNotContainKey("x-api-key");
    }

    @Test
    void nothingIsSentWhenNoneIsSetOrTheValuesAreBlank() throws Exception {
        send(ApiCredentials.fromEnvironment(Map.of("LIKENESS_API_KEY", " ")));

        assertThat(RECEIVED).doesNotContainKeys("x-api-key", "authorization");
    }

    @Test
    void bothAtOnceIsAMistake() {
        assertThatThrownBy(() -> new ApiCredentials(Optional.of("k"), Optional.of("t")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Give an API key or a bearer token for the REST API, not both");
    }

    private static void send(ApiCredentials credentials) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/identities/x");
        HttpResponse<Void> response = HttpClient.newHttpClient()
                .send(
                        credentials
                                .applyTo(HttpRequest.newBuilder(uri).DELETE())
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(204);
    }
}
