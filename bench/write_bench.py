"""make bench, writes: households created through the API at 32 connections, with GETs
running beside them, and the sqlite3 shell inserting the same rows as the ceiling.

usage: write_bench.py ANJU COUNTY_DB WORKDIR PORT [SECONDS]
Copies COUNTY_DB, serves the copy, runs wrk with bench/create_households.lua (four persons a
household) and, at the same time, GETs of one household at 50 a second. Then
replays every row the API wrote (households, persons, membership events, audit) into a
copy taken before the run with the sqlite3 shell, one transaction per household as the
server commits them, and prints one JSON object.
"""
import http.client
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request

anju, county, work, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
seconds = int(sys.argv[5]) if len(sys.argv) > 5 else 20
here = os.path.dirname(os.path.abspath(__file__))
db = os.path.join(work, "writes.db")
before = os.path.join(work, "writes-before.db")
shutil.copy(county, db)
base = "http://127.0.0.1:%d" % port


def paced_gets(port, token, path, seconds, rate):
    """GETs at a steady `rate` per second on one keep-alive connection, as a user paging
    through records would, instead of a closed loop that would take the CPU from the
    writes; returns each request's latency in ms."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    out, start = [], time.monotonic()
    for i in range(int(seconds * rate)):
        wait = start + i / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        t0 = time.monotonic()
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise SystemExit("GET answered %d" % r.status)
        out.append((time.monotonic() - t0) * 1000)
    conn.close()
    return sorted(out)


def cli(*args, stdin=None):
    subprocess.run([anju, "--db", db, "--data", os.path.join(work, "writes-data")] + list(args),
                   input=stdin, text=True, check=True, capture_output=True)


cli("user", "add", "writer", "--role", "admin", stdin="bench-password\n")
src, dst = sqlite3.connect(db), sqlite3.connect(before)
src.backup(dst)
src.close()
dst.close()
threads = os.environ.get("BENCH_THREADS", "4")
server = subprocess.Popen([anju, "--db", db, "--data", os.path.join(work, "writes-data"), "serve",
                           "--port", str(port), "--threads", threads],
                          stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "writes.log"), "w"))
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz")
            break
        except OSError:
            time.sleep(0.1)
    req = urllib.request.Request(base + "/api/v1/session", method="POST",
                                 data=b'{"username":"writer","password":"bench-password"}',
                                 headers={"Content-Type": "application/json"})
    token = json.load(urllib.request.urlopen(req))["token"]
    c = sqlite3.connect(db)
    first_new = c.execute("SELECT coalesce(max(id), 0) FROM households").fetchone()[0] + 1
    some = c.execute("SELECT max(id) / 2 FROM households").fetchone()[0]
    c.close()

    writes = subprocess.Popen(["wrk", "-t2", "-c32", "-d%ds" % seconds, "--timeout", "30s",
                               "-s", os.path.join(here, "create_households.lua"), base,
                               "--", token, "0"], stdout=subprocess.PIPE, text=True)
    time.sleep(1)       # GETs measured while the writes are under way
    gets = paced_gets(port, token, "/api/v1/households/%d" % some, seconds - 2, 50)
    wout = writes.communicate()[0]
finally:
    server.terminate()
    server.wait()

m = dict(re.findall(r"(\w+)=([\d.]+)", wout.split("WRITE_BENCH", 1)[1]))


def pct(xs, p):
    return round(xs[min(len(xs) - 1, int(len(xs) * p / 100))], 1)


c = sqlite3.connect(db)
households = c.execute("SELECT count(*) FROM households WHERE id >= ?", (first_new,)).fetchone()[0]
persons = c.execute("SELECT count(*) FROM persons WHERE household_id >= ?", (first_new,)).fetchone()[0]

# The ceiling: the same rows through the sqlite3 shell, one transaction a household.
def literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def inserts(table, rows):
    return "".join("INSERT INTO %s VALUES (%s);\n" % (table, ",".join(map(literal, r))) for r in rows)


sql = ["PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;\n"]
for (hid,) in c.execute("SELECT id FROM households WHERE id >= ? ORDER BY id", (first_new,)).fetchall():
    sql.append("BEGIN IMMEDIATE;\n")
    sql.append(inserts("households", c.execute("SELECT * FROM households WHERE id = ?", (hid,))))
    sql.append(inserts("persons", c.execute("SELECT * FROM persons WHERE household_id = ?", (hid,))))
    sql.append(inserts("member_events", c.execute("SELECT * FROM member_events WHERE household_id = ?", (hid,))))
    sql.append(inserts("audit", c.execute("SELECT * FROM audit WHERE entity = 'household' AND entity_id = ?"
                                          " AND action = 'create'", (hid,))))
    sql.append("COMMIT;\n")
c.close()
script = os.path.join(work, "writes.sql")
with open(script, "w") as f:
    f.writelines(sql)
t0 = time.monotonic()
with open(script) as f:
    subprocess.run(["sqlite3", before], stdin=f, check=True, stdout=subprocess.DEVNULL)
shell_s = time.monotonic() - t0

print(json.dumps({
    "seconds": seconds, "threads": int(threads),
    "households": households, "persons": persons,
    "households_per_s": round(households / seconds), "persons_per_s": round(persons / seconds),
    "write_p50_ms": float(m["p50_ms"]), "write_p99_ms": float(m["p99_ms"]),
    "write_max_ms": float(m["max_ms"]), "write_errors": int(m["errors_non2xx"]) + int(m["timeouts"]),
    "gets": len(gets), "get_p50_ms": pct(gets, 50), "get_p99_ms": pct(gets, 99),
    "shell_persons_per_s": round(persons / shell_s) if shell_s > 0 else 0,
    "shell_households_per_s": round(households / shell_s) if shell_s > 0 else 0,
}))
