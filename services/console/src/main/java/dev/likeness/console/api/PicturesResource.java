package dev.likeness.console.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import dev.likeness.console.view.LiveView;
import dev.likeness.console.view.Pictures;
import dev.likeness.console.view.ViewEvents;

/**
 * The pictures of recent requests as the topics carried them: {@code image}, {@code second}, {@code result}; of a
 * type the page shows, else as plain bytes ({@link ServedBytes}).
 */
@Path("/api/pictures/{requestId}/{which}")
public class PicturesResource {

    @Inject
    LiveView view;

    @GET
    public Response picture(@PathParam("requestId") String requestId, @PathParam("which") String which) {
        Pictures.Picture picture = view.pictures()
                .get(ViewEvents.pictureKey(requestId, which))
                .orElseThrow(() -> new NotFoundException("no recent picture " + which + " of request " + requestId));
        return ServedBytes.picture(picture.bytes(), picture.contentType());
    }
}
