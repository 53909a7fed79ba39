package dev.likeness.servicekit.kafka;

import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Where one kind of output goes: its topic, written through its own channel in at-least-once mode and through the
 * transactional channel in exactly-once mode. The topic may be another than the channel's (a tenant's own results
 * topic).
 */
public record Outlet(MutinyEmitter<byte[]> channel, String topic) {}
