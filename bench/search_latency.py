#!/usr/bin/env python3
"""Search latency over one keep-alive connection: p50/p99 per kind of query.

usage: search_latency.py PORT TOKEN DB [N]
Queries are drawn from the database itself: two-character names, ID-number prefixes
(10 digits) and pinyin initials of real persons, so every query can hit.
"""
import http.client
import json
import random
import sqlite3
import sys
import time
from urllib.parse import quote

port, token, db = int(sys.argv[1]), sys.argv[2], sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 300
rnd = random.Random(42)
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
maxid = con.execute("SELECT max(id) FROM persons").fetchone()[0]


def sample(sql, count):
    out = []
    while len(out) < count:
        row = con.execute(sql, (rnd.randint(1, maxid),)).fetchone()
        if row and row[0]:
            out.append(row[0])
    return out


kinds = {
    "two_character_name": sample("SELECT name FROM persons WHERE id >= ? AND length(name) = 2 LIMIT 1", n),
    "id_prefix": [x[:10] for x in sample("SELECT id_number FROM persons WHERE id >= ? LIMIT 1", n)],
    "pinyin_initials": sample("SELECT name_initials FROM persons WHERE id >= ? LIMIT 1", n),
}
conn = http.client.HTTPConnection("127.0.0.1", port)
headers = {"Authorization": "Bearer " + token}
result = {}
for kind, queries in kinds.items():
    times, hits = [], 0
    for q in queries:
        t0 = time.perf_counter()
        conn.request("GET", "/api/v1/search?q=" + quote(q), headers=headers)
        r = conn.getresponse()
        body = r.read()
        times.append((time.perf_counter() - t0) * 1000)
        if r.status != 200:
            sys.exit("search %r: %d %s" % (q, r.status, body[:200]))
        hits += bool(json.loads(body)["results"])
    times.sort()
    result[kind] = {"n": len(times), "p50_ms": round(times[len(times) // 2], 2),
                    "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
                    "found": hits}
print(json.dumps(result))
