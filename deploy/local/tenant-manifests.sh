#!/usr/bin/env bash
# The Strimzi manifests of tenants whose own clients talk Kafka (docs/matching.md, "Tenants"): per tenant a
# KafkaUser likeness-tenant-T with ACLs on the prefix likeness.tenant.T. only and a produce quota, and its topics.
#   bash deploy/local/tenant-manifests.sh acme globex [--producer-byte-rate 1048576] [--out FILE] > tenants.yaml
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/module.sh"
MAIN_CLASS=dev.likeness.local.kafka.TenantManifests
ensure_built "$MAIN_CLASS"

exec "$JAVA" -cp "$LOCAL_CLASSPATH" "$MAIN_CLASS" "$@"
