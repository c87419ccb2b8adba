#!/usr/bin/python3
"""Prints every change of one etcd key with the time it arrived: `<unix seconds.micros> <value>`, `-` for a delete.

The Patroni lab's clock for "the leader key changed": a watch through etcd's v3 JSON gateway (Patroni's etcd3
mode), or a v2 wait loop (Patroni's etcd mode, the only API vip-manager 1.0.2 reads). Runs in the lab's DCS
namespace against 127.0.0.1:2379, so what it adds to the key's real change time is a loopback hop. `zk` follows the
znode through ZooKeeper at 127.0.0.1:2181 with kazoo, Patroni's own ZooKeeper client (Patroni's zookeeper mode).
Usage: key-watch.py v3|v2|zk KEY
"""
import base64
import json
import sys
import time
import urllib.error
import urllib.request

BASE = "http://127.0.0.1:2379"


def emit(value):
    sys.stdout.write("%.6f %s\n" % (time.time(), value if value else "-"))
    sys.stdout.flush()


def watch_v3(key):
    k = base64.b64encode(key.encode()).decode()
    body = json.dumps({"create_request": {"key": k}}).encode()
    with urllib.request.urlopen(urllib.request.Request(BASE + "/v3/watch", data=body)) as stream:
        for line in stream:
            result = json.loads(line).get("result", {})
            for event in result.get("events", []):
                if event.get("type") == "DELETE":
                    emit(None)
                else:
                    emit(base64.b64decode(event["kv"].get("value", "")).decode())


def watch_v2(key):
    index = None
    while True:
        url = BASE + "/v2/keys" + key + "?wait=true" + ("&waitIndex=%d" % index if index else "")
        try:
            with urllib.request.urlopen(url, timeout=60) as r:
                node = json.loads(r.read())
        except (urllib.error.URLError, TimeoutError):
            continue
        action = node.get("action")
        emit(None if action in ("delete", "expire", "compareAndDelete") else node["node"].get("value"))
        index = node["node"]["modifiedIndex"] + 1


def watch_zk(key):
    import threading
    from kazoo.client import KazooClient

    zk = KazooClient(hosts="127.0.0.1:2181")
    zk.start()
    last = []

    def changed(data, stat, *_):
        # kazoo re-arms the watch with each read: changes between two reads show as the later one. The first call
        # is the state at start, which etcd's watches above do not print either
        value = data.decode() if data is not None else None
        if last and value != last[0]:
            emit(value)
        last[:] = [value]
        return True

    zk.DataWatch(key, changed)
    threading.Event().wait()


if __name__ == "__main__":
    {"v3": watch_v3, "v2": watch_v2, "zk": watch_zk}[sys.argv[1]](sys.argv[2])
