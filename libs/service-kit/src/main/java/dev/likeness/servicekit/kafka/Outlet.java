package dev.likeness.servicekit.kafka;

import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Where one kind of output goes: its own channel in at-least-once mode, its topic (written through the
 * transactional channel) in exactly-once mode.
 */
public record Outlet(MutinyEmitter<byte[]> channel, String topic) {}
