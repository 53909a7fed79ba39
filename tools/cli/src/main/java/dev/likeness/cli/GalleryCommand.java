package dev.likeness.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "gallery",
        description = "List or delete the identities of the gallery.",
        subcommands = {GalleryListCommand.class, GalleryDeleteCommand.class})
final class GalleryCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: list or delete");
    }
}
