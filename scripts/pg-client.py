#!/usr/bin/python3
"""A PostgreSQL client that writes through the VIP every 50 ms, the way an application would, and logs every attempt.

Run in the lab's client namespace by the Patroni lab (PatroniLab.java, scripts/patroni-lab.sh). One line per attempt:

    ok  <sent> <acked> <seq> <node> <server_time>     the write was committed; node from the server's data directory
    err <sent> <failed> <seq> <reason>                  it was not (connection refused, timeout, read-only, ...)

Times are Unix seconds with microseconds, the clock the lab's other logs use (one kernel). A failed write closes the
connection and the next attempt reconnects, as a pool would. connect_timeout and tcp_user_timeout bound an attempt
to a host that silently drops the packets (the black hole of a VIP nobody holds) to what a production client
configured for failover would wait. With --hosts the client is libpq's multi-host failover instead
(target_session_attrs=read-write): it finds the primary itself, which is Patroni's floor without any VIP.
"""
import argparse
import signal
import sys
import time

import psycopg2

running = True


def stop(_signum, _frame):
    global running
    running = False


def connect(args):
    return psycopg2.connect(host=args.hosts, port=5432, user="postgres", password="lab-super", dbname="postgres",
                            connect_timeout=2, tcp_user_timeout=1000, keepalives=1, keepalives_idle=1,
                            keepalives_interval=1, keepalives_count=1, target_session_attrs="read-write",
                            application_name=args.name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", required=True, help="the VIP, or a comma list of the nodes for the floor")
    parser.add_argument("--name", required=True, help="this client's name, kept with every row it writes")
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    out = open(args.out, "a", buffering=1)
    conn = None
    seq = 0
    next_at = time.time()
    while running:
        seq += 1
        sent = time.time()
        try:
            if conn is None:
                conn = connect(args)
                conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("INSERT INTO ticks(client, seq) VALUES (%s, %s) "
                            "RETURNING current_setting('data_directory'), extract(epoch FROM clock_timestamp())",
                            (args.name, seq))
                data_dir, server_time = cur.fetchone()
            node = data_dir.rstrip("/").split("/")[-2].replace("pg-", "")
            out.write("ok %.6f %.6f %d %s %.6f\n" % (sent, time.time(), seq, node, float(server_time)))
        except psycopg2.Error as e:
            reason = " ".join(str(e).split())[:160] or type(e).__name__
            out.write("err %.6f %.6f %d %s\n" % (sent, time.time(), seq, reason))
            if conn is not None:
                try:
                    conn.close()
                except psycopg2.Error:
                    pass
                conn = None
        next_at = max(next_at + args.interval, time.time())
        time.sleep(max(0.0, next_at - time.time()))
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
