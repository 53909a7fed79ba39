package dev.likeness.console.view;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.likeness.events.v1.AtlasIndexed;
import dev.likeness.events.v1.InsightResult;

/**
 * What the page "What the networks learn" shows: every atlas of the compacted index (docs/insight.md), and the
 * recent insight results (activation maps, explanations) the page waits for by request id.
 */
@ApplicationScoped
public class Insights {

    /** Results kept for pages that poll for them; older ones are dropped. */
    static final int RECENT_RESULTS = 200;

    private final Map<String, AtlasIndexed> atlases = new ConcurrentSkipListMap<>();
    private final LinkedHashMap<String, InsightResult> results = new LinkedHashMap<>();

    /** An index record, or with {@code null} a tombstone: the atlas is gone. */
    public void atlas(String name, AtlasIndexed indexed) {
        if (indexed == null) {
            atlases.remove(name);
        } else {
            atlases.put(name, indexed);
        }
    }

    /** Every atlas, by name. */
    public List<AtlasIndexed> atlases() {
        return List.copyOf(atlases.values());
    }

    public Optional<AtlasIndexed> atlas(String name) {
        return Optional.ofNullable(atlases.get(name));
    }

    public synchronized void result(InsightResult result) {
        results.put(result.getRequestId(), result);
        if (results.size() > RECENT_RESULTS) {
            results.remove(results.keySet().iterator().next());
        }
    }

    public synchronized Optional<InsightResult> result(String requestId) {
        return Optional.ofNullable(results.get(requestId));
    }
}
