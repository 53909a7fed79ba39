package dev.likeness.cli;

/** A failure the user can act on: its message is printed without a stack trace, and the CLI exits with its code. */
final class CliException extends RuntimeException {

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
