package dev.likeness.matching.api;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * An RFC 7807 problem document ({@code application/problem+json}), with the machine-readable {@code code}
 * as an extension member (the same codes as RequestError on the matches topic), and the W3C trace id of the
 * request that failed, so that whoever got the error can find its trace (absent where no trace is recorded).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type, String title, int status, String detail, String code, String instance, String traceId) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String title, String detail, String instance) {
        return new Problem(
                "urn:likeness:problem:" + code.toLowerCase(Locale.ROOT).replace('_', '-'),
                title,
                status,
                detail,
                code,
                instance,
                currentTraceId());
    }

    private static String currentTraceId() {
        SpanContext span = Span.current().getSpanContext();
        return span.isValid() ? span.getTraceId() : null;
    }
}
