package dev.likeness.cli;

import java.nio.file.Path;

import dev.likeness.events.v1.Purpose;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", description = "Check whether FILE shows identity ID and print the MatchResult as JSON.")
final class VerifyCommand extends RequestCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "Photo with one face.")
    Path file;

    @Option(names = "--identity", paramLabel = "ID", required = true, description = "The claimed identity.")
    String identityId;

    @Override
    Path photo() {
        return file;
    }

    @Override
    Purpose purpose() {
        return Purposes.verify(identityId);
    }
}
