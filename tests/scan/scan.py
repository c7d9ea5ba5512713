"""make scan: sqlmap (level 5, risk 3) and wapiti against a running demo server, over every
route of src/web/routes.c with a session (Bearer tokens of an admin and of a town
officer), ids taken from the demo database. Fails (exit 1) on any finding.

usage: scan.py PATH/TO/anju
Settings (environment):
  SCAN_ROUTES        a regular expression: only routes whose "METHOD /pattern" matches
  SCAN_URL_SECONDS   time limit of one sqlmap run (one URL, one user), default 300
  SCAN_SECONDS       time limit of the whole sqlmap part, default 14400; URLs not reached
                     are listed as not scanned (the run then fails: nothing is passed
                     over silently) unless SCAN_PARTIAL_OK=1
  SCAN_WAPITI_SECONDS  wapiti's --max-scan-time, default 900 (0 skips wapiti)
  SCAN_USERS         "admin,town" (default) or one of them
  SCAN_SQLMAP        0 skips sqlmap (wapiti only)
  SCAN_JOBS          sqlmap runs at once (default 1; each its own output folder)
Everything stays on 127.0.0.1.
"""
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ANJU = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/anju")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
ROUTES_C = os.path.join(ROOT, "src", "web", "routes.c")
ROUTE_FILTER = re.compile(os.environ.get("SCAN_ROUTES", "."))
URL_SECONDS = int(os.environ.get("SCAN_URL_SECONDS", "300"))
TOTAL_SECONDS = int(os.environ.get("SCAN_SECONDS", "14400"))
WAPITI_SECONDS = int(os.environ.get("SCAN_WAPITI_SECONDS", "900"))
PARTIAL_OK = os.environ.get("SCAN_PARTIAL_OK") == "1"
USERS = os.environ.get("SCAN_USERS", "admin,town").split(",")
RUN_SQLMAP = os.environ.get("SCAN_SQLMAP", "1") != "0"
JOBS = max(1, int(os.environ.get("SCAN_JOBS", "1")))
PASSWORD = "songtao2019"          # the demo users' password
work = tempfile.mkdtemp(prefix="anju-scan-")
DB = os.path.join(work, "county.db")
DATA = os.path.join(work, "data")
server = None
port = 0


def log(msg):
    print("scan: %s" % msg, flush=True)


def cli(*args):
    return subprocess.run([ANJU, "--db", DB, "--data", DATA] + list(args), capture_output=True,
                          text=True, timeout=900, check=True)


def request(method, path, body=None, token=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        h["Content-Type"] = "application/json"
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    out = (r.status, r.getheader("ETag"), r.read())
    c.close()
    return out


# The ledgers each {key} row's key_ok answers (src/domain/ledgers.c; only rows with ids
# demo_ids knows are addressed by id).
LEDGER_KEYS = {
    "api_ledger_key_household": ["visits", "plots", "steps"],
    "api_ledger_key_person": ["jobs", "trainings", "guarantees", "schooling", "family-doctor"],
    "api_ledger_key_household_rows": ["visits"],
    "api_ledger_key_person_rows": ["jobs", "trainings", "guarantees"],
    "api_ledger_key_household_put": ["plots", "steps"],
    "api_ledger_key_person_put": ["schooling", "family-doctor"],
    "api_ledger_key_rows": ["jobs"],
    "api_ledger_key_changeable": ["jobs"],
    "page_key_household_whole": ["plots", "steps"],
    "page_key_person_whole": ["schooling", "family-doctor"],
    "api_import_template_key": ["households", "jobs"],   # import templates (api_imports.c)
}


ROUTES = None


def routes():
    """(method, pattern, upload) from the route table, in its order; read once, so the
    source changing while a scan runs does not change what it scans."""
    global ROUTES
    if ROUTES is None:
        ROUTES = read_routes()
    return ROUTES


def read_routes():
    text = open(ROUTES_C, encoding="utf-8").read()
    out = []
    # rows are PAGE(...) / API(...) with named optional fields (.upload = true, ...)
    for m in re.finditer(r'\b(?:PAGE|API)\("(GET|POST|PUT|PATCH|DELETE)", "([^"]+)", (\w+), (PERM_\w+)([^;]*?)\),\n',
                         text):
        # a ledger's {key} row stands for one route per ledger it answers (.key_ok)
        key_ok = re.search(r"\.key_ok = (\w+)", m.group(5))
        if key_ok and key_ok.group(1) not in LEDGER_KEYS:
            sys.exit("scan: %s %s answers %s, which LEDGER_KEYS does not know: add it"
                     % (m.group(1), m.group(2), key_ok.group(1)))
        for pattern in ([m.group(2).replace("{key}", k) for k in LEDGER_KEYS[key_ok.group(1)]]
                        if key_ok else [m.group(2)]):
            out.append((m.group(1), pattern, ".upload = true" in m.group(5)))
    if not out:
        sys.exit("scan: no route found in %s: has the table's form changed?" % ROUTES_C)
    return out


def demo_ids(scope_like):
    """Real ids for the path parameters, within a scope (a division code prefix)."""
    db = sqlite3.connect(DB)
    one = lambda sql, *a: (db.execute(sql, a).fetchone() or [None])[0]  # noqa: E731
    ids = {
        "households": one("SELECT id FROM households WHERE status <> 'closed' AND (origin_village LIKE ?"
                          " OR dest_community LIKE ?) ORDER BY id LIMIT 1", scope_like, scope_like),
    }
    ids["persons"] = one("SELECT id FROM persons WHERE household_id = ? AND status = 'member'", ids["households"])
    ids["items"] = one("SELECT i.id FROM items i JOIN households h ON h.id = i.household_id WHERE"
                       " i.status = 'active' AND (h.origin_village LIKE ? OR h.dest_community LIKE ?)"
                       " AND EXISTS (SELECT 1 FROM files f WHERE f.item_id = i.id)", scope_like, scope_like)
    ids["files"] = one("SELECT id FROM files WHERE item_id = ?", ids["items"])
    ids["jobs"] = one("SELECT j.id FROM jobs j JOIN persons p ON p.id = j.person_id JOIN households h ON"
                      " h.id = p.household_id WHERE h.origin_village LIKE ? OR h.dest_community LIKE ?",
                      scope_like, scope_like)
    ids["sites"] = one("SELECT id FROM sites WHERE community_code LIKE ?", scope_like) or one("SELECT id FROM sites")
    ids["users"] = one("SELECT id FROM users WHERE username = 'yucai'")
    ids["facilities"] = one("SELECT id FROM facilities WHERE community_code LIKE ? AND kind ="
                            " 'community_service_center'", scope_like) or one("SELECT id FROM facilities")
    ids["service-requests"] = one("SELECT id FROM service_requests WHERE community_code LIKE ?", scope_like) \
        or one("SELECT id FROM service_requests")
    ids["windows"] = one("SELECT id FROM service_windows")
    ids["petitions"] = one("SELECT id FROM petitions WHERE community_code LIKE ?", scope_like) \
        or one("SELECT id FROM petitions")
    ids["halls"] = one("SELECT id FROM facilities WHERE kind = 'homesickness_hall' AND community_code LIKE ?",
                       scope_like) or one("SELECT id FROM facilities WHERE kind = 'homesickness_hall'")
    ids["hall_sections"] = one("SELECT id FROM hall_sections WHERE facility_id = ?", ids["halls"])
    ids["worklists"] = one("SELECT key FROM followup_rules LIMIT 1")
    db.close()
    return ids


# A request each route can take: JSON bodies for the writes, query parameters for reads.
QUERY = {
    "/api/v1/households": "q=%E5%BC%A0&limit=10&after=0&category=registered_poor&status=relocated&town=520628118",
    "/api/v1/persons": "household_id={households}&limit=10&after=0",
    "/api/v1/search": "q=%E5%BC%A0%E4%BC%9F&limit=10",
    "/api/v1/divisions": "parent=520628&level=2",
    "/api/v1/sites/{id}/rooms": "free=true&limit=10&after=0",
    "/api/v1/reports/employment/records": "figure=employed&area=520628118&limit=10",
    "/api/v1/worklists/{key}": "limit=10&after=0",
    "/api/v1/audit": "entity=person&id={persons}&limit=10",
    "/api/v1/households/{id}/items": "doc_type=application&from=2010-01-01&to=2030-01-01&q=a&limit=10",
    "/households": "q=%E5%BC%A0&category=registered_poor&village=520628118201&community=520628002030",
    "/worklists/{key}": "after=0&format=csv",
    "/reports/employment/records": "figure=employed&area=520628118",
    "/reports/employment": "table=by_town",
    "/households/{id}/pictures": "file={files}",
    "/api/v1/facilities": "community=520628002030&kind=convenience_supermarket&limit=10&after=0",
    "/api/v1/service-requests": "status=open&matter=id_card&overdue=true&window={windows}&limit=10&after=0",
    "/api/v1/reports/services": "community=520628002030",
    "/api/v1/petitions": "status=open&category=housing_quality&channel=talk_booth&overdue=true&limit=10&after=0",
    "/api/v1/reports/petitions": "community=520628002030",
    "/facilities": "community=520628002030&kind=convenience_supermarket",
    "/services": "status=open&overdue=true&matter=id_card",
    "/api/v1/halls": "community=520628002030&kind=homesickness_hall&from=2026-01-01&to=2026-12-31&limit=10&after=0",
    "/api/v1/halls/{id}/visits": "from=2026-01-01&to=2026-12-31&household={households}&limit=10&after=0",
    "/api/v1/halls/{id}/exhibits": "kind=picture&limit=10&after=0",
    "/api/v1/reports/halls": "from=2026-01-01&to=2026-06-30",
    "/halls/{id}": "from=2026-01-01&to=2026-06-30",
}
BODY = {
    ("POST", "/api/v1/session"): {"username": "admin", "password": "x"},
    ("POST", "/api/v1/households"): {"category": "registered_poor", "origin_village": "520628118201",
                                     "dest_community": "520628002030", "phone": "13800000000",
                                     "members": [{"id_number": "520628198001010019", "name": "张伟",
                                                  "relation": "head"}]},
    ("PATCH", "/api/v1/households/{id}"): {"phone": "13800000000", "note": "x"},
    ("POST", "/api/v1/households/{id}/close"): {"reason": "merged", "date": "2020-01-02"},
    ("POST", "/api/v1/persons"): {"household_id": "{households}", "id_number": "520628201901010011",
                                  "name": "张小宝", "relation": "son", "event": "birth"},
    ("PATCH", "/api/v1/persons/{id}"): {"name": "张宝", "phone": "13900000000"},
    ("POST", "/api/v1/persons/{id}/move"): {"household_id": "{households}", "relation": "son", "date": "2020-03-01"},
    ("POST", "/api/v1/persons/{id}/leave"): {"kind": "death", "date": "2021-01-01", "note": "x"},
    ("POST", "/api/v1/sites"): {"name": "团山三期", "community_code": "520628002030"},
    ("POST", "/api/v1/sites/{id}/buildings"): {"name": "C栋", "units": 1, "floors": 2, "rooms_per_floor": 2},
    ("POST", "/api/v1/persons/{id}/jobs"): {"type": "county", "employer": "砖厂", "start_date": "2024-01-01"},
    ("PATCH", "/api/v1/jobs/{id}"): {"end_date": "2024-12-31"},
    ("POST", "/api/v1/persons/{id}/trainings"): {"type": "skills", "course": "电工", "hours": 8,
                                                 "start_date": "2025-03-01", "end_date": "2025-03-05"},
    ("POST", "/api/v1/persons/{id}/guarantees"): {"kind": "medical_insurance", "status": "enrolled",
                                                  "start_date": "2024-01-01"},
    ("PUT", "/api/v1/persons/{id}/schooling"): {"status": "enrolled", "school": "团山小学", "grade": "四年级"},
    ("PUT", "/api/v1/persons/{id}/family-doctor"): {"signed": True, "date": "2024-04-01", "doctor": "吴医生"},
    ("PUT", "/api/v1/households/{id}/plots"): {"items": [{"kind": "forest", "area_mu": 2, "use": "idle"}]},
    ("PUT", "/api/v1/households/{id}/steps"): {"responsible_person": "杨帮扶", "items": [
        {"step": "registration", "done_date": "2019-03-01", "done_by": "村干部"}]},
    ("PUT", "/api/v1/households/{id}/visits"): {"date": "2024-05-01", "kind": "visit", "visitor": "网格员", "found": "x"},
    ("POST", "/api/v1/households/{id}/visits"): {"date": "2024-05-01", "kind": "visit", "visitor": "网格员", "found": "x"},
    ("POST", "/api/v1/employers"): {"name": "扶贫车间", "kind": "workshop", "community": "520628002030"},
    ("PUT", "/api/v1/followup/settings"): {"settings": {"visit_days": 90}},
    ("POST", "/api/v1/users"): {"username": "scanned", "role": "volunteer", "scope": "520628002030",
                                "password": "a-long-enough-password"},
    ("POST", "/api/v1/doc-types"): {"code": "scan_type", "name": "扫描", "name_en": "Scan", "retention": "30y",
                                    "required": {"registered_poor": False, "synchronous": False}},
    ("PATCH", "/api/v1/items/{id}"): {"title": "户口簿", "paper_location": "B柜"},
    ("POST", "/api/v1/items/{id}/remove"): {"reason": "重复扫描"},
    ("POST", "/api/v1/facility-kinds"): {"code": "scan_kind", "name_zh": "扫描", "name_en": "Scan"},
    ("POST", "/api/v1/facilities"): {"community_code": "520628002030", "kind": "library", "name": "扫描图书室"},
    ("PATCH", "/api/v1/facilities/{id}"): {"opening_hours": "08:00-18:00"},
    ("POST", "/api/v1/facilities/{id}/windows"): {"name": "扫描窗口", "departments": ["health"]},
    ("POST", "/api/v1/service-matters"): {"code": "scan_matter", "name_zh": "扫描", "name_en": "Scan",
                                          "department": "health", "promised_days": 3},
    ("POST", "/api/v1/service-requests"): {"household_id": "{households}", "matter": "id_card", "channel": "window"},
    ("PATCH", "/api/v1/service-requests/{id}"): {"status": "accepted", "note": "x"},
    ("POST", "/api/v1/petition-categories"): {"code": "scan_category", "name_zh": "扫描", "name_en": "Scan",
                                              "deadline_days": 7},
    ("POST", "/api/v1/petitions"): {"household_id": "{households}", "category": "housing_quality",
                                    "channel": "talk_booth", "content": "x", "anonymous": False},
    ("PATCH", "/api/v1/petitions/{id}"): {"action": "reply", "content": "x"},
    ("POST", "/api/v1/halls/{id}/sections"): {"name": "扫描展区", "description": "x"},
    ("POST", "/api/v1/halls/{id}/exhibits"): {"section_id": "{hall_sections}", "kind": "object", "title": "扫描展品"},
    ("POST", "/api/v1/halls/{id}/visits"): {"visited_on": "2026-01-05", "group_name": "扫描", "people": 3,
                                            "households": []},
}
# Routes a scanner must not drive: they end the scanner's own session or lock it out.
SKIP = {("POST", "/logout"), ("DELETE", "/api/v1/session"), ("POST", "/users/{id}/disable"),
        ("POST", "/password")}


def fill(text, ids, key):
    for k, v in ids.items():
        text = text.replace("{%s}" % k, str(v))
    return text.replace("{key}", str(ids["worklists"]))


def concrete(method, pattern, ids):
    """The URL (with a * marking the path parameter for sqlmap) and JSON body of a route."""
    first = pattern.split("/")[3] if pattern.startswith("/api/v1/") else pattern.split("/")[1]
    path = pattern
    if "{id}" in pattern:
        if ids.get(first) is None:
            return None
        path = pattern.replace("{id}", "%s*" % ids[first])
    if "{key}" in pattern:
        path = path.replace("{key}", "%s*" % ids["worklists"])
    q = QUERY.get(pattern)
    url = "http://127.0.0.1:%d%s" % (port, path) + ("?" + fill(q, ids, None) if q and method == "GET" else "")
    body = BODY.get((method, pattern))
    if body is not None:
        body = json.loads(fill(json.dumps(body, ensure_ascii=False), ids, None))
        for k, v in list(body.items()):       # ids in bodies are numbers
            if isinstance(v, str) and v.isdigit() and k.endswith("_id"):
                body[k] = int(v)
    return url, body


HEADER_ROUTE = "GET /api/v1/session"


def sqlmap(url, method, body, token, etag, out_dir, seconds, headers_too):
    """One sqlmap run. Level 5 also tries the Host, User-Agent and Referer headers; the
    server treats them alike on every route, so they are tried on one (HEADER_ROUTE) and
    left out elsewhere, which leaves the time to the route's own parameters."""
    cmd = ["sqlmap", "-u", url, "--batch", "--level", "5", "--risk", "3", "--dbms", "SQLite",
           "--method", method, "--headers", "Authorization: Bearer %s\nAccept-Language: en%s" % (
               token, "\nIf-Match: %s" % etag if etag else ""),
           "--output-dir", out_dir, "--flush-session", "--disable-coloring", "--time-sec", "2",
           "--timeout", "15", "--retries", "1", "--threads", "2", "--skip-waf"]
    if body is not None:
        cmd += ["--data", json.dumps(body, ensure_ascii=False)]
    if not headers_too:
        cmd += ["--param-exclude", "^(User-Agent|Referer|Host|Cookie)$"]
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds)
        out, finished = r.stdout, True
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        finished = False
    found = ("identified the following injection point" in out or "is vulnerable" in out
             or re.search(r"parameter '[^']+' (is|seems to be) '[^']+' injectable", out) is not None)
    return {"found": found, "finished": finished, "seconds": round(time.monotonic() - t0, 1),
            "tail": "\n".join(l for l in out.splitlines() if "injectable" in l or "CRITICAL" in l)[-2000:]}


# Wapiti findings that are not holes here, each with the reason; everything else counts.
ACCEPTED = {
    "X-XSS-Protection is not set": "the header is obsolete (browsers dropped the XSS auditor; OWASP"
                                   " advises leaving it out); the Content-Security-Policy does that work",
    "Strict-Transport-Security is not set": "the scan talks plain HTTP on 127.0.0.1, where browsers ignore"
                                            " HSTS; it belongs on HTTPS answers (issue 9, item 10), which"
                                            " the proxy header sent here may or may not stand for,"
                                            " depending on how the server is told to trust it",
}

# Debian's wapiti 3.0.4 builds its exclusion patterns with a trailing "(?ms)", which
# Python 3.11 refuses, so any -x stops it; this runs it with the flags moved to the front.
WAPITI_MAIN = """
import re, sys
import wapitiCore.net.crawler as crawler
def wildcard_translate(pattern):
    return re.compile("(?ms)" + "".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\\Z")
crawler.wildcard_translate = wildcard_translate
from importlib.metadata import distribution
main = next(e for e in distribution("wapiti3").entry_points if e.name == "wapiti").load()
sys.argv[0] = "wapiti"
sys.exit(main())
"""


def download_not_page(info, token):
    """A "Permanent XSS" whose text reappears in a download (the audit log's CSV holding the
    search someone typed) is a hole only if a browser would render that answer. Fetched
    again here: accepted only when it is an attachment, not HTML, and nosniff."""
    m = re.search(r"found in (http://127\.0\.0\.1:\d+)(/\S*)", info or "")
    if not m or "XSS" not in (info or ""):
        return None
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", m.group(2), headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    r.read()
    disposition, ctype = r.getheader("Content-Disposition") or "", r.getheader("Content-Type") or ""
    nosniff = (r.getheader("X-Content-Type-Options") or "").lower() == "nosniff"
    c.close()
    if r.status == 200 and disposition.startswith("attachment") and "html" not in ctype and nosniff:
        return ("%s is a download (%s; %s; nosniff): a browser saves it and never renders it; the"
                " text is kept as typed, since an export must not change the records" % (m.group(2), ctype,
                                                                                         disposition))
    return None


def wapiti(tokens, ids, seconds):
    out = os.path.join(work, "wapiti.json")
    starts = []
    for method, pattern, upload in routes():
        if method == "GET" and ROUTE_FILTER.search("%s %s" % (method, pattern)):
            c = concrete(method, pattern, ids)
            if c:
                starts += ["-s", c[0].replace("*", "")]
    cmd = ["/usr/bin/python3", "-c", WAPITI_MAIN, "-u", "http://127.0.0.1:%d/" % port, "--scope", "folder", "-H",
           "Authorization: Bearer %s" % tokens[0], "-H", "X-Forwarded-Proto: https", "--max-scan-time", str(seconds),
           "--max-attack-time", str(max(10, seconds // 20)), "-f", "json", "-o", out, "--flush-session",
           "-x", "http://127.0.0.1:%d/logout" % port, "-x", "http://127.0.0.1:%d/password" % port,
           "-x", "http://127.0.0.1:%d/users/%s/disable" % (port, "*"), "-x",
           "http://127.0.0.1:%d/lang/*" % port, "--color", "-v", "1"] + starts
    log("wapiti: %d start URLs, at most %d s" % (len(starts) // 2, seconds))
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=3 * seconds + 300)
        tail = (r.stdout + r.stderr)[-1500:]
    except subprocess.TimeoutExpired:
        # --max-scan-time bounds the crawl more than the attacks: give up, and say so
        return {"ran": False, "findings": [], "seconds": 3 * seconds + 300,
                "tail": "wapiti did not finish within %d s" % (3 * seconds + 300)}
    findings, accepted = [], []
    try:
        rep = json.load(open(out))
        for kind, items in rep.get("vulnerabilities", {}).items():
            for it in items:
                text = "%s: %s %s %s %s" % (kind, it.get("method"), it.get("path"), it.get("parameter", ""),
                                            (it.get("info") or "")[:160])
                why = [w for k, w in ACCEPTED.items() if k in (it.get("info") or "")]
                download = download_not_page(it.get("info"), tokens[0])
                why += [download] if download else []
                (accepted if why else findings).append(text + (" — accepted: " + why[0] if why else ""))
        anomalies = sum(len(v) for v in rep.get("anomalies", {}).values())
        for kind, items in rep.get("anomalies", {}).items():
            for it in items:
                findings.append("anomaly %s: %s %s %s" % (kind, it.get("method"), it.get("path"), it.get("info", "")[:120]))
    except (OSError, ValueError) as e:
        return {"ran": False, "findings": [], "seconds": round(time.monotonic() - t0), "tail": "%r %s" % (e, tail)}
    return {"ran": True, "findings": findings, "accepted": accepted, "seconds": round(time.monotonic() - t0),
            "tail": tail, "anomalies": anomalies}


def main():
    global server, port
    if not shutil.which("sqlmap") or (WAPITI_SECONDS and not shutil.which("wapiti")):
        raise SystemExit("scan: sqlmap and wapiti are needed: scripts/install-deps scan")
    log("demo county in %s" % work)
    cli("demo")
    server_log = open(os.path.join(work, "serve.log"), "w")
    # As deployed: behind an HTTPS proxy that says so (issue 9, item 10: Secure cookies and
    # HSTS there), so wapiti's cookie and header checks judge what a browser would get.
    server = subprocess.Popen([ANJU, "--db", DB, "--data", DATA, "serve", "--port", "0", "--threads", "2"],
                              stdout=subprocess.PIPE, stderr=server_log, text=True,
                              env=dict(os.environ, ANJU_PUBLIC_URL="https://anju.example.org"))
    m = re.search(r"http://[^:]+:(\d+)", server.stdout.readline())
    if not m:
        raise SystemExit("scan: the server did not start")
    port = int(m.group(1))
    time.sleep(0.5)
    who = {"admin": ("admin", ""), "town": ("liaogao", "520628002%")}
    sessions = []
    for u in USERS:
        name, scope = who[u]
        st, _, body = request("POST", "/api/v1/session", {"username": name, "password": PASSWORD})
        if st != 201:
            raise SystemExit("scan: log-in %s: %d %s" % (name, st, body[:200]))
        sessions.append((u, json.loads(body)["token"], demo_ids(scope or "%")))
    todo = []
    for method, pattern, upload in routes():
        label = "%s %s" % (method, pattern)
        if not RUN_SQLMAP or not ROUTE_FILTER.search(label) or (method, pattern) in SKIP:
            continue
        for u, token, ids in sessions:
            todo.append((label, method, pattern, upload, u, token, ids))
    log("sqlmap over %d route×user pairs (%d s each at most, %d s in all)" % (len(todo), URL_SECONDS, TOTAL_SECONDS))
    results, not_scanned = [], []
    t_start = time.monotonic()
    lock = threading.Lock()

    def one(job_no, item):
        label, method, pattern, upload, u, token, ids = item
        left = TOTAL_SECONDS - (time.monotonic() - t_start)
        c = concrete(method, pattern, ids)
        if upload:
            return "%s as %s (multipart upload: wapiti's part)" % (label, u)
        if c is None:
            return "%s as %s (no id of that kind in scope)" % (label, u)
        if left < 10:
            return "%s as %s (time budget spent)" % (label, u)
        if server.poll() is not None:
            return "%s as %s (the server had died)" % (label, u)
        url, body = c
        if method in ("POST", "PUT", "PATCH") and body is None and not pattern.startswith("/api/"):
            body = None               # a page form: sqlmap posts the page's own fields
        etag = None
        if method == "PATCH":
            st, etag, _ = request("GET", url.replace("*", "").split("?")[0].replace(
                "http://127.0.0.1:%d" % port, ""), token=token)
        r = sqlmap(url, method, body, token, etag, os.path.join(work, "sqlmap-%d" % job_no),
                   min(URL_SECONDS, int(left)), label == HEADER_ROUTE and u == sessions[0][0])
        r.update(label=label, user=u)
        with lock:
            results.append(r)
            log("%-60s %-5s %6.1f s %s%s" % (label, u, r["seconds"], "FINDING " if r["found"] else "clean",
                                             "" if r["finished"] else " (time limit)"))
            if r["found"]:
                log(r["tail"])
        return None

    # JOBS workers, each with its own sqlmap output folder (sqlmap keeps a session file per
    # target there, which two runs at once must not share)
    pending = list(todo)
    def worker(job_no):
        while True:
            with lock:
                if not pending:
                    return
                item = pending.pop(0)
            gap = one(job_no, item)
            if gap:
                with lock:
                    not_scanned.append(gap)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(JOBS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if server.poll() is not None:
        raise SystemExit("scan: the server died during the sqlmap part: %s" % open(server_log.name).read()[-2000:])
    w = wapiti([s[1] for s in sessions], sessions[0][2], WAPITI_SECONDS) if WAPITI_SECONDS else None
    alive = server.poll() is None
    findings = [r for r in results if r["found"]]
    print()
    print("## make scan (%s)" % time.strftime("%Y-%m-%d"))
    print("sqlmap --level 5 --risk 3: %d route×user runs, %d to the end, %d stopped at the %d s limit, %d findings"
          % (len(results), sum(r["finished"] for r in results), sum(not r["finished"] for r in results),
             URL_SECONDS, len(findings)))
    for r in findings:
        print("  SQLMAP FINDING %s as %s:\n%s" % (r["label"], r["user"], r["tail"]))
    for n in not_scanned:
        print("  not scanned by sqlmap: %s" % n)
    if w:
        print("wapiti: %s in %d s, %d findings" % ("ran" if w["ran"] else "DID NOT RUN", w["seconds"], len(w["findings"])))
        for f in w["findings"]:
            print("  WAPITI FINDING %s" % f)
        for f in w.get("accepted", []):
            print("  wapiti, not counted: %s" % f)
        if not w["ran"]:
            print(w["tail"])
    print("server %s at the end" % ("alive" if alive else "DEAD"))
    budget_gap = [n for n in not_scanned if "budget" in n]
    bad = findings or (w and (w["findings"] or not w["ran"])) or not alive or (budget_gap and not PARTIAL_OK)
    log("FAIL" if bad else "pass")
    sys.exit(1 if bad else 0)


def cleanup():
    if server and server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    if not os.environ.get("SCAN_KEEP"):
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
