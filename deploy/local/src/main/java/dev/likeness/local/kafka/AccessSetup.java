package dev.likeness.local.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/**
 * What Strimzi's User and Topic Operators do for the cluster, done by the secured local broker as its super
 * user once it answers: a SCRAM-SHA-512 credential and the ACLs of every KafkaUser, and every KafkaTopic.
 * Idempotent, so a restart on the same data directory re-applies the manifests as they are now.
 */
final class AccessSetup {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int SCRAM_ITERATIONS = 4096;

    private AccessSetup() {}

    /** Applies the manifests and waits until the broker itself serves the credentials and ACLs. */
    static void apply(Map<String, Object> adminConfig, BrokerSecurity security, Path usersFile, Path topicsFile)
            throws Exception {
        List<StrimziManifests.User> users = StrimziManifests.users(usersFile);
        List<NewTopic> topics = StrimziManifests.topics(topicsFile);
        try (Admin admin = Admin.create(adminConfig)) {
            List<UserScramCredentialAlteration> credentials = new ArrayList<>();
            List<AclBinding> acls = new ArrayList<>();
            for (StrimziManifests.User user : users) {
                credentials.add(new UserScramCredentialUpsertion(
                        user.name(),
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                        security.passwordFor(user.name())));
                acls.addAll(user.acls());
            }
            if (!credentials.isEmpty()) {
                admin.alterUserScramCredentials(credentials).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!acls.isEmpty()) {
                admin.createAcls(acls).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            List<ClientQuotaAlteration> quotas = users.stream()
                    .filter(user -> !user.quotas().isEmpty())
                    .map(user -> new ClientQuotaAlteration(
                            new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, user.name())),
                            user.quotas().entrySet().stream()
                                    .map(quota -> new ClientQuotaAlteration.Op(quota.getKey(), quota.getValue()))
                                    .toList()))
                    .toList();
            if (!quotas.isEmpty()) {
                admin.alterClientQuotas(quotas).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            createMissing(admin, topics);
            awaitServed(admin, users, acls);
        }
        System.out.println("Applied " + users.size() + " users with "
                + users.stream().mapToInt(u -> u.acls().size()).sum() + " ACLs from " + usersFile + " and "
                + topics.size() + " topics from " + topicsFile);
    }

    private static void createMissing(Admin admin, List<NewTopic> topics) throws Exception {
        Set<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<NewTopic> missing =
                topics.stream().filter(t -> !existing.contains(t.name())).toList();
        if (missing.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(missing).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * The controller has committed the credentials and ACLs when the calls return; the broker applies them
     * from the metadata log a moment later. Both describe calls are answered by the broker, so once they show
     * everything, a client that logs in now is judged by the new rules.
     */
    private static void awaitServed(Admin admin, List<StrimziManifests.User> users, List<AclBinding> acls)
            throws Exception {
        Set<String> names = new HashSet<>();
        users.forEach(user -> names.add(user.name()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Set<String> served = new HashSet<>();
            admin.describeUserScramCredentials()
                    .all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((user, description) -> served.add(user));
            Set<AclBinding> servedAcls = new HashSet<>(
                    admin.describeAcls(AclBindingFilter.ANY).values().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            if (served.containsAll(names) && servedAcls.containsAll(acls)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The broker did not serve the users " + names + " and their "
                        + acls.size() + " ACLs within " + TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }
}
