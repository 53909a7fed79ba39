package dev.likeness.servicekit.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The scope a caller's key must hold to call this REST method (checked by {@link ApiAuthFilter}). */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface ApiScope {

    Scope value();

    /** What an API key may do, as CompreFace's recognition, verification and service keys. */
    enum Scope {
        /** Identify faces; list and read the tenant's identities. */
        RECOGNISE,
        /** Verify a face against an identity or another face. */
        VERIFY,
        /** Enrol, rename and delete the tenant's identities. */
        ENROL,
        /** The operator's: list tenants and delete a tenant's whole gallery, for any tenant. */
        ADMIN
    }
}
