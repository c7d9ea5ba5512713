"""Issue 5 bench: recompute times of the worklists and the employment report, and the XLSX
export rate, against a running server over the Guizhou-scale data set. Prints JSON.

usage: followup_bench.py PORT TOKEN DB
"""
import http.client
import json
import sqlite3
import statistics
import subprocess
import sys
import time

port, token, db = int(sys.argv[1]), sys.argv[2], sys.argv[3]
RUNS = 5


def get(path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t = time.monotonic()
    c.request("GET", path, headers={"Authorization": "Bearer " + token, "Accept-Language": "zh-CN"})
    r = c.getresponse()
    body = r.read()
    took = time.monotonic() - t
    c.close()
    if r.status != 200:
        raise SystemExit("%s -> %d %s" % (path, r.status, body[:200]))
    return took, body


def median(path):
    get(path)  # warm
    return round(statistics.median(get(path)[0] for _ in range(RUNS)), 2)


conn = sqlite3.connect(db)
tables = ["persons", "jobs", "trainings", "guarantees", "schooling", "family_doctors", "plots",
          "items", "relocation_steps", "visits"]
counts = {t: conn.execute("SELECT count(*) FROM %s" % t).fetchone()[0] for t in tables}
persons = counts["persons"]
conn.close()
# the ceiling: the sqlite3 shell counting, column by column, the rows the pass reads
scan_sql = ";".join([
    "SELECT count(household_id), count(birth_date), count(labor_capacity) FROM persons WHERE status = 'member'",
    "SELECT count(person_id), count(type), count(end_date) FROM jobs",
    "SELECT count(person_id), count(end_date) FROM trainings",
    "SELECT count(person_id), count(kind), count(end_date) FROM guarantees WHERE status = 'enrolled'",
    "SELECT count(person_id) FROM schooling", "SELECT count(person_id) FROM family_doctors",
    "SELECT count(household_id), count(use), sum(area_mu) FROM plots",
    "SELECT count(household_id), count(doc_type) FROM items WHERE status = 'active'",
    "SELECT count(household_id) FROM relocation_steps WHERE done_date IS NULL",
    "SELECT count(household_id), count(date) FROM visits",
    "SELECT count(origin_village), count(dest_community) FROM households"])
subprocess.run(["sqlite3", db, scan_sql], capture_output=True)  # warm the page cache
scans = []
for _ in range(3):
    t = time.monotonic()
    subprocess.run(["sqlite3", db, scan_sql], capture_output=True, check=True)
    scans.append(time.monotonic() - t)

out = {"persons": persons, "runs": RUNS, "scan_s": round(min(scans), 2),
       "rows": ", ".join("%s %d" % (t, n) for t, n in counts.items())}
out["overview_s"] = median("/api/v1/reports/employment?worklists=true")
out["worklists_s"] = median("/api/v1/worklists")
out["employment_s"] = median("/api/v1/reports/employment")
out["page_s"] = median("/api/v1/worklists/no_medical_insurance?limit=50")
took, body = get("/api/v1/worklists/no_medical_insurance?format=xlsx")
rows = json.loads(get("/api/v1/worklists/no_medical_insurance?limit=1")[1])["count"]
csv_took, _ = get("/api/v1/worklists/no_medical_insurance?format=csv")
out.update(xlsx_rows=rows, xlsx_s=round(took, 2), xlsx_rows_s=int(rows / took),
           csv_rows_s=int(rows / csv_took), xlsx_pct=round(100 * csv_took / took, 1))
out["report_xlsx_s"] = round(get("/api/v1/reports/employment?format=xlsx")[0], 2)
print(json.dumps(out))
