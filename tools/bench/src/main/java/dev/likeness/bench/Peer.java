package dev.likeness.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the onnxruntime-node peer (tools/bench/peer/peer.js) once and reads its one JSON line. */
final class Peer {

    private static final Pattern SECONDS = Pattern.compile("\"seconds\":\\[([^\\]]*)\\]");
    private static final Pattern FACES = Pattern.compile("\"faces\":(\\d+)");
    private static final Pattern RUNTIME = Pattern.compile("\"runtime\":\"([^\"]*)\"");

    private Peer() {}

    record Result(String runtime, int faces, Measurement seconds) {}

    static Result run(Path script, Path models, int batch, int warmUp, int runs, List<Path> images)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "node",
                script.toString(),
                models.toAbsolutePath().toString(),
                String.valueOf(batch),
                String.valueOf(warmUp),
                String.valueOf(runs)));
        images.forEach(image -> command.add(image.toString()));
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (node.waitFor() != 0) {
            throw new IllegalStateException("the Node peer failed (did `npm ci` run in tools/bench/peer?):\n" + out);
        }
        Matcher seconds = SECONDS.matcher(out);
        Matcher faces = FACES.matcher(out);
        Matcher runtime = RUNTIME.matcher(out);
        if (!seconds.find() || !faces.find() || !runtime.find()) {
            throw new IllegalStateException("unexpected output of the Node peer:\n" + out);
        }
        double[] values = java.util.Arrays.stream(seconds.group(1).split(","))
                .mapToDouble(Double::parseDouble)
                .toArray();
        return new Result(runtime.group(1), Integer.parseInt(faces.group(1)), Measurement.ofSeconds(values));
    }
}
