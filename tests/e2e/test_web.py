"""End-to-end tests of the web boundary: CSRF enforced from the route table, malformed
multipart, the size cap however a body is framed, session cookies over HTTPS, the outcome
map, and clients that hold connections open.

usage: test_web.py PATH/TO/anju
"""
import os
import re
import socket
import sqlite3
import sys
import threading
import time
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Runner, Server, expect, id_number  # noqa: E402

ROUTES_C = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "web", "routes.c")
BOUNDARY = "anjuWebBoundary9f3Kq"

S = Server(env={"ANJU_MAX_UPLOAD": str(1 << 20)})
S.cli("migrate")
S.add_user("admin", "admin")
S.start()
ADMIN = S.login("admin")


# ---------------------------------------------------------------- helpers

# For each key_ok test of the route table, a name it answers (ledgers: src/domain/ledgers.c).
LEDGER_KEY = {"api_ledger_key_household": "visits", "api_ledger_key_person": "jobs",
              "api_ledger_key_household_rows": "visits", "api_ledger_key_person_rows": "jobs",
              "api_ledger_key_household_put": "plots", "api_ledger_key_person_put": "schooling",
              "api_ledger_key_rows": "jobs", "api_ledger_key_changeable": "jobs",
              "page_key_household_whole": "plots", "page_key_person_whole": "schooling",
              "api_import_template_key": "households"}   # an import's template (api_imports.c)


def route_rows():
    """(kind, method, pattern, csrf rule) of every row of the route table, from its source:
    the test walks the table the dispatcher walks, so a new row is covered without edits."""
    rows = []
    text = open(ROUTES_C, encoding="utf-8").read()
    # a row may go on over several lines; it ends at the first "),"
    for m in re.finditer(r'^\t(PAGE|API)\("([A-Z]+)", "([^"]+)", (\w+), (PERM_\w+)([^;{}]*?)\),[ \t]*$',
                         text, re.M | re.S):
        kind, method, pattern, _, perm, rest = m.groups()
        rule = re.search(r"\.csrf = (CSRF_\w+)", rest)
        key_ok = re.search(r"\.key_ok = (\w+)", rest)   # a ledger's {key} row: one it answers
        if key_ok:
            pattern = pattern.replace("{key}", LEDGER_KEY[key_ok.group(1)])
        rows.append((kind + ("+upload" if ".upload = true" in rest else ""), method, pattern, perm,
                     rule.group(1) if rule else "CSRF_BY_METHOD"))
    return rows


def cookie_session(name="admin"):
    """Logs in through the log-in form; returns (session token, its CSRF token)."""
    form = S.request("GET", "/login")
    csrf_cookie = re.search(r"anju_csrf=([0-9a-f]+)", form.header("Set-Cookie")).group(1)
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', form.body.decode()).group(1)
    r = S.request("POST", "/login", raw=urlencode({"username": name, "password": "correct-horse-42",
                                                   "csrf": token}).encode(),
                  content_type="application/x-www-form-urlencoded",
                  headers={"Cookie": "anju_csrf=" + csrf_cookie})
    expect(r.status == 303, "log-in %r" % r)
    session = re.search(r"anju_session=([^;]+)", r.header("Set-Cookie")).group(1)
    page = S.request("GET", "/", headers={"Cookie": "anju_session=" + session})
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.body.decode()).group(1)
    return session, csrf


def multipart(parts, boundary=BOUNDARY):
    """parts: [(name, filename or None, bytes)]."""
    out = b""
    for name, filename, data in parts:
        disp = 'form-data; name="%s"' % name + ('; filename="%s"' % filename if filename is not None else "")
        out += ("--%s\r\nContent-Disposition: %s\r\n\r\n" % (boundary, disp)).encode() + data + b"\r\n"
    return out + ("--%s--\r\n" % boundary).encode()


def new_household(seq=[500]):
    seq[0] += 2
    r = S.request("POST", "/api/v1/households", {
        "category": "registered_poor", "origin_village": "520628118201", "dest_community": "520628002030",
        "members": [{"id_number": id_number("52062819700101%03d" % seq[0]), "name": "龙志军",
                     "relation": "head"}]}, token=ADMIN)
    expect(r.status == 201, "household %r" % r)
    return r.json


def state():
    """Rows, stored files and temporary files: what a refused upload must not change."""
    db = sqlite3.connect(S.db)
    rows = tuple(db.execute("SELECT count(*) FROM %s" % t).fetchone()[0] for t in ("items", "files", "blobs"))
    db.close()
    blobs = sum(len(f) for _, _, f in os.walk(os.path.join(S.dir, "data", "blobs")))
    tmp = sorted(os.listdir(os.path.join(S.dir, "data", "tmp")))
    return rows, blobs, tmp


def settled(before, seconds=5):
    for _ in range(int(seconds * 20)):
        if state() == before:
            return True
        time.sleep(0.05)
    return False


def concrete(pattern):
    return pattern.replace("{id}", "999999").replace("{key}", "idle_labor")


# ---------------------------------------------------------------- CSRF from the route table

def test_every_state_changing_route_needs_the_csrf_token():
    rows = [r for r in route_rows() if r[1] not in ("GET", "HEAD")]
    expect(len(rows) > 40, "the table was read (%d state-changing rows)" % len(rows))
    expect(("POST", "/login", "CSRF_LOGIN_COOKIE") in [(m, p, rule) for _, m, p, _, rule in rows],
           "rows over several lines are read too")
    exempt = [(m, p) for _, m, p, perm, rule in rows if rule == "CSRF_EXEMPT"]
    expect(exempt == [("POST", "/api/v1/session")], "only the password log-in is exempt: %r" % exempt)
    session, csrf = cookie_session()
    # the session's own logout routes go last, so the walk keeps its session
    rows.sort(key=lambda r: r[2] in ("/logout", "/api/v1/session"))
    # uploads check their target before the body: give them one that exists
    h, item = new_household(), None
    r = S.request("POST", "/api/v1/households/%d/items" % h["id"],
                  raw=multipart([("title", None, b"x"), ("doc_type", None, b"other"),
                                 ("file", "a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)]),
                  content_type="multipart/form-data; boundary=" + BOUNDARY, token=ADMIN)
    item = r.json["id"] if r.status == 201 else 999999
    checked = 0
    for kind, method, pattern, perm, rule in rows:
        if rule != "CSRF_BY_METHOD" or perm == "PERM_PUBLIC":
            continue
        path = concrete(pattern)
        if path in ("/logout", "/api/v1/session"):     # each ends its session: a fresh one
            session, csrf = cookie_session()
        cookie = {"Cookie": "anju_session=" + session}
        if kind.endswith("+upload"):
            path = pattern.replace("households/{id}", "households/%d" % h["id"]).replace("items/{id}", "items/%d" % item)
            body, ctype = multipart([("title", None, b"x")]), "multipart/form-data; boundary=" + BOUNDARY
            wrong_field = multipart([("csrf", None, b"1" * 32), ("title", None, b"x")])
        elif kind == "PAGE":
            body, ctype, wrong_field = b"x=1", "application/x-www-form-urlencoded", b"csrf=" + b"1" * 32
        else:
            body, ctype = b"{}", "application/json"
        for what, headers in (("no token", {}), ("wrong token", {"X-CSRF-Token": "0" * 32})):
            r = S.request(method, path, raw=body, content_type=ctype, headers=dict(cookie, **headers))
            expect(r.status == 403, "%s %s with the cookie and %s: %r" % (method, path, what, r))
            if kind.startswith("API"):
                expect(r.json["status"] == 403, "problem status %r" % r)
        if kind.startswith("PAGE"):   # the form's own field, wrong
            r = S.request(method, path, raw=wrong_field, content_type=ctype, headers=cookie)
            expect(r.status == 403, "%s %s with a wrong form token: %r" % (method, path, r))
        r = S.request(method, path, raw=body, content_type=ctype, headers=dict(cookie, **{"X-CSRF-Token": csrf}))
        expect(r.status != 403, "%s %s with the right token: %r" % (method, path, r))
        if kind.startswith("API"):    # Bearer carries no ambient authority: no token needed
            bearer = S.login("admin") if path == "/api/v1/session" else ADMIN
            r = S.request(method, path, raw=body, content_type=ctype, token=bearer)
            expect(r.status != 403, "%s %s with Bearer: %r" % (method, path, r))
        checked += 1
    expect(checked > 40, "walked %d routes" % checked)


def test_cookie_api_writes_need_the_header_and_bearer_writes_pass():
    session, csrf = cookie_session()
    db = sqlite3.connect(S.db)
    before = db.execute("SELECT count(*) FROM households").fetchone()[0]
    body = {"category": "registered_poor", "origin_village": "520628118201", "dest_community": "520628002030",
            "members": [{"id_number": id_number("52062819800101771"), "name": "吴小英", "relation": "head"}]}
    r = S.request("POST", "/api/v1/households", body, headers={"Cookie": "anju_session=" + session})
    expect(r.status == 403 and r.json["status"] == 403, "cookie without token %r" % r)
    expect(r.field_codes() == {"X-CSRF-Token": "csrf_token_required"}, "says what is missing %r" % r)
    expect("CSRF" in r.json["title"], "titled as what it is, not as the role's %r" % r.json["title"])
    expect(db.execute("SELECT count(*) FROM households").fetchone()[0] == before, "nothing created")
    # the cross-site upload of the report: multipart with only the cookie
    h = new_household()
    before_files = state()
    r = S.request("POST", "/api/v1/households/%d/items" % h["id"],
                  raw=multipart([("title", None, b"x"), ("doc_type", None, b"other"),
                                 ("file", "a.txt", b"hello")]),
                  content_type="multipart/form-data; boundary=" + BOUNDARY,
                  headers={"Cookie": "anju_session=" + session})
    expect(r.status == 403, "cross-site upload %r" % r)
    expect(settled(before_files), "the refused upload left nothing")
    r = S.request("POST", "/api/v1/households", body, headers={"Cookie": "anju_session=" + session,
                                                                "X-CSRF-Token": csrf})
    expect(r.status == 201, "cookie with token %r" % r)
    body["members"][0]["id_number"] = id_number("52062819800101781")
    r = S.request("POST", "/api/v1/households", body, token=ADMIN)
    expect(r.status == 201, "Bearer %r" % r)
    db.close()


# ---------------------------------------------------------------- multipart

def test_malformed_multipart_is_400_and_leaves_nothing():
    h = new_household()
    path = "/api/v1/households/%d/items" % h["id"]
    good = [("title", None, "照片".encode()), ("doc_type", None, b"other")]
    ct = "multipart/form-data; boundary=" + BOUNDARY
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    B = BOUNDARY.encode()
    cases = [
        ("no name", ct, multipart(good)[:-len(B) - 6]
         + b"--" + B + b'\r\nContent-Disposition: form-data; filename="a.png"\r\n\r\n' + png + b"\r\n--" + B + b"--\r\n"),
        ("no name at all", ct, b"--" + B + b"\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" + B + b"--\r\n"),
        ("no disposition", ct, b"--" + B + b"\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + B + b"--\r\n"),
        ("no headers", ct, b"--" + B + b"\r\n\r\nx\r\n--" + B + b"--\r\n"),
        ("missing boundary", "multipart/form-data", multipart(good)),
        ("empty boundary", "multipart/form-data; boundary=", multipart(good)),
        ("garbled boundary", "multipart/form-data; boundary=\"abc", multipart(good)),
        ("boundary too long", "multipart/form-data; boundary=" + "b" * 71, multipart(good, "b" * 71)),
        ("other boundary", ct, multipart(good, "somethingElse")),
        ("headers too long", ct, b"--" + B + b"\r\nContent-Disposition: form-data; name=\"title\"\r\nX-Pad: "
         + b"p" * 9000 + b"\r\n\r\nx\r\n--" + B + b"--\r\n"),
        ("too many parts", ct, multipart([("f%d" % i, None, b"x") for i in range(17)])),
        ("too many files", ct, multipart(good + [("file", "a%d.png" % i, png) for i in range(17)])),
        ("duplicate field", ct, multipart(good + [("title", None, b"again")])),
        ("file under a field's name", ct, multipart(good + [("title", "t.png", png)])),
        ("truncated", ct, multipart(good + [("file", "a.png", png)])[:-20]),
        ("unterminated", ct, multipart(good + [("file", "a.png", png)])[:-len(B) - 6]),
        ("only an opening boundary", ct, b"--" + B),
        ("garbage after delimiter", ct, b"--" + B + b"XX\r\n" + multipart(good)),
        ("NUL in headers", ct, b"--" + B + b"\r\nContent-Disposition: form-data; name=\"ti\0tle\"\r\n\r\nx\r\n--" + B + b"--\r\n"),
        ("chunked and truncated", ct, multipart(good + [("file", "a.png", png)])[:-30]),
    ]
    for what, ctype, raw in cases:
        before = state()
        r = S.request("POST", path, raw=raw, token=ADMIN, content_type=ctype, chunked=what.startswith("chunked"))
        expect(r.status == 400, "%s: %r" % (what, r))
        expect(r.header("Content-Type") == "application/problem+json" and r.json["status"] == 400,
               "%s: problem+json %r" % (what, r))
        expect(settled(before), "%s left something: %r vs %r" % (what, state(), before))
    expect(S.request("GET", "/healthz").status == 200, "the server is still up")
    # a well-formed upload after all that still works
    r = S.request("POST", path, raw=multipart(good + [("file", "a.png", png)]), token=ADMIN, content_type=ct)
    expect(r.status in (201, 415, 422), "a good shape is not refused as malformed %r" % r)


def test_the_page_upload_refuses_what_the_api_refuses():
    session, csrf = cookie_session()
    h = new_household()
    ct = "multipart/form-data; boundary=" + BOUNDARY
    parts = [("csrf", None, csrf.encode()), ("title", None, b"x"), ("doc_type", None, b"other")]
    for what, raw in (("too many parts", multipart(parts + [("f%d" % i, None, b"x") for i in range(14)])),
                      ("duplicate field", multipart(parts + [("title", None, b"y")]))):
        before = state()
        r = S.request("POST", "/households/%d/items" % h["id"], raw=raw, content_type=ct,
                      headers={"Cookie": "anju_session=" + session, "X-CSRF-Token": csrf})
        expect(r.status == 400, "page upload, %s: %r" % (what, r))
        expect(settled(before), "page upload, %s left something" % what)


def test_chunked_uploads_are_capped_in_total():
    h = new_household()
    limit = 1 << 20                     # ANJU_MAX_UPLOAD of this server
    piece = b"\x89PNG\r\n\x1a\n" + os.urandom(limit * 3 // 4)
    raw = multipart([("title", None, b"x"), ("doc_type", None, b"other")]
                    + [("file", "p%d.png" % i, piece) for i in range(3)])
    before = state()
    for chunked in (True, False):
        r = S.request("POST", "/api/v1/households/%d/items" % h["id"], raw=raw, token=ADMIN,
                      content_type="multipart/form-data; boundary=" + BOUNDARY, chunked=chunked)
        expect(r.status == 413 and r.json["status"] == 413, "chunked=%s: %r" % (chunked, r))
        expect(settled(before), "chunked=%s left something" % chunked)
    # the same for a JSON body sent in chunks
    big = b'{"x": "' + b"a" * (2 << 20) + b'"}'
    r = S.request("POST", "/api/v1/households", raw=big, token=ADMIN, chunked=True)
    expect(r.status == 413, "chunked JSON %r" % r)


def test_public_routes_take_only_small_bodies():
    """The two routes that read a body without a session cap it at 16 KiB, on the headers."""
    for path in ("/api/v1/session", "/login"):
        s = socket.create_connection(("127.0.0.1", S.port), timeout=5)
        s.sendall(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100000\r\n\r\n")
        head = s.recv(4096)
        expect(head.startswith(b"HTTP/1.1 413"), "%s: 413 before the body %r" % (path, head[:60]))
        s.close()
    r = S.request("POST", "/api/v1/session", {"username": "admin", "password": "x" * 20000})
    expect(r.status == 413, "a 20 KB log-in %r" % r)


# ---------------------------------------------------------------- the API's contract

OPENAPI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "web", "openapi.json")


def test_the_contract_is_served_as_built_without_a_session():
    with open(OPENAPI, "rb") as f:
        source = f.read()
    r = S.request("GET", "/api/v1/openapi.json")
    expect(r.status == 200 and r.header("Content-Type") == "application/json", "served %r" % r)
    expect(r.body == source, "the served document is web/openapi.json byte for byte")
    expect(r.json["openapi"] == "3.1.0", "OpenAPI 3.1")
    etag = r.header("ETag")
    again = S.request("GET", "/api/v1/openapi.json", headers={"If-None-Match": etag})
    expect(again.status == 304 and again.body == b"", "304 on the same ETag %r" % again)
    stale = S.request("GET", "/api/v1/openapi.json", headers={"If-None-Match": '"0"'})
    expect(stale.status == 200 and stale.body == source, "200 on another ETag")
    index = S.request("GET", "/api/v1")
    expect(index.status == 200 and index.json["openapi"] == "/api/v1/openapi.json"
           and index.json["docs"] == "/docs/api", "the API's index points at its contract %r" % index)


def test_the_contract_page_renders_every_operation_in_both_languages():
    import json
    with open(OPENAPI, encoding="utf-8") as f:
        doc = json.load(f)
    ops = [(m, p, o) for p, item in doc["paths"].items() for m, o in item.items()]
    for lang, heading, word in (("en", "API reference", "Conventions"), ("zh-CN", "API 参考", "约定")):
        r = S.request("GET", "/docs/api", headers={"Accept-Language": lang})
        html = r.body.decode("utf-8")
        expect(r.status == 200 and "text/html" in r.header("Content-Type"), "%s page %r" % (lang, r))
        expect("script-src 'self'" in (r.header("Content-Security-Policy") or ""), "the pages' CSP")
        expect("<title>%s" % heading in html and word in html, "%s words on the page" % lang)
        expect(html.count('<article class="api-op"') == len(ops), "%s: every operation, %d of %d"
               % (lang, html.count('<article class="api-op"'), len(ops)))
        for m, p, o in ops:
            expect('id="op-%s"' % o["operationId"] in html, "%s %s on the page" % (m, p))
        summary = doc["paths"]["/api/v1/households"]["post"]["x-summary-zh-CN" if lang == "zh-CN" else "summary"]
        expect(summary in html, "%s summary %r" % (lang, summary))
        expect('id="schema-Household"' in html and '<a href="#schema-Person">Person</a>' in html,
               "schemas with links between them")
        expect(not re.search(r'(src|href)="(https?:)?//', html), "nothing from another site")


def test_the_operations_other_tests_leave_out_answer_as_documented():
    """One 2xx answer of each operation no other e2e test calls successfully, so the
    contract check at the end holds every operation's answer to the document."""
    hh = new_household()
    person = hh["members"][0]["id"]
    calls = [
        ("POST", "/api/v1/employers", {"name": "团山社区扶贫车间", "kind": "workshop"}, 201),
        ("POST", "/api/v1/users", {"username": "contract_county", "role": "county", "scope": "520628",
                                   "password": "correct-horse-42"}, 201),
        ("GET", "/api/v1/persons/%d/family-doctor" % person, None, 200),
        ("GET", "/api/v1/persons/%d/trainings" % person, None, 200),
    ]
    for method, path, body, status in calls:
        r = S.request(method, path, body, token=ADMIN)
        expect(r.status == status, "%s %s: %r" % (method, path, r))
    for ledger, path, body in (
            ("trainings", "/api/v1/persons/%d/trainings" % person,
             {"type": "skills", "course": "电工", "hours": 8, "start_date": "2025-03-01"}),
            ("guarantees", "/api/v1/persons/%d/guarantees" % person,
             {"kind": "medical_insurance", "status": "enrolled", "start_date": "2024-01-01"}),
            ("visits", "/api/v1/households/%d/visits" % hh["id"],
             {"date": "2025-06-01", "visitor": "网格员", "found": "正常"})):
        made = S.request("POST", path, body, token=ADMIN)
        expect(made.status == 201, "%s: %r" % (path, made))
        one = S.request("GET", made.header("Location"), token=ADMIN)
        expect(one.status == 200 and one.json["id"] == made.json["id"] and
               made.header("Location") == "/api/v1/%s/%d" % (ledger, made.json["id"]),
               "%s row by its Location %r" % (ledger, one))


# ---------------------------------------------------------------- statuses and cookies

def test_statuses_come_from_one_map():
    r = S.request("DELETE", "/api/v1/households", token=ADMIN)
    expect(r.status == 405 and r.json["status"] == 405 and "GET" in r.header("Allow"), "405 %r" % r)
    r = S.request("GET", "/api/v1/households/abc", token=ADMIN)
    expect(r.status == 404 and r.json["status"] == 404, "404 %r" % r)


def test_session_cookie_is_secure_over_https():
    plain = S.request("POST", "/api/v1/session", {"username": "admin", "password": "correct-horse-42"})
    expect("Secure" not in plain.header("Set-Cookie"), "plain HTTP: no Secure %r" % plain.header("Set-Cookie"))
    expect(plain.header("Strict-Transport-Security") is None, "no HSTS over plain HTTP")
    spoofed = S.request("POST", "/api/v1/session", {"username": "admin", "password": "correct-horse-42"},
                        headers={"X-Forwarded-Proto": "https"})
    expect("Secure" not in spoofed.header("Set-Cookie"), "an untrusted X-Forwarded-Proto changes nothing")
    for env, headers in (({"ANJU_PUBLIC_URL": "https://anju.example.cn"}, {}),
                         ({"ANJU_TRUST_PROXY": "true"}, {"X-Forwarded-Proto": "https"})):
        b = Server(db=S.db, env=env).start()
        r = b.request("POST", "/api/v1/session", {"username": "admin", "password": "correct-horse-42"},
                      headers=headers)
        expect(r.status == 201 and "; Secure" in r.header("Set-Cookie"), "%r: Secure %r" % (env, r.header("Set-Cookie")))
        expect((r.header("Strict-Transport-Security") or "").startswith("max-age="), "%r: HSTS" % env)
        page = b.request("GET", "/login", headers=headers)
        expect("; Secure" in page.header("Set-Cookie"), "%r: the log-in form's cookie too" % env)
        b.stop()


# ---------------------------------------------------------------- clients that hold connections

def attacker_socket(port, source="127.0.0.2"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def closed_by_server(s, within):
    """True when the server closes (or resets) the connection within `within` seconds."""
    s.settimeout(within)
    try:
        return s.recv(4096) == b"" or True
    except socket.timeout:
        return False
    except OSError:
        return True


def test_slow_clients_cannot_lock_others_out():
    b = Server(db=S.db, env={"ANJU_MAX_CONNECTIONS_PER_IP": "16", "ANJU_HEADER_TIMEOUT": "4",
                             "ANJU_BODY_TIMEOUT": "3", "ANJU_IDLE_TIMEOUT": "30"}).start()
    tok = b.login("admin")
    held = []
    try:
        # 40 half-sent requests from one address: 16 are let in, the rest are closed at once
        for _ in range(40):
            try:
                s = attacker_socket(b.port)
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                held.append(s)
            except OSError:
                pass
        t0 = time.time()
        for _ in range(5):
            r = b.request("GET", "/healthz")
            expect(r.status == 200, "healthz while held %r" % r)
            r = b.request("GET", "/api/v1/households?limit=1", token=tok)
            expect(r.status == 200, "a logged-in GET while held %r" % r)
        expect(time.time() - t0 < 5, "answered promptly (%.1f s for 10 requests)" % (time.time() - t0))
        refused = sum(1 for s in held[16:] if closed_by_server(s, 2))
        expect(refused >= len(held) - 16 - 2, "beyond the per-address cap: %d of %d closed" % (refused, len(held) - 16))
        # a client sending its headers a byte a second is cut off by the header deadline
        drip = attacker_socket(b.port, "127.0.0.3")
        cut = threading.Event()

        def dribble():
            try:
                for c in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 60:
                    drip.send(bytes([c]))
                    time.sleep(0.25)
            except OSError:
                cut.set()
        t = threading.Thread(target=dribble, daemon=True)
        t0 = time.time()
        t.start()
        t.join(timeout=15)
        expect(cut.is_set() and time.time() - t0 < 8, "the dribbler was cut off (%.1f s)" % (time.time() - t0))
        # an unauthenticated POST with a large body is refused on its headers
        s = attacker_socket(b.port, "127.0.0.4")
        s.sendall(b"POST /api/v1/households HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 900000\r\n\r\n")
        s.settimeout(5)
        head = s.recv(4096)
        expect(head.startswith(b"HTTP/1.1 401"), "401 before the body %r" % head[:80])
        s.close()
        # and the same from a cookie API write without a token: 403 before the body
        s = attacker_socket(b.port, "127.0.0.4")
        s.sendall(b"POST /api/v1/households HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Cookie: anju_session=" + tok.encode() + b"\r\nContent-Length: 900000\r\n\r\n")
        head = s.recv(4096)
        expect(head.startswith(b"HTTP/1.1 403"), "403 before the body %r" % head[:80])
        s.close()
        # the held connections are cut off by the header deadline too, and room comes back
        expect(all(closed_by_server(s, 6) for s in held[:16]), "held connections were cut off")
        s = attacker_socket(b.port)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        expect(s.recv(4096).startswith(b"HTTP/1.1 200"), "the address may connect again")
        s.close()
    finally:
        for s in held:
            s.close()
        b.stop()


if __name__ == "__main__":
    Runner().run_module(dict(globals()), S)
