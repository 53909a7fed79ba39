package dev.likeness.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/** Where and with what a figure was measured, so that every report names it. */
public final class Machine {

    private Machine() {}

    public static String describe() {
        return String.format(
                "%s, %d cores (%s), %s %s, commit %s",
                LocalDate.now(),
                Runtime.getRuntime().availableProcessors(),
                cpu(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                commit());
    }

    /** The processor's model name, where Linux tells it. */
    static String cpu() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (IOException | UncheckedIOException e) {
            return "unknown CPU";
        }
    }

    /** The one-line load average when the figures were taken: the machine is shared. */
    public static String load() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return "load average " + fields[0] + " / " + fields[1] + " / " + fields[2];
        } catch (IOException e) {
            return "load average unknown";
        }
    }

    private static String commit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
                    .directory(Path.of(".").toFile())
                    .redirectErrorStream(true)
                    .start();
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
