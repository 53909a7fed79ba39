package dev.likeness.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * A token issuer made up for a test: an RSA key pair generated on the spot (nothing secret in the repository),
 * its public key as a PEM file for {@code mp.jwt.verify.publickey.location}, and RS256 tokens signed with it.
 */
public final class TokenIssuer {

    private final String issuer;
    private final KeyPair keys;
    private final Path publicKeyFile;

    public TokenIssuer(String issuer) {
        this.issuer = issuer;
        this.keys = newKeyPair();
        try {
            publicKeyFile = Files.createTempFile("likeness-test-issuer-", ".pem");
            publicKeyFile.toFile().deleteOnExit();
            Files.writeString(
                    publicKeyFile,
                    "-----BEGIN PUBLIC KEY-----\n"
                            + Base64.getMimeEncoder(64, "\n".getBytes())
                                    .encodeToString(keys.getPublic().getEncoded())
                            + "\n-----END PUBLIC KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public Path publicKeyFile() {
        return publicKeyFile;
    }

    /** The config that makes a service trust this issuer (SmallRye JWT's keys). */
    public Map<String, String> verificationConfig() {
        return Map.of(
                "mp.jwt.verify.publickey.location", publicKeyFile.toUri().toString(), "mp.jwt.verify.issuer", issuer);
    }

    /** A token for {@code subject}, valid from now for {@code lifetime} (negative: expired that long ago). */
    public String token(String subject, Duration lifetime) {
        return sign(keys, issuer, subject, lifetime, Map.of());
    }

    /** A token for {@code subject}, valid for five minutes, with more claims (e.g. tenant, scope). */
    public String token(String subject, Map<String, String> claims) {
        return sign(keys, issuer, subject, Duration.ofMinutes(5), claims);
    }

    /** A token that claims this issuer but is signed by another key. */
    public String forgedToken(String subject) {
        return sign(newKeyPair(), issuer, subject, Duration.ofMinutes(5), Map.of());
    }

    /** A token signed by this issuer's key but naming another issuer. */
    public String tokenOfIssuer(String otherIssuer, String subject) {
        return sign(keys, otherIssuer, subject, Duration.ofMinutes(5), Map.of());
    }

    private static String sign(
            KeyPair keys, String issuer, String subject, Duration lifetime, Map<String, String> more) {
        Instant now = Instant.now();
        Instant expiry = now.plus(lifetime);
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        claims.setIssuedAt(NumericDate.fromSeconds(
                (lifetime.isNegative() ? expiry.minus(Duration.ofMinutes(5)) : now).getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expiry.getEpochSecond()));
        claims.setGeneratedJwtId();
        more.forEach(claims::setClaim);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.getPrivate());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("Cannot sign a test token", e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No RSA key pair generator", e);
        }
    }
}
