package dev.likeness.cli;

import org.apache.kafka.common.KafkaException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code likeness} command line: talks to the mesh through its Kafka topics. */
@Command(
        name = "likeness",
        description = "Publish photos to the Likeness mesh, wait for results, watch topics and dead letters.",
        subcommands = {
            PublishCommand.class,
            EnrolCommand.class,
            IdentifyCommand.class,
            VerifyCommand.class,
            AnalyseCommand.class,
            WatchCommand.class,
            DlqCommand.class,
            StyliseCommand.class,
            GalleryCommand.class,
            TenantCommand.class,
            EvaluateCommand.class,
            AdaptCommand.class,
            AtlasCommand.class,
            MapsCommand.class,
            ExplainCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  ok",
            "  1  the request was answered with an error result",
            "  2  usage error or unreadable file",
            "  3  Kafka unreachable, a topic missing, or another Kafka failure (gallery delete, tenant: matching unreachable)",
            "  4  timed out waiting for a result",
            "  5  unexpected failure"
        })
public final class Likeness implements Runnable {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            scope = ScopeType.INHERIT,
            description = "Show this help.")
    boolean helpRequested;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with the exit codes above; tests run it in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new Likeness()).setExecutionExceptionHandler((failure, command, parseResult) -> {
            if (failure instanceof CliException cliFailure) {
                command.getErr().println("likeness: " + cliFailure.getMessage());
                return cliFailure.exitCode();
            }
            if (failure instanceof KafkaException) {
                command.getErr().println("likeness: Kafka failure: " + failure.getMessage());
                return ExitCodes.KAFKA_UNAVAILABLE;
            }
            command.getErr().println("likeness: unexpected failure: " + failure);
            return ExitCodes.UNEXPECTED;
        });
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command");
    }
}
