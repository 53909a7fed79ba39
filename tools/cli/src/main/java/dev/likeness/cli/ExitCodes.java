package dev.likeness.cli;

/** What {@code likeness} exits with, for scripts; listed in {@code likeness --help}. */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int ERROR_RESULT = 1;
    /** The same code picocli gives to unknown options and missing parameters. */
    public static final int USAGE = 2;

    public static final int KAFKA_UNAVAILABLE = 3;
    public static final int TIMED_OUT = 4;
    public static final int UNEXPECTED = 5;

    private ExitCodes() {}
}
