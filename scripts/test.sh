#!/usr/bin/env bash
# Runs every test: unit, real etcd, real network namespaces, end to end, the Debian package, and a user's project
# built against the installed artifacts. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -B verify "$@"
# a user's project built against what `mvn install` publishes (BOM, poms, jars), and the README's example in it
scripts/consumer-test.sh
