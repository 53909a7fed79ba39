package dev.likeness.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;

/** Where and with what a figure was measured, so that every report names it. */
public final class Machine {

    private Machine() {
    }

    public static String describe() {
        return String.format("%s, %d cores, %s %s, commit %s", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), commit());
    }

    private static String commit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").directory(Path.of(".").toFile())
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
