package dev.likeness.core.kafka;

import com.google.protobuf.Message;

/** CloudEvents naming of the likeness.v1 protobuf events. */
public final class EventTypes {

    /** The `content-type` of every Likeness event payload. */
    public static final String PROTOBUF_CONTENT_TYPE = "application/protobuf";

    private EventTypes() {}

    /** The CloudEvents type of an event: its protobuf full name, e.g. {@code likeness.v1.FacesEmbedded}. */
    public static String typeOf(Message event) {
        return event.getDescriptorForType().getFullName();
    }

    /** A deterministic event id, so that a redelivered request produces an event with the same id. */
    public static String idOf(String key, Message event) {
        return key + "/" + typeOf(event);
    }
}
