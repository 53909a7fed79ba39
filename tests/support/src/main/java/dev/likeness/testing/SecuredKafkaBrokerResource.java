package dev.likeness.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a Quarkus test at the shared secured broker, logged in as one KafkaUser of deploy/k8s:
 * {@code @WithTestResource(value = SecuredKafkaBrokerResource.class, initArgs = @ResourceArg(name = "user",
 * value = "likeness-embedding"))}.
 */
public class SecuredKafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private String user;

    @Override
    public void init(Map<String, String> initArgs) {
        user = initArgs.get("user");
        if (user == null) {
            throw new IllegalArgumentException(
                    "SecuredKafkaBrokerResource needs the init arg 'user' (a KafkaUser's name)");
        }
    }

    @Override
    public Map<String, String> start() {
        return SecuredKafkaBroker.serviceConfig(user);
    }

    @Override
    public void stop() {
        // The broker outlives each Quarkus application, like the plain one.
    }
}
