package dev.likeness.matching.api;

import dev.likeness.events.v1.MatchResult;
import dev.likeness.matching.recognition.RequestRefusedException;

/** A MatchResult from the mesh, as the API answers it. */
final class Results {

    private Results() {}

    /** A RequestError outcome becomes the same problem as a refusal on this replica. */
    static void throwIfError(MatchResult result) {
        if (result.getOutcomeCase() == MatchResult.OutcomeCase.ERROR) {
            throw new RequestRefusedException(
                    result.getError().getCode(), result.getError().getMessage());
        }
    }
}
