package dev.likeness.cli;

import java.nio.file.Path;

import dev.likeness.events.v1.FaceChoice;
import dev.likeness.events.v1.Purpose;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "verify",
        description = "Check whether FILE shows identity ID (--identity), or the same person as SECOND, and print the"
                + " MatchResult as JSON. The person compared is each photo's subject unless --face names another.")
final class VerifyCommand extends RequestCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "The photo.")
    Path file;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SECOND", description = "A second photo to compare with.")
    Path second;

    @Option(names = "--identity", paramLabel = "ID", description = "The claimed identity (instead of SECOND).")
    String identityId;

    @Mixin
    FaceOptions face;

    @ArgGroup(exclusive = true)
    SecondFace secondFace;

    /** The face meant in SECOND, when not its subject. */
    static final class SecondFace {
        @Option(names = "--second-face", paramLabel = "N", description = "The face meant in SECOND, by index.")
        Integer index;

        @Option(
                names = "--second-face-at",
                paramLabel = "X,Y",
                description = "The face meant in SECOND: the one whose box holds this point.")
        String point;
    }

    @Override
    Path photo() {
        return file;
    }

    @Override
    Purpose purpose() {
        if ((identityId == null) == (second == null)) {
            throw new CliException(ExitCodes.USAGE, "give either --identity ID or a SECOND photo");
        }
        Purpose.Verify.Builder verify = Purpose.Verify.newBuilder();
        FaceChoice named = face.choice();
        if (named != null) {
            verify.setFace(named);
        }
        if (identityId != null) {
            if (secondFace != null) {
                throw new CliException(ExitCodes.USAGE, "--second-face needs a SECOND photo");
            }
            return Purpose.newBuilder()
                    .setVerify(verify.setClaimedIdentityId(identityId))
                    .build();
        }
        verify.setSecondImage(ImageRequests.image(second));
        if (secondFace != null) {
            verify.setSecondImageFace(FaceOptions.choice(secondFace.index, secondFace.point));
        }
        return Purpose.newBuilder().setVerify(verify).build();
    }
}
