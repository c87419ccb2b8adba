#!/usr/bin/env bash
# Runs every test: unit, real etcd, real network namespaces, end to end. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
exec mvn -B verify "$@"
