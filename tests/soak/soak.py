"""make soak: mixed reads, writes, uploads and searches on the demo county at 32 keep-alive
connections for SOAK_SECONDS (default 600), with an attacker holding hundreds of slow and
half-sent connections at the same time, and an `anju backup`, an `anju fsck` and slow
legitimate clients in the middle. Writes its figures to BENCHMARKS.md (its own section)
and exits 1 when a legitimate client got an error or the server's RSS grew beyond bound.

usage: soak.py PATH/TO/anju [BENCHMARKS.md]
Everything stays on the loopback interface: the legitimate clients connect from 127.0.0.1,
the attacker from 127.0.0.2 (SOAK_ATTACK_ADDRESSES more loopback addresses if asked), so
a server that limits connections per address can tell them apart. Time and connection
counts are bounded by the settings below.
"""
import datetime
import hashlib
import http.client
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "32"))
ATTACK_CONNS = int(os.environ.get("SOAK_ATTACK_CONNS", "600"))     # held at once, at most
ATTACK_ADDRESSES = int(os.environ.get("SOAK_ATTACK_ADDRESSES", "1"))
RSS_GROWTH_MIB = int(os.environ.get("SOAK_RSS_GROWTH_MIB", "64"))   # the stated bound
THREADS = os.environ.get("SOAK_SERVER_THREADS", "2")
ANJU = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/anju")
REPORT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "BENCHMARKS.md")
PASSWORD = "songtao2019"          # the demo users' password (anju demo --help)
JUBAO = "520628118201"
TUANSHAN = "520628002030"
BOUNDARY = "anjuSoakBoundary42"
REQUEST_TIMEOUT = 30              # a legitimate request slower than this is an error

work = tempfile.mkdtemp(prefix="anju-soak-")
DB = os.path.join(work, "county.db")
DATA = os.path.join(work, "data")
server = None
port = 0


def log(msg):
    print("soak: %s" % msg, flush=True)


def cli(*args, check=True, timeout=600):
    t0 = time.monotonic()
    r = subprocess.run([ANJU, "--db", DB, "--data", DATA] + list(args), capture_output=True,
                       text=True, timeout=timeout)
    r.seconds = time.monotonic() - t0
    if check and r.returncode != 0:
        raise SystemExit("soak: anju %s failed (%d): %s%s" % (" ".join(args), r.returncode,
                                                              r.stdout, r.stderr))
    return r


def cleanup():
    global server
    if server and server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    server = None
    if not os.environ.get("SOAK_KEEP"):
        shutil.rmtree(work, ignore_errors=True)


def id_number(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


# ------------------------------------------------------------------ legitimate clients

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.lat = {"read": [], "write": []}
        self.count = {}
        self.errors = {}          # "kind status" -> n
        self.error_samples = []
        self.changes = 0          # acknowledged writes

    def add(self, kind, cls, status, ms, ok):
        with self.lock:
            self.count[kind] = self.count.get(kind, 0) + 1
            self.lat[cls].append(ms)
            if ok:
                if cls == "write":
                    self.changes += 1
            else:
                key = "%s %s" % (kind, status)
                self.errors[key] = self.errors.get(key, 0) + 1


stats = Stats()
seq_lock = threading.Lock()
seq = [0]


def next_seq():
    with seq_lock:
        seq[0] += 1
        return seq[0]


taken = set()             # the demo's ID numbers, loaded before the run


def new_id():
    """A fresh valid number that the demo county does not hold."""
    while True:
        n = next_seq()
        born = datetime.date(1931, 1, 1) + datetime.timedelta(days=n // 900)
        number = id_number("520628%s%03d" % (born.strftime("%Y%m%d"), 100 + n % 900))
        if number not in taken:
            return number


class Client:
    """One keep-alive connection from 127.0.0.1, reopened when the server closes it."""

    def __init__(self, token):
        self.token = token
        self.conn = None

    def request(self, method, path, body=None, headers=None, raw=None, ctype="application/json"):
        h = {"Authorization": "Bearer " + self.token, "Accept-Language": "en"}
        data = raw if raw is not None else (
            json.dumps(body, ensure_ascii=False).encode() if body is not None else None)
        if data is not None:
            h["Content-Type"] = ctype
        h.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT,
                                                       source_address=("127.0.0.1", 0))
            try:
                self.conn.request(method, path, body=data, headers=h)
                r = self.conn.getresponse()
                payload = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, r.getheader("ETag"), payload
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                # A keep-alive connection the server closed between requests is retried once
                # on a fresh one (as browsers do); on a fresh connection it is an error.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    return "reset", None, repr(e).encode()
            except (socket.timeout, OSError) as e:
                if self.conn:
                    self.conn.close()
                self.conn = None
                return "timeout" if isinstance(e, socket.timeout) else "oserror", None, repr(e).encode()


def timed(client, kind, cls, expect, method, path, **kw):
    t0 = time.monotonic()
    status, etag, payload = client.request(method, path, **kw)
    ms = (time.monotonic() - t0) * 1000
    ok = status in expect
    stats.add(kind, cls, status, ms, ok)
    if not ok and len(stats.error_samples) < 20:
        with stats.lock:
            stats.error_samples.append("%s %s %s -> %s %s" % (kind, method, path, status, payload[:200]))
    return status, etag, payload


def household_body():
    return {"category": "synchronous", "origin_village": JUBAO, "dest_community": TUANSHAN,
            "members": [{"id_number": new_id(), "name": "龙国华", "relation": "head",
                         "phone": "139%08d" % next_seq()},
                        {"id_number": new_id(), "name": "龙小燕", "relation": "daughter"}]}


def multipart(fields, data, name):
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (BOUNDARY, k, v)).encode()
    out += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
            "Content-Type: application/pdf\r\n\r\n" % (BOUNDARY, name)).encode()
    return out + data + ("\r\n--%s--\r\n" % BOUNDARY).encode()


def pdf(n, size):
    head = b"%%PDF-1.4\n%% soak file %d\n" % n
    return head + hashlib.sha256(head).hexdigest().encode() * (size // 64) + b"\n%%EOF\n"


def legit(stop, token, households, persons, names, rnd):
    c = Client(token)
    mine = []             # households this client made: only it patches them (no 412 races)
    while not stop.is_set():
        x = rnd.random()
        if x < 0.40:
            timed(c, "get household", "read", (200,), "GET",
                  "/api/v1/households/%d" % rnd.choice(households))
        elif x < 0.52:
            timed(c, "get person", "read", (200,), "GET", "/api/v1/persons/%d" % rnd.choice(persons))
        elif x < 0.64:
            q = rnd.choice(names)
            timed(c, "search", "read", (200,), "GET",
                  "/api/v1/search?q=%s" % "".join("%%%02X" % b for b in q.encode()))
        elif x < 0.68:
            timed(c, "list households", "read", (200,), "GET", "/api/v1/households?limit=50")
        elif x < 0.80:
            st, _, payload = timed(c, "create household", "write", (201,), "POST",
                                   "/api/v1/households", body=household_body())
            if st == 201:
                mine.append(json.loads(payload)["id"])
        elif x < 0.88 and mine:
            hid = rnd.choice(mine)
            st, etag, _ = timed(c, "get household", "read", (200,), "GET", "/api/v1/households/%d" % hid)
            if st == 200:
                timed(c, "patch household", "write", (200,), "PATCH", "/api/v1/households/%d" % hid,
                      body={"note": "回访 %d" % next_seq()}, headers={"If-Match": etag})
        elif x < 0.94:
            n = next_seq()
            raw = multipart({"title": "证明 %d" % n, "doc_type": "application"}, pdf(n, 4096 + n % 60000),
                            "soak-%d.pdf" % n)
            timed(c, "upload", "write", (201,), "POST", "/api/v1/households/%d/items" % rnd.choice(households),
                  raw=raw, ctype="multipart/form-data; boundary=" + BOUNDARY)
        else:
            timed(c, "visit", "write", (201,), "POST", "/api/v1/households/%d/visits" % rnd.choice(households),
                  body={"date": datetime.date.today().isoformat(), "kind": "visit", "visitor": "网格员",
                        "found": "在家 %d" % next_seq()})


def slow_legit_upload(token, households, seconds=6):
    """A legitimate client on a poor line: a 120 KB upload sent over `seconds`."""
    n = next_seq()
    raw = multipart({"title": "慢速上传 %d" % n, "doc_type": "application"}, pdf(n, 120000), "slow-%d.pdf" % n)
    head = ("POST /api/v1/households/%d/items HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (random.choice(households), token, BOUNDARY, len(raw))).encode()
    t0 = time.monotonic()
    status = "oserror"
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT, source_address=("127.0.0.1", 0))
        s.sendall(head)
        step = max(1, len(raw) // (seconds * 10))
        for i in range(0, len(raw), step):
            s.sendall(raw[i:i + step])
            time.sleep(0.1)
        r = http.client.HTTPResponse(s, method="POST")
        r.begin()
        r.read()
        status = r.status
        s.close()
    except OSError as e:
        status = "oserror %r" % e
    stats.add("slow upload", "write", status, (time.monotonic() - t0) * 1000, status == 201)


# ------------------------------------------------------------------ the attacker

class Attacker:
    """Holds up to ATTACK_CONNS connections: half-sent headers trickled a byte at a time
    (slowloris), and unauthenticated requests announcing a 1 MiB body that is sent most of
    the way and then stalled. Reopens what the server closes; counts what it managed."""

    def __init__(self):
        self.socks = {}
        self.opened = self.refused = self.closed_by_server = 0
        self.held = []            # samples of how many were open

    def open_one(self, i):
        addr = "127.0.0.%d" % (2 + i % ATTACK_ADDRESSES)
        try:
            s = socket.socket()
            s.setblocking(False)
            s.bind((addr, 0))
            s.connect_ex(("127.0.0.1", port))
            kind = "headers" if i % 2 else "body"
            self.socks[s] = {"kind": kind, "sent": 0, "next": time.monotonic() + 0.5}
            self.opened += 1
        except OSError:
            self.refused += 1

    def poke(self, s, st):
        try:
            if st["sent"] == 0:
                if st["kind"] == "headers":
                    s.send(b"GET /api/v1/households HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                else:
                    s.send(b"POST /api/v1/households HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Content-Type: application/json\r\nContent-Length: 1048576\r\n\r\n")
                st["sent"] = 1
            elif st["kind"] == "headers":
                s.send(b"X")                      # one byte of a header that never ends
            elif st["sent"] < 900 * 1024:
                n = s.send(b"[" * 65536)
                st["sent"] += n
            else:
                s.send(b"[")
            st["next"] = time.monotonic() + (0.05 if st["kind"] == "body" and st["sent"] < 900 * 1024 else 5)
            return True
        except BlockingIOError:
            st["next"] = time.monotonic() + 1
            return True
        except OSError:
            return False

    def run(self, stop):
        i = 0
        while not stop.is_set():
            while len(self.socks) < ATTACK_CONNS and not stop.is_set():
                self.open_one(i)
                i += 1
                if i % 50 == 0:
                    break                          # open gradually, keep poking the rest
            readable, _, _ = select.select(list(self.socks)[:1000], [], [], 0.05) if self.socks else ([], [], [])
            for s in readable:                     # the server answered or closed: drop it
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data or b"HTTP/1." in data:
                    self.closed_by_server += 1
                    self.socks.pop(s, None)
                    s.close()
            now = time.monotonic()
            for s, st in list(self.socks.items()):
                if st["next"] <= now and not self.poke(s, st):
                    self.closed_by_server += 1
                    self.socks.pop(s, None)
                    s.close()
            self.held.append(len(self.socks))
        for s in self.socks:
            s.close()
        self.socks = {}


# ------------------------------------------------------------------ the run

def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def healthz(timeout=5):
    """A fresh connection from 127.0.0.1 to /healthz: the status, or the error."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=("127.0.0.1", 0))
        c.request("GET", "/healthz")
        r = c.getresponse()
        r.read()
        c.close()
        return r.status
    except (OSError, http.client.HTTPException) as e:
        return type(e).__name__


def pct(values, p):
    if not values:
        return 0
    v = sorted(values)
    return round(v[min(len(v) - 1, int(len(v) * p / 100))], 1)


def audit_bytes(since_id):
    db = sqlite3.connect(DB)
    cols = [r[1] for r in db.execute("PRAGMA table_info(audit)")]
    expr = " + ".join("coalesce(length(CAST(%s AS BLOB)), 0)" % c for c in cols)
    where = "id > ?" + (" AND action <> 'read'" if "action" in cols else "")
    n, total = db.execute("SELECT count(*), sum(%s) FROM audit WHERE %s" % (expr, where), (since_id,)).fetchone()
    db.close()
    return n, total or 0


def main():
    global server, port
    log("demo county in %s" % work)
    r = cli("demo")
    log(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "demo made")
    db = sqlite3.connect(DB)
    households = [x[0] for x in db.execute("SELECT id FROM households WHERE status <> 'closed'"
                                           " AND origin_village LIKE '520628%' ORDER BY random() LIMIT 5000")]
    persons = [x[0] for x in db.execute("SELECT id FROM persons ORDER BY random() LIMIT 5000")]
    names = [x[0] for x in db.execute("SELECT DISTINCT name FROM persons ORDER BY random() LIMIT 500")]
    taken.update(x[0] for x in db.execute("SELECT id_number FROM persons"))
    audit_start = db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
    db.close()

    idle_backup = cli("backup", os.path.join(work, "idle.db"))
    log("idle backup %.2f s" % idle_backup.seconds)

    server_log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([ANJU, "--db", DB, "--data", DATA, "serve", "--port", "0", "--threads", THREADS],
                              stdout=subprocess.PIPE, stderr=server_log, text=True)
    line = server.stdout.readline()
    m = re.search(r"http://[^:]+:(\d+)", line)
    if not m:
        raise SystemExit("soak: server did not start: %r" % line)
    port = int(m.group(1))
    for _ in range(100):
        if healthz() == 200:
            break
        time.sleep(0.1)
    tokens = []
    for user in ("admin", "liaogao"):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("POST", "/api/v1/session", json.dumps({"username": user, "password": PASSWORD}),
                  {"Content-Type": "application/json"})
        r = c.getresponse()
        body = r.read()
        if r.status != 201:
            raise SystemExit("soak: log-in %s: %d %s" % (user, r.status, body[:200]))
        tokens.append(json.loads(body)["token"])
    # the town officer (蓼皋街道) sees the households bound for Tuanshan and Yucai
    db = sqlite3.connect(DB)
    town_households = [x[0] for x in db.execute("SELECT id FROM households WHERE dest_community LIKE"
                                                " '520628002%' AND status <> 'closed' LIMIT 3000")]
    town_persons = [x[0] for x in db.execute("SELECT p.id FROM persons p JOIN households h ON h.id ="
                                             " p.household_id WHERE h.dest_community LIKE '520628002%'"
                                             " LIMIT 3000")]
    db.close()

    stop = threading.Event()
    attack_stop = threading.Event()
    threads = []
    for i in range(CLIENTS):
        admin = i % 4 != 3                            # a quarter are the town officer
        t = threading.Thread(target=legit, args=(
            stop, tokens[0] if admin else tokens[1], households if admin else town_households,
            persons if admin else town_persons, names, random.Random(i)), daemon=True)
        threads.append(t)
    attacker = Attacker()
    attack_thread = threading.Thread(target=attacker.run, args=(attack_stop,), daemon=True)

    samples = []              # (seconds, rss MiB, attacker connections held, healthz)
    events = []
    t_start = time.monotonic()
    for t in threads:
        t.start()
    warmup = max(5, SECONDS // 10)
    attack_started = False
    middle_result = {}
    middle = None
    middle_done = False
    try:
        while True:
            el = time.monotonic() - t_start
            if el >= SECONDS:
                break
            if not attack_started and el >= warmup:
                attack_thread.start()
                attack_started = True
                events.append("%.0f s: attacker starts (up to %d connections)" % (el, ATTACK_CONNS))
            if not middle_done and el >= SECONDS / 2:
                middle_done = True
                events.append("%.0f s: backup, fsck and slow clients" % el)
                middle = threading.Thread(target=middle_events, args=(tokens[0], households, t_start,
                                                                      events, middle_result), daemon=True)
                middle.start()
            rss = rss_kib(server.pid)
            if rss is None or server.poll() is not None:
                events.append("%.0f s: the server died (exit %s)" % (el, server.poll()))
                break
            h = healthz()
            samples.append((round(el, 1), round(rss / 1024, 1), len(attacker.socks), h))
            if h != 200:
                stats.add("healthz", "read", h, 0, False)
            time.sleep(1)
    finally:
        stop.set()
        attack_stop.set()
        for t in threads:
            t.join(timeout=REQUEST_TIMEOUT + 5)
        if attack_started:
            attack_thread.join(timeout=30)
        if middle:
            middle.join(timeout=600)
    backup_load, fsck_r = middle_result.get("backup"), middle_result.get("fsck")
    elapsed = time.monotonic() - t_start
    alive = server.poll() is None
    cleanup_server()
    restored = None
    if backup_load and backup_load.returncode == 0:
        b = sqlite3.connect(os.path.join(work, "loaded.db"))
        restored = b.execute("PRAGMA integrity_check").fetchone()[0]
        b.close()
    n_audit, audit_total = audit_bytes(audit_start)
    report(elapsed, samples, events, attacker, idle_backup, backup_load, fsck_r, restored,
           n_audit, audit_total, alive)


def middle_events(token, households, t_start, events, result):
    """In the middle of the run, beside the load: a backup, an fsck, four slow uploads."""
    slow = [threading.Thread(target=slow_legit_upload, args=(token, households), daemon=True)
            for _ in range(4)]
    for t in slow:
        t.start()
    result["backup"] = b = cli("backup", os.path.join(work, "loaded.db"), check=False)
    result["fsck"] = f = cli("fsck", check=False)
    for t in slow:
        t.join(timeout=60)
    events.append("%.0f s: backup %.2f s (exit %d), fsck %.2f s (exit %d)" % (
        time.monotonic() - t_start, b.seconds, b.returncode, f.seconds, f.returncode))


def cleanup_server():
    global server
    if server and server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def report(elapsed, samples, events, attacker, idle_backup, backup_load, fsck_r, restored,
           n_audit, audit_total, alive):
    total = sum(stats.count.values())
    legit_errors = sum(stats.errors.values())
    rss = [s[1] for s in samples]
    tenth = max(1, len(rss) // 10)
    # the base: the legitimate load alone, warmed up (the second half of the time before
    # the attacker starts); the end: the last tenth of the run
    warmup = max(5, SECONDS // 10)
    before = [s[1] for s in samples if warmup / 2 <= s[0] < warmup] or rss[:1] or [0]
    base = statistics.median(before)
    end = statistics.median(rss[-tenth:]) if rss else 0
    peak = max(rss) if rss else 0
    growth = round(end - base, 1)
    rss_ok = growth <= RSS_GROWTH_MIB and peak - base <= 2 * RSS_GROWTH_MIB
    failures = []
    if legit_errors:
        failures.append("%d legitimate-client errors" % legit_errors)
    if not rss_ok:
        failures.append("RSS grew %.1f MiB (peak %.1f over a base of %.1f; bound %d, peak bound %d)"
                        % (growth, peak, base, RSS_GROWTH_MIB, 2 * RSS_GROWTH_MIB))
    if not alive:
        failures.append("the server did not survive")
    if backup_load is None or backup_load.returncode != 0 or restored != "ok":
        failures.append("the backup under load did not give a sound copy")
    held = attacker.held
    every = max(1, len(samples) // 12)
    rss_line = ", ".join("%ds %.0f" % (s[0], s[1]) for s in samples[::every])
    health_bad = sum(1 for s in samples if s[3] != 200)
    lines = [
        "<!-- soak:begin (written by make soak; bench/run keeps this section) -->",
        "## Soak (`make soak`)",
        "",
        "Measured on %s, %s cores: %d s (SOAK_SECONDS=%d) on the demo county, %d legitimate keep-alive"
        " connections from 127.0.0.1 (three quarters admin, a quarter a town officer; 40 %% GET household,"
        " 12 %% GET person, 12 %% search, 4 %% list, 12 %% create household, 8 %% patch, 6 %% upload,"
        " 6 %% visit), server `--threads %s`, client and server on the same machine. From %d s on, an attacker"
        " on %s held up to %d slow connections (half headers trickled a byte at a time, and unauthenticated"
        " 1 MiB bodies sent to 900 KiB and stalled). In the middle: `anju backup`, `anju fsck` and four"
        " slow legitimate uploads (120 KB over 6 s)." % (
            datetime.date.today().isoformat(), os.cpu_count(), round(elapsed), SECONDS, CLIENTS, THREADS,
            max(5, SECONDS // 10), ", ".join("127.0.0.%d" % (2 + i) for i in range(ATTACK_ADDRESSES)),
            ATTACK_CONNS),
        "",
        "| figure | measured |",
        "|---|---|",
        "| verdict | %s |" % ("**pass**" if not failures else "**fail**: " + "; ".join(failures)),
        "| requests answered (legitimate) | %d (%.0f req/s) |" % (total, total / elapsed if elapsed else 0),
        "| errors for legitimate clients, by kind and status | %s |" % (
            ", ".join("%s: %d" % kv for kv in sorted(stats.errors.items())) or "0"),
        "| reads p50 / p99 | %s / %s ms |" % (pct(stats.lat["read"], 50), pct(stats.lat["read"], 99)),
        "| writes p50 / p99 | %s / %s ms |" % (pct(stats.lat["write"], 50), pct(stats.lat["write"], 99)),
        "| /healthz probes failed (one a second, fresh connection) | %d of %d |" % (health_bad, len(samples)),
        "| attacker connections held (median / max) | %d / %d (opened %d, closed by the server %d) |" % (
            statistics.median(held) if held else 0, max(held) if held else 0, attacker.opened,
            attacker.closed_by_server),
        "| RSS (MiB) after warm-up / at the end / peak | %.1f / %.1f / %.1f (bound: growth <= %d) |" % (
            base, end, peak, RSS_GROWTH_MIB),
        "| RSS over time (s MiB) | %s |" % rss_line,
        "| audit bytes per change | %s (%d audit rows for %d acknowledged writes) |" % (
            round(audit_total / n_audit) if n_audit else "-", n_audit, stats.changes),
        "| backup idle / under load | %.2f s / %s |" % (
            idle_backup.seconds, "%.2f s (exit %d, copy integrity %s)" % (
                backup_load.seconds, backup_load.returncode, restored) if backup_load else "not run"),
        "| fsck under load | %s |" % ("%.2f s, exit %d: %s" % (fsck_r.seconds, fsck_r.returncode,
                                      (fsck_r.stdout.strip().splitlines() or [""])[-1]) if fsck_r else "not run"),
        "",
        "Events: " + "; ".join(events) + ".",
    ]
    if stats.error_samples:
        lines += ["", "First errors seen:", ""] + ["    " + e.replace("\n", " ") for e in stats.error_samples[:10]]
    lines += ["<!-- soak:end -->", ""]
    section = "\n".join(lines)
    print(section)
    try:
        with open(REPORT) as f:
            text = f.read()
    except OSError:
        text = "# Benchmarks\n"
    b, e = text.find("<!-- soak:begin"), text.find("<!-- soak:end -->")
    if b >= 0 and e > b:
        text = text[:b] + section + text[e + len("<!-- soak:end -->\n"):]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(REPORT, "w") as f:
        f.write(text)
    log("wrote the soak section of %s" % os.path.abspath(REPORT))
    if failures:
        log("FAIL: " + "; ".join(failures))
        sys.exit(1)
    log("pass")


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
