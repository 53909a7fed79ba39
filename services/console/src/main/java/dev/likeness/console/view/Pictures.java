package dev.likeness.console.view;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The pictures of recent events (uploaded images, style results) for the page to show, the oldest dropped
 * once their bytes exceed the bound. A copy of what the topics hold, nothing more.
 */
public final class Pictures {

    public record Picture(byte[] bytes, String contentType) {}

    private final long maxBytes;
    private final LinkedHashMap<String, Picture> pictures = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    public Pictures(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public synchronized void put(String key, byte[] picture, String contentType) {
        Picture previous = pictures.put(key, new Picture(picture, contentType));
        bytes += picture.length - (previous == null ? 0 : previous.bytes().length);
        Iterator<Map.Entry<String, Picture>> oldestFirst = pictures.entrySet().iterator();
        while (bytes > maxBytes && oldestFirst.hasNext()) {
            Map.Entry<String, Picture> oldest = oldestFirst.next();
            bytes -= oldest.getValue().bytes().length;
            oldestFirst.remove();
        }
    }

    public synchronized Optional<Picture> get(String key) {
        return Optional.ofNullable(pictures.get(key));
    }
}
