package dev.likeness.bench;

/** Where and with what a scenario was measured ({@link Machine#describe()}), and the machine's load then. */
public record Provenance(String machine, String load) {

    /** This machine, this commit, and its load average now. */
    public static Provenance now() {
        return new Provenance(Machine.describe(), Machine.load());
    }
}
