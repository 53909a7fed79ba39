package dev.likeness.console.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import dev.likeness.console.view.LiveView;

/** The live feed: server-sent events, each one view event as JSON (the gallery and recent events first). */
@Path("/api/events")
public class EventsResource {

    @Inject
    LiveView view;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@Context SseEventSink sink, @Context Sse sse) {
        view.subscribe(json -> {
            if (sink.isClosed()) {
                return false;
            }
            sink.send(sse.newEventBuilder()
                    .data(json)
                    .mediaType(MediaType.TEXT_PLAIN_TYPE)
                    .build());
            return true;
        });
    }
}
