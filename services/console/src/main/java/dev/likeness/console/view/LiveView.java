package dev.likeness.console.view;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.console.ConsoleConfig;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the page shows, derived from the topics only: the gallery as the compacted topic says, the recent
 * events, and their pictures. A page that connects first gets the gallery and the recent events, then
 * every new event as it is read.
 */
@ApplicationScoped
public class LiveView {

    private final ObjectMapper json;
    private final int historyEvents;
    private final Pictures pictures;
    private final Map<String, String> gallery = new TreeMap<>();
    private final Deque<String> recent = new ArrayDeque<>();
    private final List<Subscriber> subscribers = new ArrayList<>();

    private final MeterRegistry metrics;

    @Inject
    public LiveView(ConsoleConfig config, ObjectMapper json, MeterRegistry metrics) {
        this.json = json;
        this.historyEvents = config.historyEvents();
        this.pictures = new Pictures(config.picturesMaxBytes());
        this.metrics = metrics;
        metrics.gauge("likeness.console.pages", subscribers, List::size);
        metrics.gauge("likeness.console.identities", gallery, Map::size);
    }

    public Pictures pictures() {
        return pictures;
    }

    /** The identity's current state (a gallery record). */
    public synchronized void identity(String identityId, Map<String, Object> view) {
        count(view);
        String event = write(view);
        gallery.put(identityId, event);
        broadcast(event);
    }

    /** A tombstone: the identity is gone. */
    public synchronized void identityDeleted(String identityId) {
        gallery.remove(identityId);
        Map<String, Object> view = ViewEvents.identityDeleted(identityId);
        count(view);
        broadcast(write(view));
    }

    /** Any other event: kept among the recent ones and sent to every page. */
    public synchronized void event(Map<String, Object> view) {
        count(view);
        String event = write(view);
        recent.addLast(event);
        while (recent.size() > historyEvents) {
            recent.removeFirst();
        }
        broadcast(event);
    }

    public synchronized void subscribe(Subscriber subscriber) {
        for (String identity : gallery.values()) {
            if (!subscriber.send(identity)) {
                return;
            }
        }
        for (String event : recent) {
            if (!subscriber.send(event)) {
                return;
            }
        }
        subscribers.add(subscriber);
    }

    public synchronized int identities() {
        return gallery.size();
    }

    private void broadcast(String event) {
        subscribers.removeIf(subscriber -> !subscriber.send(event));
    }

    /** Events read from the topics, by type ({@code unreadable}: records the console could not decode). */
    private void count(Map<String, Object> view) {
        metrics.counter("likeness.console.events", "type", String.valueOf(view.get("type")))
                .increment();
    }

    private String write(Map<String, Object> view) {
        try {
            return json.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write view event " + view.get("type"), e);
        }
    }
}
