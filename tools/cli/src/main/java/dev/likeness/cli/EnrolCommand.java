package dev.likeness.cli;

import java.nio.file.Path;

import dev.likeness.events.v1.Purpose;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "enrol",
        description = "Enrol the subject of FILE (or the face --face names) as identity ID and print the MatchResult"
                + " as JSON.")
final class EnrolCommand extends RequestCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "Identity id.")
    String identityId;

    @Parameters(index = "1", paramLabel = "FILE", description = "The photo.")
    Path file;

    @Option(names = "--name", description = "Display name.")
    String displayName;

    @Mixin
    FaceOptions face;

    @Override
    Path photo() {
        return file;
    }

    @Override
    Purpose purpose() {
        return Purposes.enrol(identityId, displayName, face.choice());
    }
}
