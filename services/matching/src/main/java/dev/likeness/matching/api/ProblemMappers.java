package dev.likeness.matching.api;

import java.util.Locale;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.likeness.matching.recognition.RequestRefusedException;

/** Every error of the API as an RFC 7807 problem document. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response refused(RequestRefusedException refused, UriInfo uri) {
        int status =
                switch (refused.code()) {
                    case RequestRefusedException.UNKNOWN_IDENTITY -> 404;
                    case RequestRefusedException.INVALID_EMBEDDING -> 400;
                    default -> 422;
                };
        return problem(status, refused.code(), "Request cannot be served", refused.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response problem(ApiProblem problem, UriInfo uri) {
        return problem(
                problem.status(),
                problem.code(),
                Response.Status.fromStatusCode(problem.status()) == null
                        ? "Error"
                        : Response.Status.fromStatusCode(problem.status()).getReasonPhrase(),
                problem.getMessage(),
                uri);
    }

    @ServerExceptionMapper
    public Response invalid(IllegalArgumentException invalid, UriInfo uri) {
        return problem(400, "INVALID_REQUEST", "Invalid request", invalid.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException unreadable, UriInfo uri) {
        return problem(
                400,
                "INVALID_REQUEST",
                "Invalid request",
                "the body is not valid JSON for this operation: " + unreadable.getOriginalMessage(),
                uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException web, UriInfo uri) {
        int status = web.getResponse().getStatus();
        Response.StatusType type = web.getResponse().getStatusInfo();
        return problem(
                status,
                type.getReasonPhrase().toUpperCase(Locale.ROOT).replace(' ', '_'),
                type.getReasonPhrase(),
                web.getMessage(),
                uri);
    }

    @ServerExceptionMapper
    public Response unavailable(IllegalStateException unavailable, UriInfo uri) {
        LOG.warn("Request failed", unavailable);
        return problem(503, "UNAVAILABLE", "Service Unavailable", unavailable.getMessage(), uri);
    }

    private static Response problem(int status, String code, String title, String detail, UriInfo uri) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(
                        status, code, title, detail, uri.getRequestUri().getPath()))
                .build();
    }
}
