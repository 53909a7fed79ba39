package dev.likeness.cli;

import dev.likeness.events.v1.FaceChoice;
import dev.likeness.events.v1.Purpose;

/** What a photo is submitted for. */
final class Purposes {

    private Purposes() {}

    static Purpose detectOnly() {
        return Purpose.newBuilder()
                .setDetectOnly(Purpose.DetectOnly.getDefaultInstance())
                .build();
    }

    static Purpose identify() {
        return Purpose.newBuilder()
                .setIdentify(Purpose.Identify.getDefaultInstance())
                .build();
    }

    /** @param face the face meant, or null for the photo's subject */
    static Purpose enrol(String identityId, String displayName, FaceChoice face) {
        Purpose.Enrol.Builder enrol = Purpose.Enrol.newBuilder().setIdentityId(identityId);
        if (displayName != null) {
            enrol.setDisplayName(displayName);
        }
        if (face != null) {
            enrol.setFace(face);
        }
        return Purpose.newBuilder().setEnrol(enrol).build();
    }

    static Purpose verify(String claimedIdentityId) {
        return Purpose.newBuilder()
                .setVerify(Purpose.Verify.newBuilder().setClaimedIdentityId(claimedIdentityId))
                .build();
    }
}
