package dev.likeness.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code likeness} CLI as a user runs it: the wrapper script tools/cli/likeness, in its own process. */
final class Cli {

    record Run(int exitCode, String out, String err) {}

    private final Path root;
    private final Path workDir;

    Cli(Path root, Path workDir) {
        this.root = root;
        this.workDir = workDir;
    }

    Run likeness(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of("bash", root.resolve("tools/cli/likeness").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "cli-", ".out");
        Path err = Files.createTempFile(workDir, "cli-", ".err");
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("likeness " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Run(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    }
}
