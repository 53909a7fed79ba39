package dev.likeness.cli;

import dev.likeness.core.events.Requests;
import dev.likeness.events.v1.FaceChoice;
import picocli.CommandLine.Option;

/** Which face of the photo is meant, when not its subject (the large face near the middle). */
final class FaceOptions {

    @Option(
            names = "--face",
            paramLabel = "N",
            description = "The face meant: its index in the photo's faces (highest detector score first)."
                    + " Default: the photo's subject.")
    Integer index;

    @Option(
            names = "--face-at",
            paramLabel = "X,Y",
            description = "The face meant: the one whose box holds this point (pixels of the upright photo).")
    String point;

    /** The named face, or null for the subject; exit 2 when the options are malformed. */
    FaceChoice choice() {
        return choice(index, point);
    }

    static FaceChoice choice(Integer index, String point) {
        try {
            return Requests.faceChoice(index, point);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }
}
