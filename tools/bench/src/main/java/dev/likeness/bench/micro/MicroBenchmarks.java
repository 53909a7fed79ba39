package dev.likeness.bench.micro;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Version;

import dev.likeness.bench.BenchReport;
import dev.likeness.bench.Provenance;
import dev.likeness.bench.Report;
import dev.likeness.bench.Results;

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
        Provenance provenance = Provenance.now();
        Collection<RunResult> runs =
                new Runner(new OptionsBuilder().include(include).build()).run();
        String md = BenchReport.micro(new Results.Micro(
                provenance,
                Version.getPlainVersion(),
                runs.stream().map(MicroBenchmarks::row).toList()));
        Report.writeSection(report, "micro", md);
        System.out.print(md);
    }

    private static Results.MicroRow row(RunResult run) {
        var result = run.getPrimaryResult();
        Map<String, String> params = new LinkedHashMap<>();
        run.getParams()
                .getParamsKeys()
                .forEach(key -> params.put(key, run.getParams().getParam(key)));
        return new Results.MicroRow(
                run.getParams().getBenchmark(),
                params,
                result.getScore(),
                result.getScoreError(),
                result.getScoreUnit());
    }
}
