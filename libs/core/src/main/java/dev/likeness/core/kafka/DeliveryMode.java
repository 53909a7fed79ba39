package dev.likeness.core.kafka;

import java.util.Locale;

/**
 * How a consuming service hands its output to the broker ({@code likeness.delivery}, env
 * {@code LIKENESS_DELIVERY}); see docs/reliability.md.
 */
public enum DeliveryMode {

    /**
     * Results are sent, then the batch's offsets committed. A crash in between redelivers the batch, which
     * produces results with the same keys and CloudEvents ids again: readers may see a result twice.
     */
    AT_LEAST_ONCE("at-least-once"),

    /**
     * Results, dead letters and the batch's offsets are committed in one Kafka transaction: a
     * {@code read_committed} reader sees every result once, and never one of an aborted attempt.
     */
    EXACTLY_ONCE("exactly-once");

    private final String configValue;

    DeliveryMode(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    /** The mode of a config value, failing with the allowed values in the message. */
    public static DeliveryMode of(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (DeliveryMode mode : values()) {
            if (mode.configValue.equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("likeness.delivery=" + value + " is neither at-least-once nor exactly-once");
    }
}
