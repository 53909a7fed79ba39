package dev.likeness.console.view;

/** A connected page. */
public interface Subscriber {

    /** Sends one event (JSON); false once the page has gone, which unsubscribes it. */
    boolean send(String json);
}
