package dev.likeness.matching;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * API keys per tenant with scopes: a key works within its own tenant's gallery only (it cannot read, verify
 * against or delete another tenant's identities, nor name another tenant), and only for its scopes.
 */
@Tag("broker")
@QuarkusTest
@TestProfile(TenantApiKeysTest.TenantKeysProfile.class)
@WithTestResource(KafkaBrokerResource.class)
class TenantApiKeysTest {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String TENANT_A = "a-" + RUN;
    static final String TENANT_B = "b-" + RUN;
    // Made up per run, as a Secret would provide them; never in the repository.
    static final String A_ENROL = "key-" + UUID.randomUUID();
    static final String A_RECOGNISE = "key-" + UUID.randomUUID();
    static final String B_ENROL = "key-" + UUID.randomUUID();
    static final String OPERATOR = "key-" + UUID.randomUUID();
    static final String TENANT_FLOODING = "c-" + RUN;
    static final String C_RECOGNISE = "key-" + UUID.randomUUID();
    static final double FLOODING_RATE = 2;

    public static class TenantKeysProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("likeness.api.auth.mode", "api-key");
            config.put("likeness.api.auth.keys", OPERATOR);
            key(config, "a-service", TENANT_A, A_ENROL, "recognise,verify,enrol");
            key(config, "a-recognition", TENANT_A, A_RECOGNISE, "recognise");
            key(config, "b-service", TENANT_B, B_ENROL, "recognise,verify,enrol");
            key(config, "c-recognition", TENANT_FLOODING, C_RECOGNISE, "recognise");
            // Only C has a rate: A and B are unlimited.
            config.put(
                    "likeness.api.rate-limit.tenants." + TENANT_FLOODING + ".requests-per-second",
                    String.valueOf(FLOODING_RATE));
            return config;
        }

        private static void key(Map<String, String> config, String label, String tenant, String key, String scopes) {
            String prefix = "likeness.api.auth.tenant-keys." + label + ".";
            config.put(prefix + "tenant", tenant);
            config.put(prefix + "key", key);
            config.put(prefix + "scopes", scopes);
        }
    }

    private final SyntheticEmbeddings embeddings = SyntheticEmbeddings.nextSeeded(64);

    @Test
    void aKeyWorksWithinItsTenantAndItsScopesOnly() {
        float[] adaOfA = embeddings.person();
        float[] adaOfB = embeddings.person();
        float[] carolOfB = embeddings.person();
        enrol(A_ENROL, "ada", adaOfA).then().statusCode(201).body("created", equalTo(true));
        enrol(B_ENROL, "ada", adaOfB).then().statusCode(201).body("created", equalTo(true));
        enrol(B_ENROL, "carol", carolOfB).then().statusCode(201);

        // A cannot read, verify against or delete B's identities: they are not in A's gallery.
        as(A_ENROL).get("/api/v1/identities/carol").then().statusCode(404);
        as(A_ENROL).delete("/api/v1/identities/carol").then().statusCode(404);
        as(A_ENROL)
                .get("/api/v1/identities")
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("items.identityId", not(hasItems("carol")));
        as(A_ENROL)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "model", MatchingApiTest.model(),
                        "embedding", embeddings.view(carolOfB, 0.7),
                        "claimedIdentityId", "carol"))
                .post("/api/v1/verify")
                .then()
                .statusCode(404)
                .body("code", equalTo("UNKNOWN_IDENTITY"));
        as(B_ENROL).get("/api/v1/identities/carol").then().statusCode(200);
        // Naming B with A's key is refused, whatever the request.
        as(A_ENROL)
                .header("X-Likeness-Tenant", TENANT_B)
                .get("/api/v1/identities/carol")
                .then()
                .statusCode(403)
                .body("code", equalTo("TENANT_MISMATCH"));
        as(A_ENROL)
                .header("X-Likeness-Tenant", TENANT_A)
                .get("/api/v1/identities/ada")
                .then()
                .statusCode(200);

        // Each key recognises its own tenant's ada only.
        identify(A_RECOGNISE, embeddings.view(adaOfA, 0.7))
                .then()
                .statusCode(200)
                .body("faces[0].unknown", equalTo(false))
                .body("faces[0].candidates[0].identityId", equalTo("ada"));
        identify(A_RECOGNISE, embeddings.view(adaOfB, 0.7))
                .then()
                .statusCode(200)
                .body("faces[0].unknown", equalTo(true));
        identify(B_ENROL, embeddings.view(adaOfB, 0.7)).then().statusCode(200).body("faces[0].unknown", equalTo(false));

        // A recognise-only key cannot enrol, rename, delete or verify.
        enrol(A_RECOGNISE, "mallory", embeddings.person())
                .then()
                .statusCode(403)
                .body("code", equalTo("MISSING_SCOPE"));
        as(A_RECOGNISE).delete("/api/v1/identities/ada").then().statusCode(403);
        as(A_RECOGNISE)
                .contentType(ContentType.JSON)
                .body(Map.of("displayName", "Eve"))
                .patch("/api/v1/identities/ada")
                .then()
                .statusCode(403);
        as(A_RECOGNISE)
                .contentType(ContentType.JSON)
                .body(Map.of("model", MatchingApiTest.model(), "embedding", adaOfA, "claimedIdentityId", "ada"))
                .post("/api/v1/verify")
                .then()
                .statusCode(403);
        as(A_ENROL).get("/api/v1/identities/ada").then().statusCode(200).body("displayName", equalTo("ada"));

        // Tenants are the operator's: a tenant's key cannot list or delete them.
        as(A_ENROL).get("/api/v1/tenants").then().statusCode(403);
        as(A_ENROL).delete("/api/v1/tenants/{tenant}", TENANT_B).then().statusCode(403);
        as(OPERATOR)
                .get("/api/v1/tenants")
                .then()
                .statusCode(200)
                .body("tenant", hasItems(TENANT_A, TENANT_B))
                .body("find { it.tenant == '" + TENANT_B + "' }.identities", equalTo(2));
        given().header("X-API-Key", "key-guessed")
                .get("/api/v1/identities")
                .then()
                .statusCode(401);
    }

    @Test
    void aFloodingTenantIsHeldToItsRateWhileAnotherIsServed() {
        int passed = 0;
        int limited = 0;
        long started = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            Response response = as(C_RECOGNISE).get("/api/v1/identities");
            if (response.statusCode() == 429) {
                limited++;
                response.then().body("code", equalTo("RATE_LIMITED")).header("Retry-After", not(equalTo(null)));
            } else {
                response.then().statusCode(200);
                passed++;
            }
            // The other tenant is not held back by C's flood.
            as(A_RECOGNISE).get("/api/v1/identities").then().statusCode(200);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(limited)
                .as("30 requests in %.1f s at %s/s", seconds, FLOODING_RATE)
                .isPositive();
        // The bucket holds one second's worth, then refills at the rate.
        assertThat(passed).isLessThanOrEqualTo((int) Math.ceil(FLOODING_RATE + FLOODING_RATE * seconds));
    }

    /**
     * The flooding measurement of docs/reliability.md: tenant B's recognition latency alone, then while tenant C
     * sends ten times its rate from its own threads. C is held to its rate while every request of B is answered (latenciesOfB asserts each 200).
     * The latencies are printed for docs/reliability.md, not asserted: a timing bound in a test fails on a loaded
     * CI machine (B's p99 came to 2.06x once at load 9), and speed is measured, not asserted.
     */
    @Test
    void anotherTenantsLatencyHoldsWhileOneFloods() throws InterruptedException {
        float[] carol = embeddings.person();
        enrol(B_ENROL, "carol-" + RUN, carol).then().statusCode(201);
        for (int i = 0; i < 50; i++) {
            identify(B_ENROL, embeddings.view(carol, 0.7)).then().statusCode(200);
        }
        long[] alone = latenciesOfB(carol);

        double floodRate = 10 * FLOODING_RATE;
        AtomicInteger floodPassed = new AtomicInteger();
        AtomicInteger floodLimited = new AtomicInteger();
        ScheduledExecutorService flood = Executors.newScheduledThreadPool(2);
        long started = System.nanoTime();
        flood.scheduleAtFixedRate(
                () -> {
                    int status = as(C_RECOGNISE).get("/api/v1/identities").statusCode();
                    (status == 429 ? floodLimited : floodPassed).incrementAndGet();
                },
                0,
                (long) (1e6 / floodRate),
                TimeUnit.MICROSECONDS);
        long[] flooded;
        try {
            flooded = latenciesOfB(carol);
        } finally {
            flood.shutdown();
            flood.awaitTermination(10, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double p99Alone = percentile(alone, 0.99);
        double p99Flooded = percentile(flooded, 0.99);
        System.out.printf(
                "Flooding: B's identify p50 %.2f ms, p99 %.2f ms alone; p50 %.2f ms, p99 %.2f ms while C sent %d"
                        + " requests in %.1f s (%.0f/s, its rate %.0f/s): %d passed, %d refused%n",
                percentile(alone, 0.5),
                p99Alone,
                percentile(flooded, 0.5),
                p99Flooded,
                floodPassed.get() + floodLimited.get(),
                seconds,
                (floodPassed.get() + floodLimited.get()) / seconds,
                FLOODING_RATE,
                floodPassed.get(),
                floodLimited.get());
        assertThat(floodLimited.get()).as("C's requests over its rate").isPositive();
        assertThat(floodPassed.get()).isLessThanOrEqualTo((int) Math.ceil(FLOODING_RATE + FLOODING_RATE * seconds));
    }

    /** Milliseconds of 300 recognitions of B, one after another. */
    private long[] latenciesOfB(float[] person) {
        long[] nanos = new long[300];
        for (int i = 0; i < nanos.length; i++) {
            float[] probe = embeddings.view(person, 0.7);
            long start = System.nanoTime();
            identify(B_ENROL, probe).then().statusCode(200);
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    private static double percentile(long[] nanos, double quantile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private static RequestSpecification as(String key) {
        return given().header("X-API-Key", key);
    }

    private static Response enrol(String key, String id, float[] face) {
        return as(key).contentType(ContentType.JSON)
                .body(Map.of("displayName", id, "model", MatchingApiTest.model(), "embedding", face))
                .post("/api/v1/identities/{id}/embeddings", id);
    }

    private static Response identify(String key, float[] face) {
        return as(key).contentType(ContentType.JSON)
                .body(Map.of("model", MatchingApiTest.model(), "embedding", face))
                .post("/api/v1/identify");
    }
}
