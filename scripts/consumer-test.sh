#!/usr/bin/env bash
# Builds consumer/, a small project outside the reactor, the way a user's project would use vip4j: it imports the
# BOM, depends on vip-core, vip-dcs-etcd, vip-net-linux (and vip-testing for its tests), compiles the README's
# embedding example and runs a test of its own on the fixtures. Offline, against the artifacts `mvn install` puts in
# a throw-away local repository, so a missing pom entry, BOM line or class fails here, not in a user's build.
# Also checks that the README's example is, line for line, the code this build compiles.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/vip4j-consumer.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. the README's embedding example is the consumer's code
extract_readme() { awk '/^## Embedding/{s=1} s&&/^```java/{f=1;next} f&&/^```/{exit} f' README.md; }
extract_source() {
  awk '/README:begin/{f=1;next} /README:end/{f=0} f' consumer/src/main/java/com/example/vipapp/PrimaryVip.java \
    | sed 's/^        //'
}
if ! diff <(extract_readme) <(extract_source) >"$work/readme.diff"; then
  echo "consumer-test: README.md's embedding example differs from consumer/.../PrimaryVip.java:" >&2
  cat "$work/readme.diff" >&2
  exit 1
fi

# the BOM pins the Netty the build uses (the parent's netty.version), or users get another mix than we test
parent_netty=$(sed -n 's:.*<netty.version>\(.*\)</netty.version>.*:\1:p' pom.xml)
bom_netty=$(awk '/<artifactId>netty-bom</{getline; print}' vip4j-bom/pom.xml | sed 's:.*<version>\(.*\)</version>.*:\1:')
if [ "$parent_netty" != "$bom_netty" ]; then
  echo "consumer-test: vip4j-bom imports netty-bom $bom_netty, the build uses netty.version $parent_netty" >&2
  exit 1
fi

# 2. a local repository with this machine's third-party artifacts (links, no copy, no network) and no vip4j
repo=$work/repo
mkdir -p "$repo/org"
for d in "$HOME"/.m2/repository/*; do
  [ "$(basename "$d")" = org ] || ln -s "$d" "$repo/$(basename "$d")"
done
for d in "$HOME"/.m2/repository/org/*; do
  [ "$(basename "$d")" = vip4j ] || ln -s "$d" "$repo/org/$(basename "$d")"
done
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
echo "consumer-test: installing vip4j $version into a throw-away repository"
mvn -B -q -o install -Dmaven.repo.local="$repo" -Dmaven.test.skip=true -Dvip4j.library.skip=true -Djdeb.skip=true \
  -Dexec.skip=true -pl '!vip-examples'  # the launcher is not a library

# 3. the user's build, offline, from a copy outside the source tree
cp -r consumer "$work/consumer"
mvn -B -o -f "$work/consumer/pom.xml" -Dmaven.repo.local="$repo" -Dvip4j.version="$version" verify

# 4. the same application on the module path: vip-core is the module org.vip4j and hides its internals from the
#    compiler and at run time; the providers (automatic modules) are still found. Third-party jars stay on the class
#    path, as most users have them (jetcd's and gRPC's are not modules).
mkdir -p "$work/manifest"
(cd "$work/manifest" && jar xf "$work/consumer/target/vipapp-1.0.jar" META-INF/MANIFEST.MF)
manifest=$(tr -d '\r' <"$work/manifest/META-INF/MANIFEST.MF" | sed -e ':a;N;$!ba;s/\n //g')
modules=() others=()
for jar in $(sed -n 's/^Class-Path: //p' <<<"$manifest"); do
  case "$jar" in
    org/vip4j/*|org/slf4j/slf4j-api/*) modules+=("$repo/$jar") ;;
    *) others+=("$repo/$jar") ;;
  esac
done
if [ "${#modules[@]}" -lt 5 ]; then
  echo "consumer-test: expected vip-core, slf4j-api and the providers in the consumer's manifest, found: ${modules[*]}" >&2
  exit 1
fi
mp=$(IFS=:; echo "${modules[*]}")
cp=$(IFS=:; echo "$work/consumer/target/classes:${others[*]}")
mkdir -p "$work/peek/com/example" "$work/peek-out"
cat >"$work/peek/com/example/Peek.java" <<'JAVA'
package com.example;

public class Peek {
    long now = org.vip4j.internal.Ticker.system().millis();
}
JAVA
if javac -d "$work/peek-out" --module-path "$mp" --add-modules org.vip4j -cp "$cp" \
    "$work/peek/com/example/Peek.java" >"$work/peek.log" 2>&1; then
  echo "consumer-test: code outside vip-core compiled against org.vip4j.internal on the module path" >&2
  exit 1
fi
if ! grep -q "does not export it" "$work/peek.log"; then
  echo "consumer-test: compiling against org.vip4j.internal failed, but not because the module hides it:" >&2
  cat "$work/peek.log" >&2
  exit 1
fi
echo "consumer-test: org.vip4j.internal is not visible to a user's code: $(grep -m1 'does not export' "$work/peek.log")"
java --module-path "$mp" --add-modules ALL-MODULE-PATH -cp "$cp" com.example.vipapp.ModulePathCheck
echo "consumer-test: passed (vip4j $version from $(find "$repo/org/vip4j" -name '*.jar' | wc -l) installed jars)"
