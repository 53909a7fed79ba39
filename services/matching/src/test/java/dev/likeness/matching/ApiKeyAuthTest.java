package dev.likeness.matching;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** likeness.api.auth.mode=api-key: the REST API answers only requests with one of the configured keys. */
@Tag("broker")
@QuarkusTest
@TestProfile(ApiKeyAuthTest.ApiKeyProfile.class)
@WithTestResource(KafkaBrokerResource.class)
class ApiKeyAuthTest {

    // Made up per run, as a Secret would provide them; never in the repository.
    static final String KEY = "key-" + UUID.randomUUID();
    static final String ROTATED_KEY = "key-" + UUID.randomUUID();

    public static class ApiKeyProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("likeness.api.auth.mode", "api-key", "likeness.api.auth.keys", KEY + "," + ROTATED_KEY);
        }
    }

    @Test
    void onlyAConfiguredKeyOpensTheApi() {
        given().get("/api/v1/identities")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("X-API-Key"))
                .contentType("application/problem+json");
        given().header("X-API-Key", "key-guessed")
                .get("/api/v1/identities")
                .then()
                .statusCode(401);
        given().header("X-API-Key", KEY + "x").get("/api/v1/identities").then().statusCode(401);
        given().header("X-API-Key", KEY).get("/api/v1/identities").then().statusCode(200);
        given().header("X-API-Key", ROTATED_KEY)
                .get("/api/v1/identities")
                .then()
                .statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }
}
