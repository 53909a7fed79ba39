package dev.likeness.bench.micro;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Version;

import dev.likeness.bench.Machine;
import dev.likeness.bench.Report;

/**
 * Runs the JMH micro-benchmarks of this package and writes their section of docs/benchmarks.md:
 * <pre>
 * java -cp 'tools/bench/target/classes:tools/bench/target/lib/*' dev.likeness.bench.micro.MicroBenchmarks docs/benchmarks.md [REGEX]
 * </pre>
 * JMH forks a JVM per benchmark and takes its own warm-up and measurement iterations (the annotations on each
 * class); the table gives its mean and JMH's 99.9 % error.
 */
public final class MicroBenchmarks {

    private MicroBenchmarks() {}

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        String include = args.length > 1 ? args[1] : MicroBenchmarks.class.getPackageName() + ".*Benchmark";
        String load = Machine.load();
        Collection<RunResult> results =
                new Runner(new OptionsBuilder().include(include).build()).run();
        String md = "## In-process micro-benchmarks (JMH)\n\n"
                + "Command: `make bench-micro` (`MicroBenchmarks`, JMH " + Version.getPlainVersion() + "). Machine: "
                + Machine.describe() + "; " + load + " at the start (the machine is shared: compare rows of one run)."
                + " Each benchmark in its own forked JVM; mean of the measurement iterations with JMH's 99.9 %"
                + " error (half the confidence interval).\n\n"
                + "| benchmark | parameters | mean ± 99.9 % error |\n|---|---|---|\n"
                + results.stream().map(MicroBenchmarks::row).collect(Collectors.joining());
        Report.writeSection(report, "micro", md);
        System.out.print(md);
    }

    private static String row(RunResult run) {
        var result = run.getPrimaryResult();
        String label = run.getParams().getBenchmark();
        Map<String, String> params = run.getParams().getParamsKeys().stream()
                .collect(Collectors.toMap(key -> key, key -> run.getParams().getParam(key)));
        return String.format(
                Locale.ROOT,
                "| `%s` | %s | %.1f ± %.1f %s |\n",
                label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1),
                params.isEmpty() ? "" : params.toString().replaceAll("[{}]", ""),
                result.getScore(),
                result.getScoreError(),
                result.getScoreUnit());
    }
}
