package dev.likeness.cli;

import java.nio.file.Path;

import dev.likeness.events.v1.Purpose;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "identify", description = "Identify the faces in FILE and print the MatchResult as JSON.")
final class IdentifyCommand extends RequestCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "Photo.")
    Path file;

    @Override
    Path photo() {
        return file;
    }

    @Override
    Purpose purpose() {
        return Purposes.identify();
    }
}
