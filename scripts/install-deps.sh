#!/usr/bin/env bash
# Installs, as root on Debian, what building and testing vip4j needs, and nothing that is already there.
set -euo pipefail
need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
[ -x /usr/bin/etcd ] || need+=(etcd-server)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v tcpdump >/dev/null 2>&1 || need+=(tcpdump)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
command -v ping >/dev/null 2>&1 || need+=(iputils-ping)
command -v curl >/dev/null 2>&1 || need+=(curl)
# the Debian package test (DebianPackageIT): lintian, and systemd-analyze to check the units
command -v lintian >/dev/null 2>&1 || need+=(lintian)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# libfaketime: steps a node's wall clock in the lab (WallClockStepIT)
[ -f /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 ] || need+=(faketime)
# the Patroni lab (PatroniLabIT, scripts/patroni-lab.sh): Debian's Patroni with its etcd client, PostgreSQL 15,
# psycopg2 for the lab's client; the system python3, whatever else is first on PATH
[ -x /usr/bin/patroni ] || need+=(patroni)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client-15)
/usr/bin/python3 -c 'import etcd' >/dev/null 2>&1 || need+=(python3-etcd)
/usr/bin/python3 -c 'import psycopg2' >/dev/null 2>&1 || need+=(python3-psycopg2)
# ZooKeeper: Debian's server for the zookeeper provider's tests and the lab, and kazoo for Patroni's zookeeper mode
[ -r /usr/share/java/zookeeper.jar ] || need+=(zookeeper)
/usr/bin/python3 -c 'import kazoo' >/dev/null 2>&1 || need+=(python3-kazoo)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "vip4j: missing ${need[*]}; run as root (or: apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "vip4j: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
