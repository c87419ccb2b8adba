#!/usr/bin/env bash
# The demo: builds vip4j and moves a leader key between nodes, printing what each node does.
# (Until the launcher and its namespace lab land, this runs the in-memory EmbeddedExample.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -B -q -DskipTests install
exec mvn -B -q -pl vip-examples exec:java -Dexec.mainClass=org.vip4j.examples.EmbeddedExample
