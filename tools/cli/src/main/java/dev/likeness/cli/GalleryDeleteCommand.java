package dev.likeness.cli;

import java.net.http.HttpResponse;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "delete",
        description = "Delete identity ID through the matching service's API (the gallery topic's"
                + " only writer, which writes its tombstone); an unknown ID exits with 1. When the API requires it, the"
                + " key comes from $LIKENESS_API_KEY or a bearer token from $LIKENESS_API_TOKEN.")
final class GalleryDeleteCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "Identity id.")
    String identityId;

    @Mixin
    MatchingApi api;

    @Mixin
    TenantOption tenant;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        HttpResponse<String> response =
                api.send("DELETE", "/api/v1/identities/" + MatchingApi.segment(identityId), tenant.named());
        if (response.statusCode() == 204) {
            spec.commandLine().getOut().println("deleted " + identityId);
            return ExitCodes.OK;
        }
        return MatchingApi.failed(response, spec.commandLine().getErr());
    }
}
