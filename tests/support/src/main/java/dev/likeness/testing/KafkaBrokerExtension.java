package dev.likeness.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * For tests without Quarkus: {@code @ExtendWith(KafkaBrokerExtension.class)} starts the shared broker
 * before the class runs and injects {@link KafkaBroker} or a {@link KafkaTestClient} parameters.
 * A client is closed when the test (or, for {@code @BeforeAll} and constructor parameters, the class) is done.
 */
public class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        KafkaBroker.shared();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaBroker.class || type == KafkaTestClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == KafkaBroker.class) {
            return KafkaBroker.shared();
        }
        // Stored values that are AutoCloseable are closed with their context.
        return context.getStore(NAMESPACE)
                .computeIfAbsent(
                        KafkaTestClient.class, key -> KafkaBroker.shared().client(), KafkaTestClient.class);
    }
}
