package dev.likeness.cli;

import java.net.http.HttpResponse;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "tenant",
        description = "The operator's view of the tenants, through the matching service's API (the admin scope).",
        subcommands = {TenantCommand.ListTenants.class, TenantCommand.DeleteTenant.class})
final class TenantCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: list or delete");
    }

    @Command(name = "list", description = "Tenants with at least one identity: tenant, identities (tab-separated).")
    static final class ListTenants implements Callable<Integer> {

        @Mixin
        MatchingApi api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            HttpResponse<String> response = api.send("GET", "/api/v1/tenants", null);
            if (response.statusCode() != 200) {
                return MatchingApi.failed(response, spec.commandLine().getErr());
            }
            for (JsonNode tenant : MatchingApi.json(response)) {
                spec.commandLine()
                        .getOut()
                        .printf(
                                "%s\t%d%n",
                                tenant.get("tenant").asText(),
                                tenant.get("identities").asInt());
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "delete",
            description = "Delete TENANT's whole gallery (a tombstone per identity); answered once the matching"
                    + " service has applied them all.")
    static final class DeleteTenant implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant.")
        String tenant;

        @Mixin
        MatchingApi api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            HttpResponse<String> response = api.send("DELETE", "/api/v1/tenants/" + MatchingApi.segment(tenant), null);
            if (response.statusCode() != 200) {
                return MatchingApi.failed(response, spec.commandLine().getErr());
            }
            spec.commandLine()
                    .getOut()
                    .println("deleted tenant " + tenant + ": "
                            + MatchingApi.json(response)
                                    .get("identitiesDeleted")
                                    .asInt() + " identities");
            return ExitCodes.OK;
        }
    }
}
