package dev.likeness.local.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The secrets of a secured local broker, made on its first start and kept in {@code security/} of its data
 * directory (never in the repository): a self-signed TLS certificate for localhost in a PKCS12 key store, the
 * same certificate as PEM ({@code ca.crt}) and in a PKCS12 trust store for clients, and random passwords for
 * the super user, the key stores and every SCRAM user, like the Secrets Strimzi's User Operator generates.
 */
public final class BrokerSecurity {

    /** The super user: the broker itself (inter-broker and controller connections) and the operator's admin. */
    public static final String ADMIN = "likeness-admin";

    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private static final String CREDENTIALS = "credentials.properties";
    private static final String USER_PREFIX = "user.";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Properties credentials;

    private BrokerSecurity(Path dir, Properties credentials) {
        this.dir = dir;
        this.credentials = credentials;
    }

    /** The material in {@code dir}, generated there first if it is not there yet. */
    static BrokerSecurity prepare(Path dir) {
        if (Files.exists(dir.resolve(CREDENTIALS))) {
            return load(dir);
        }
        try {
            Files.createDirectories(dir);
            ownerOnly(dir, "rwx------");
            Properties credentials = new Properties();
            credentials.setProperty("admin.password", randomPassword());
            credentials.setProperty("keystore.password", randomPassword());
            credentials.setProperty("truststore.password", randomPassword());
            BrokerSecurity security = new BrokerSecurity(dir, credentials);
            security.generateCertificate();
            security.save();
            return security;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the broker's TLS material to " + dir, e);
        }
    }

    /** What a started secured broker wrote in {@code dir}. */
    public static BrokerSecurity load(Path dir) {
        Properties credentials = new Properties();
        try (Reader reader = Files.newBufferedReader(dir.resolve(CREDENTIALS))) {
            credentials.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("No secured broker's credentials in " + dir, e);
        }
        return new BrokerSecurity(dir, credentials);
    }

    /** The PEM certificate clients trust ({@code ssl.truststore.type=PEM}). */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /** The same certificate in a PKCS12 trust store, for clients that want a store with a password. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    public String truststorePassword() {
        return credentials.getProperty("truststore.password");
    }

    Path keystore() {
        return dir.resolve("server.p12");
    }

    String keystorePassword() {
        return credentials.getProperty("keystore.password");
    }

    /** The SCRAM password of a user (the super user included), or null if the broker made none for it. */
    public String password(String user) {
        return user.equals(ADMIN)
                ? credentials.getProperty("admin.password")
                : credentials.getProperty(USER_PREFIX + user + ".password");
    }

    /** The user's password, made and saved now if the user is new. */
    String passwordFor(String user) {
        String password = password(user);
        if (password == null) {
            password = randomPassword();
            credentials.setProperty(USER_PREFIX + user + ".password", password);
            save();
        }
        return password;
    }

    /**
     * Kafka client settings for {@code user} over SASL_SSL with SCRAM-SHA-512, trusting the broker's PEM
     * certificate: the same keys a service gets from its environment (docs/reliability.md).
     */
    public Map<String, Object> clientConfig(String bootstrapServers, String user) {
        String password = password(user);
        if (password == null) {
            throw new IllegalArgumentException("The secured broker has no user " + user);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("security.protocol", "SASL_SSL");
        config.put("sasl.mechanism", SCRAM_MECHANISM);
        config.put("sasl.jaas.config", scramJaas(user, password));
        config.put("ssl.truststore.type", "PEM");
        config.put("ssl.truststore.location", caCertificate().toString());
        return config;
    }

    static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    /**
     * Listener, TLS, SASL and authorizer settings. Clients and the broker itself (inter-broker, e.g.
     * transaction markers) use SCRAM-SHA-512 over TLS; the controller listener uses PLAIN over TLS with the
     * super user, because SCRAM credentials live in the metadata the controller serves, so it cannot check them.
     */
    Map<String, String> brokerSettings(BrokerOptions options) {
        String controller = LocalKafkaBroker.CONTROLLER_LISTENER;
        String adminPassword = password(ADMIN);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(
                "listeners",
                "SASL_SSL://" + options.host() + ":" + options.port() + "," + controller + "://" + options.host() + ":"
                        + options.controllerPort());
        settings.put("advertised.listeners", "SASL_SSL://" + options.bootstrapServers());
        settings.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL," + controller + ":SASL_SSL");
        settings.put("inter.broker.listener.name", "SASL_SSL");
        settings.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
        settings.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
        settings.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", SCRAM_MECHANISM);
        settings.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", scramJaas(ADMIN, adminPassword));
        settings.put("sasl.mechanism.controller.protocol", "PLAIN");
        settings.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        settings.put(
                "listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                        + "\" password=\"" + adminPassword + "\" user_" + ADMIN + "=\"" + adminPassword + "\";");
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.keystore.location", keystore().toString());
        settings.put("ssl.keystore.password", keystorePassword());
        settings.put("ssl.key.password", keystorePassword());
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("ssl.truststore.location", truststore().toString());
        settings.put("ssl.truststore.password", truststorePassword());
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // Least privilege: a principal may do only what an ACL allows.
        settings.put("allow.everyone.if.no.acl.found", "false");
        settings.put("super.users", "User:" + ADMIN);
        return settings;
    }

    /** The super user's SCRAM credential, which must exist before the broker starts (it logs in with it). */
    String formatScramArgument() {
        return SCRAM_MECHANISM + "=[name=" + ADMIN + ",password=" + password(ADMIN) + "]";
    }

    /** A self-signed EC certificate for localhost and 127.0.0.1, made by the JDK's keytool. */
    private void generateCertificate() {
        String storePassword = keystorePassword();
        keytool(
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost, O=Likeness local broker",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "3650",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore().toString(),
                "-storepass",
                storePassword,
                "-keypass",
                storePassword);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "broker",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore().toString(),
                "-storepass",
                storePassword,
                "-file",
                caCertificate().toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "likeness-local-broker",
                "-file",
                caCertificate().toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                truststore().toString(),
                "-storepass",
                truststorePassword());
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot run keytool (a JDK's bin/keytool is needed for a secured broker)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running keytool", e);
        }
    }

    private void save() {
        Path file = dir.resolve(CREDENTIALS);
        try {
            if (!Files.exists(file)) {
                Files.createFile(file);
                ownerOnly(file, "rw-------");
            }
            try (Writer writer = Files.newBufferedWriter(file)) {
                credentials.store(writer, "Generated by LocalKafkaBroker --secure; local test secrets, never commit");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the broker's credentials to " + file, e);
        }
    }

    /** Secrets are for the user who runs the broker only (where the file system has POSIX permissions). */
    static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to narrow.
        }
    }

    /** 144 random bits, URL-safe Base64: no quote or backslash to escape in JAAS or properties. */
    private static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
