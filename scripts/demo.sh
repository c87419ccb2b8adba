#!/usr/bin/env bash
# The demo: builds vip4j and moves a leader key between three nodes, printing what each node does.
# (Until the launcher and its namespace lab land, this runs the in-memory EmbeddedExample.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "vip4j demo: building (mvn package, tests skipped)..." >&2
mvn -B -q -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "vip-examples/target/classes:$(cat vip-examples/target/classpath.txt)" org.vip4j.examples.EmbeddedExample
