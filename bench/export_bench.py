"""Issue 10.7 bench: every export at the scale of the data set, each as CSV and XLSX (English
XLSX: the sheet names that used to be refused), with its rows, bytes, time and the server's
resident memory while it runs (sampled every 20 ms), so "bounded memory at any size" is a
measured figure. Prints JSON.

usage: export_bench.py PORT TOKEN SERVER_PID
"""
import csv
import http.client
import io
import json
import sys
import threading
import time

port, token, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])


def rss_mib():
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def fetch(path, lang):
    """(status, bytes, seconds, peak RSS MiB while it ran)."""
    peak = [rss_mib()]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mib())
            time.sleep(0.02)
    th = threading.Thread(target=sample)
    th.start()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    t = time.monotonic()
    c.request("GET", path, headers={"Authorization": "Bearer " + token, "Accept-Language": lang})
    r = c.getresponse()
    n, rows = 0, 0
    first = None
    while True:
        chunk = r.read(1 << 20)
        if not chunk:
            break
        if first is None:
            first = chunk[:4]
        n += len(chunk)
        rows += chunk.count(b"\r\n")
    took = time.monotonic() - t
    done.set()
    th.join()
    c.close()
    if r.status != 200:
        raise SystemExit("%s -> %d" % (path, r.status))
    return n, rows, took, peak[0]


def count(rule):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    c.request("GET", "/api/v1/worklists/%s?limit=1" % rule, headers={"Authorization": "Bearer " + token})
    out = json.loads(c.getresponse().read())["count"]
    c.close()
    return out


c = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
c.request("GET", "/api/v1/worklists", headers={"Authorization": "Bearer " + token})
rules = [x["rule"] for x in json.loads(c.getresponse().read())["items"]]
c.close()
base = rss_mib()
out = {"rss_before_mib": round(base), "exports": []}
for rule in rules:
    n = count(rule)
    for fmt, lang in (("csv", "zh-CN"), ("xlsx", "en")):
        size, lines, took, peak = fetch("/api/v1/worklists/%s?format=%s" % (rule, fmt), lang)
        if fmt == "csv" and lines - 1 != n:
            raise SystemExit("%s csv: %d lines for %d entries" % (rule, lines - 1, n))
        out["exports"].append({"what": "worklist " + rule, "format": fmt, "lang": lang, "rows": n,
                               "mib": round(size / 2**20, 1), "s": round(took, 2),
                               "rows_s": int(n / took) if took else 0, "peak_rss_mib": round(peak)})
for fmt, lang in (("csv", "zh-CN"), ("xlsx", "en")):
    size, lines, took, peak = fetch("/api/v1/reports/employment?format=%s&table=community" % fmt, lang)
    out["exports"].append({"what": "employment report", "format": fmt, "lang": lang, "rows": lines - 1 if fmt == "csv" else 0,
                           "mib": round(size / 2**20, 2), "s": round(took, 2), "rows_s": 0, "peak_rss_mib": round(peak)})
out["rss_peak_mib"] = max(e["peak_rss_mib"] for e in out["exports"])
print(json.dumps(out))
