package dev.likeness.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** What a page connected to the console's live feed gets. */
final class PageFeed {

    private PageFeed() {}

    /** Connects like the page and collects the events (JSON) until {@code done} holds for them. */
    static List<String> awaitEvents(int port, Predicate<List<String>> done, Duration wait) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + wait.toNanos();
        List<String> events = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            events.clear();
            HttpResponse<Stream<String>> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/events"))
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            Iterator<String> lines = response.body().iterator();
            // A fresh page gets the gallery and recent events at once: read what comes within a second.
            CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("data:")) {
                        synchronized (events) {
                            events.add(line.substring("data:".length()));
                        }
                    }
                }
            });
            try {
                reading.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException stillOpen) {
                // the feed stays open: what arrived so far is the snapshot
            } finally {
                response.body().close();
            }
            synchronized (events) {
                if (done.test(events)) {
                    return List.copyOf(events);
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the feed did not show the expected events within " + wait + ": " + events);
    }
}
