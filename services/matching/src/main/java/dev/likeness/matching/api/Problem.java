package dev.likeness.matching.api;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 7807 problem document ({@code application/problem+json}), with the machine-readable {@code code}
 * as an extension member (the same codes as RequestError on the matches topic).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String title, String detail, String instance) {
        return new Problem(
                "urn:likeness:problem:" + code.toLowerCase(Locale.ROOT).replace('_', '-'),
                title,
                status,
                detail,
                code,
                instance);
    }
}
