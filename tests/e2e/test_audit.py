"""End-to-end tests of accountability: read events in the audit log, small change rows,
the hash chain and `anju audit verify`, break-the-glass grants, the auditor's pages.

usage: test_audit.py PATH/TO/anju
"""
import csv
import hashlib
import io
import json
import os
import re
import sqlite3
import sys
import time
from urllib.parse import quote, urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, Runner, Server, expect, id_number, unmac  # noqa: E402

S = Server()
S.cli("migrate")
S.add_user("admin", "admin")
S.add_user("zhengda", "town", "520628118")     # 正大镇
S.add_user("panshi", "town", "520628101")      # 盘石镇
S.add_user("watcher", "auditor", "520628")
S.start()
ADMIN = S.login("admin")
ZD = S.login("zhengda")
PS = S.login("panshi")
WATCHER = S.login("watcher")
SEQ = [0]


def household(origin="520628118201", members=1, note="一行备注"):
    """A household of `members` people with every optional field filled, so that its
    whole record is a few kilobytes, as a real one is."""
    SEQ[0] += 1
    people = []
    for i in range(members):
        n = SEQ[0] * 10 + i
        people.append({"id_number": id_number("520628198%d01%02d%03d" % (i % 10, 1 + n % 28, n % 1000)),
                       "name": "测试%d" % n, "relation": "head" if i == 0 else "son",
                       "phone": "139%08d" % n})
    return {"category": "registered_poor", "origin_village": origin,
            "dest_community": "520628002030", "note": note, "members": people}


def create(token=ADMIN, **kw):
    r = S.request("POST", "/api/v1/households", household(**kw), token=token)
    expect(r.status == 201, "create: %r" % r)
    return r


def db():
    return sqlite3.connect(S.db, timeout=30)


def audit_rows(entity, id_, token=ADMIN, want=None, wait=5.0):
    """The audit rows of a record; waits (up to `wait` s) until one row passes `want` (an
    action, or a test of a row), since read events are written in the background."""
    deadline = time.time() + wait
    test = want if callable(want) else (lambda x: x["action"] == want)
    while True:
        r = S.request("GET", "/api/v1/audit?entity=%s&id=%d" % (entity, id_), token=token)
        expect(r.status == 200, "audit: %r" % r)
        items = r.json["items"]
        if want is None or any(test(x) for x in items) or time.time() > deadline:
            return items
        time.sleep(0.1)


def cookies_of(r):
    out = {}
    for k, v in r.headers:
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            out[name] = rest.split(";")[0]
    return out


def page_session(user):
    form = S.request("GET", "/login")
    jar = cookies_of(form)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.body.decode()).group(1)
    body = urlencode({"username": user, "password": PASSWORD, "csrf": csrf}).encode()
    r = S.request("POST", "/login", raw=body, content_type="application/x-www-form-urlencoded",
                  headers={"Cookie": "anju_csrf=" + jar["anju_csrf"]})
    expect(r.status == 303, "page log-in %r" % r)
    return cookies_of(r)["anju_session"]


def get(path, session, lang="en"):
    return S.request("GET", path, headers={"Cookie": "anju_session=%s; anju_lang=%s" % (session, lang)})


def post_form(path, session, fields):
    return S.request("POST", path, raw=urlencode(fields).encode(),
                     content_type="application/x-www-form-urlencoded",
                     headers={"Cookie": "anju_session=" + session})


def form_token(html):
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


# ------------------------------------------------------------------ issue 10.5: small rows

def test_a_small_change_writes_a_small_audit_row():
    h = create(members=4).json
    whole = len(json.dumps(h, ensure_ascii=False).encode())
    expect(whole > 1024, "the record itself is larger than the bound (%d bytes)" % whole)
    r = S.request("PATCH", "/api/v1/households/%d" % h["id"], {"note": "改了一行"}, token=ADMIN,
                  headers={"If-Match": '"h%d-%d"' % (h["id"], h["version"])})
    expect(r.status == 200, "patch %r" % r)
    c = db()
    row = c.execute("SELECT length(CAST(coalesce(before, '') AS BLOB)) + length(CAST(coalesce(after, '') AS BLOB))"
                    " + length(coalesce(chain, '')) + length(at) + length(username) + length(address)"
                    " + length(action) + length(entity), before, after FROM audit"
                    " WHERE entity = 'household' AND entity_id = ? AND action = 'update'", (h["id"],)).fetchone()
    c.close()
    expect(row[0] < 1024, "audit bytes for a one-line note: %d" % row[0])
    before, after = json.loads(row[1]), json.loads(row[2])
    expect(before["note"] == "一行备注" and after["note"] == "改了一行", "old and new value kept %r" % (row[1:],))
    expect("members" not in after and "members" not in before, "unchanged parts not repeated")
    # the change trail still names the field, in the page's words (field_note: 备注 / Note)
    trail = get("/households/%d" % h["id"], page_session("admin")).body.decode()
    expect(re.search(r"<td>(备注|Note)</td>", trail) and not re.search(r"<td>[^<]*\bnote\b[^<]*</td>", trail),
           "trail names the changed field in words")


def test_the_record_as_it_was_can_be_rebuilt_from_the_patches():
    h = create(members=2).json
    etag = '"h%d-%d"' % (h["id"], h["version"])
    for note in ("第二", "第三"):
        r = S.request("PATCH", "/api/v1/households/%d" % h["id"], {"note": note}, token=ADMIN,
                      headers={"If-Match": etag})
        etag = r.header("ETag")
    now = S.request("GET", "/api/v1/households/%d" % h["id"], token=ADMIN).json
    rows = [x for x in audit_rows("household", h["id"]) if x["action"] == "update"]
    rebuilt = dict(now)
    for x in rows:                        # newest first: apply each `before` patch
        for k, v in x["before"].items():
            if v is None:
                rebuilt.pop(k, None)
            else:
                rebuilt[k] = v
    for k in ("note", "version", "updated_at"):
        expect(rebuilt.get(k) == h.get(k), "%s as created: %r vs %r" % (k, rebuilt.get(k), h.get(k)))


# ------------------------------------------------------------------ read audit

def test_a_view_is_logged_with_who_where_and_how_many():
    h = create(token=ZD).json
    expect(S.request("GET", "/api/v1/households/%d" % h["id"], token=ZD).status == 200, "read")
    rows = audit_rows("household", h["id"], want="read")
    reads = [x for x in rows if x["action"] == "read"]
    expect(reads and reads[0]["user"] == "zhengda" and reads[0]["records"] == 1
           and reads[0]["address"] == "127.0.0.1", "read event %r" % reads)
    # auditors see read events too; a town officer sees only the changes
    expect(any(x["action"] == "read" for x in audit_rows("household", h["id"], token=WATCHER)), "auditor sees reads")
    expect(not any(x["action"] == "read" for x in audit_rows("household", h["id"], token=ZD)),
           "a town officer does not see who read")
    pid = h["members"][0]["id"]
    S.request("GET", "/api/v1/persons/%d" % pid, token=ZD)
    expect(any(x["action"] == "read" and x["user"] == "zhengda"
               for x in audit_rows("person", pid, want="read")), "person read logged")
    session = page_session("zhengda")
    get("/persons/%d" % pid, session)
    page = lambda x: x["action"] == "read" and x.get("detail") == "page"     # noqa: E731
    expect(any(page(x) for x in audit_rows("person", pid, want=page)), "person page logged")
    expect(get("/households/%d/edit" % h["id"], session).status == 200, "edit form")
    edit = lambda x: x["action"] == "read" and x.get("detail") == "edit"     # noqa: E731
    expect(any(edit(x) for x in audit_rows("household", h["id"], want=edit)), "the edit form is a view too")


def test_searches_lists_and_exports_are_logged():
    name = create(token=ZD).json["members"][0]["name"]
    r = S.request("GET", "/api/v1/search?q=" + quote(name), token=ZD)
    expect(r.status == 200 and r.json["results"], "found")
    n = len(r.json["results"])
    r = S.request("GET", "/api/v1/worklists/archive_incomplete?format=csv", token=ZD)
    expect(r.status == 200, "worklist export %r" % r)
    exported = len(list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))) - 1
    deadline = time.time() + 5
    while time.time() < deadline:
        log = S.request("GET", "/api/v1/audit?user=zhengda&limit=200", token=WATCHER).json["items"]
        search = [x for x in log if x["action"] == "search" and x["detail"] == name]
        export = [x for x in log if x["action"] == "export" and x["entity"] == "worklist"]
        if search and export:
            break
        time.sleep(0.1)
    expect(search and search[0]["records"] == n, "search logged with its count %r" % search)
    expect(export and export[0]["records"] == exported, "export logged with its count %r vs %d" % (export, exported))


def test_what_was_searched_is_masked_for_the_auditor():
    idn = create(token=ZD).json["members"][0]["id_number"]
    expect(S.request("GET", "/api/v1/search?q=" + idn, token=ZD).status == 200, "searched")
    seen = lambda x: x["action"] == "search" and x["detail"] and x["detail"].endswith(idn[-2:])  # noqa: E731
    deadline = time.time() + 5
    while time.time() < deadline:
        admin = [x for x in S.request("GET", "/api/v1/audit?user=zhengda&action=search", token=ADMIN).json["items"]
                 if seen(x)]
        if admin:
            break
        time.sleep(0.1)
    expect(admin and admin[0]["detail"] == idn, "an admin sees what was searched %r" % admin[:1])
    page = get("/audit?user=zhengda&action=search", page_session("watcher")).body.decode()
    api = S.request("GET", "/api/v1/audit?user=zhengda&action=search", token=WATCHER).body.decode()
    for where, text in (("page", page), ("API", api)):
        # the one mask of every channel (privacy_present): the first 4 and the last 2
        expect(idn not in text and idn[:4] + "*" * 12 + idn[-2:] in text,
               "masked for the auditor on the %s" % where)


def test_reads_are_written_when_the_server_stops():
    T = Server(env={"ANJU_AUDIT_FLUSH_MS": "10000"})
    T.cli("migrate")
    T.add_user("admin", "admin")
    T.start()
    tok = T.login("admin")
    r = T.request("POST", "/api/v1/households", household(), token=tok)
    expect(T.request("GET", "/api/v1/households/%d" % r.json["id"], token=tok).status == 200, "read")
    path = T.db
    T.proc.send_signal(2)      # SIGINT: a clean stop
    T.proc.wait(timeout=30)
    c = sqlite3.connect(path)
    n = c.execute("SELECT count(*) FROM audit WHERE action = 'read' AND entity = 'household'"
                  " AND entity_id = ?", (r.json["id"],)).fetchone()[0]
    c.close()
    T.proc = None
    T.stop()
    expect(n == 1, "the queued read was written at stop (%d)" % n)


# ------------------------------------------------------------------ the chain

def verify():
    return S.cli("audit", "verify", check=False)


def test_verify_passes_then_names_the_tampered_row():
    create()
    r = verify()
    expect(r.returncode == 0 and "intact" in r.stdout, "untouched: %r" % (r.stdout + r.stderr))
    c = db()
    rid, after = c.execute("SELECT id, after FROM audit WHERE action = 'create' AND entity = 'household'"
                           " ORDER BY id LIMIT 1").fetchone()
    c.execute("UPDATE audit SET after = ? WHERE id = ?", (after.replace("registered_poor", "synchronous"), rid))
    c.commit()
    r = verify()
    c.execute("UPDATE audit SET after = ? WHERE id = ?", (after, rid))      # put it back
    c.commit()
    expect(r.returncode == 1 and ("row %d" % rid) in r.stdout, "tampered row named: %r" % r.stdout)
    r = verify()
    expect(r.returncode == 0, "intact again once restored: %r" % r.stdout)
    # a removed row: the one after it no longer follows
    row = c.execute("SELECT * FROM audit WHERE id = ?", (rid,)).fetchone()
    c.execute("DELETE FROM audit WHERE id = ?", (rid,))
    c.commit()
    r = verify()
    nxt = c.execute("SELECT min(id) FROM audit WHERE id > ?", (rid,)).fetchone()[0]
    c.execute("INSERT INTO audit VALUES (%s)" % ",".join("?" * len(row)), row)
    c.commit()
    c.close()
    expect(r.returncode == 1 and ("row %d" % nxt) in r.stdout, "row after the removed one named: %r" % r.stdout)
    expect(verify().returncode == 0, "intact once the row is back")


def test_dashboard_and_auditor_page_show_the_last_verification():
    expect(verify().returncode == 0, "verified")
    html = get("/", page_session("watcher")).body.decode()
    expect("Chain last verified" in html and "intact" in html, "dashboard shows the verification")
    session = page_session("watcher")
    page = get("/audit", session).body.decode()
    r = post_form("/audit/verify", session, {"csrf": form_token(page)})
    expect(r.status == 303, "verify button %r" % r)
    c = db()
    who = c.execute("SELECT username, intact FROM audit_verifications ORDER BY id DESC LIMIT 1").fetchone()
    c.close()
    expect(who == ("watcher", 1), "recorded: %r" % (who,))
    zh = get("/", session, lang="zh").body.decode()
    expect("哈希链最近核验" in zh and "完整" in zh, "dashboard in Chinese")
    expect(post_form("/audit/verify", page_session("zhengda"), {"csrf": "0" * 32}).status == 403, "town may not")


def test_existing_rows_are_chained_at_first_start():
    T = Server()
    T.cli("migrate")
    T.add_user("admin", "admin")
    T.add_user("second", "town", "520628118")
    c = sqlite3.connect(T.db)
    c.execute("UPDATE audit SET chain = NULL")      # as written before migration 004
    c.commit()
    r = T.cli("audit", "verify", check=False)
    unchained = c.execute("SELECT count(*) FROM audit WHERE chain IS NULL").fetchone()[0]
    c.close()
    T.stop()
    expect(r.returncode == 0 and unchained == 0, "chained and intact: %r" % r.stdout)


# ------------------------------------------------------------------ the keyed chain

COLS = ("id, at, user_id, username, address, action, entity, entity_id, before, after,"
        " records, detail")
INT_COLS = (0, 2, 7, 10)


def canonical(row):
    """The row's canonical form as docs/decisions.md documents it (a forger's copy)."""
    out = b""
    for i, v in enumerate(row):
        if v is None:
            out += b"-;"
        elif i in INT_COLS:
            out += b"%d;" % v
        else:
            raw = v.encode("utf-8")
            out += b"%d:%s;" % (len(raw), raw)
    return out


def rechain(c, from_id, key=None, write=False):
    """Recomputes the chain from row from_id on (unkeyed when key is None); returns how many
    rows differ from the stored chain and the new head. With write, stores it."""
    prev = c.execute("SELECT chain FROM audit WHERE id = ?", (from_id - 1,)).fetchone()
    prev = prev[0].encode() if prev else b""
    rows = c.execute("SELECT " + COLS + ", chain FROM audit WHERE id >= ? ORDER BY id",
                     (from_id,)).fetchall()
    differ, new = 0, []
    for row in rows:
        h = hashlib.blake2b(prev + canonical(row[:12]), digest_size=32,
                            key=key or b"").hexdigest()
        differ += row[12] != h
        new.append((h, row[0]))
        prev = h.encode()
    if write:
        c.executemany("UPDATE audit SET chain = ? WHERE id = ?", new)
        c.commit()
    return differ, prev.decode()


def chain_server(households):
    T = Server()
    T.cli("migrate")
    T.add_user("admin", "admin")
    T.start()
    tok = T.login("admin")
    for _ in range(households):
        expect(T.request("POST", "/api/v1/households", household(), token=tok).status == 201,
               "created")
    T.proc.send_signal(2)
    T.proc.wait(timeout=30)
    log = T.read_log()
    T.proc = None
    return T, log


def key_of(T):
    with open(os.path.join(T.dir, "data", "audit.key"), "rb") as f:
        return f.read()


def test_the_audit_key_is_private_and_outside_the_database():
    T, log = chain_server(2)
    path = os.path.join(T.dir, "data", "audit.key")
    st = os.stat(path)
    key = key_of(T)
    with open(T.db, "rb") as f:
        dbbytes = f.read()
    r = T.cli("backup", os.path.join(T.dir, "copy.db"), check=False)
    with open(os.path.join(T.dir, "copy.db"), "rb") as f:
        backup = f.read()
    T.stop()
    expect(st.st_mode & 0o777 == 0o600 and len(key) == 32, "0600, 32 bytes: %o" % st.st_mode)
    expect(r.returncode == 0, "backup: %r" % (r.stderr,))
    for where, text in (("database", dbbytes), ("backup", backup), ("log", log.encode())):
        expect(key not in text and key.hex().encode() not in text, "key not in the " + where)


def test_a_forge_recomputing_the_unkeyed_chain_is_caught():
    T, _ = chain_server(40)
    expect(T.cli("audit", "verify", check=False).returncode == 0, "intact first")
    c = sqlite3.connect(T.db)
    last = c.execute("SELECT max(id) FROM audit").fetchone()[0]
    # the forger's canonical form is faithful: with the key it reproduces every stored chain
    expect(rechain(c, 1, key_of(T))[0] == 0, "the test's canonical form is the real one")
    victim = last // 2
    after = c.execute("SELECT after FROM audit WHERE id = ?", (victim,)).fetchone()[0]
    c.execute("UPDATE audit SET after = ? WHERE id = ?", ((after or "") + " ", victim))
    differ, head = rechain(c, victim, write=True)
    c.execute("UPDATE audit_verifications SET head_chain = ? WHERE head_id = ?", (head, last))
    c.commit()
    c.close()
    r = T.cli("audit", "verify", check=False)
    T.stop()
    expect(differ == last - victim + 1, "the forge rewrote every later row (%d)" % differ)
    expect(r.returncode == 1 and ("BROKEN at row %d" % victim) in r.stdout and "audit.key" in r.stdout,
           "the forged row named: %r" % (r.stdout + r.stderr))


def test_cutting_the_newest_rows_and_their_verifications_is_caught():
    T, _ = chain_server(5)
    r = T.cli("audit", "verify", check=False)
    expect(r.returncode == 0, "intact first: %r" % r.stdout)
    c = sqlite3.connect(T.db)
    last = c.execute("SELECT max(id) FROM audit").fetchone()[0]
    c.execute("DELETE FROM audit WHERE id > ?", (last - 3,))
    c.execute("DELETE FROM audit_verifications")
    c.commit()
    c.close()
    r = T.cli("audit", "verify", check=False)
    anchor = os.path.join(T.dir, "data", "audit.verified")
    mode = os.stat(anchor).st_mode & 0o777
    with open(anchor) as f:
        lines = f.read().splitlines()
    T.stop()
    expect(r.returncode == 1 and ("BROKEN at row %d" % (last - 2)) in r.stdout,
           "the first cut row named: %r" % (r.stdout + r.stderr))
    expect(mode == 0o600 and len(lines) == 1 and lines[0].split()[1:3] == [str(last), str(last)],
           "one line per intact verification: %r, %o" % (lines, mode))


def test_a_chain_made_with_another_key_fails_verify_cleanly():
    T, _ = chain_server(2)
    with open(os.path.join(T.dir, "data", "audit.key"), "wb") as f:
        f.write(os.urandom(32))
    c = sqlite3.connect(T.db)
    first = c.execute("SELECT min(id) FROM audit").fetchone()[0]
    c.close()
    r = T.cli("audit", "verify", check=False)
    T.stop()
    expect(r.returncode == 1 and ("BROKEN at row %d" % first) in r.stdout
           and "another key" in r.stdout and "Sanitizer" not in r.stderr,
           "named the first row: %r" % (r.stdout + r.stderr))


# ------------------------------------------------------------------ break-the-glass

def grants_count():
    c = db()
    n = c.execute("SELECT count(*) FROM access_grants").fetchone()[0]
    c.close()
    return n


def test_break_the_glass_opens_one_household_for_reading_only():
    h = create(token=ZD).json                       # 正大镇: outside 盘石镇's scope
    path = "/api/v1/households/%d" % h["id"]
    expect(S.request("GET", path, token=PS).status == 404, "outside scope")
    before = grants_count()
    r = S.request("POST", "/api/v1/access-grants", {"number": h["number"]}, token=PS)
    expect(r.status == 422 and "reason" in r.field_codes(), "reason required %r" % r)
    r = S.request("POST", "/api/v1/access-grants", {"number": "NO-SUCH", "reason": "家属来电询问"}, token=PS)
    expect(r.status == 422 and r.field_codes().get("number") == "not_found", "unknown number %r" % r)
    expect(r.header("Content-Type") == "application/problem+json" and r.json["status"] == 422, "problem")
    expect(grants_count() == before, "bad requests grant nothing")
    r = S.request("POST", "/api/v1/access-grants", {"number": h["members"][0]["id_number"],
                                                   "reason": "家属来电询问搬迁进度"}, token=PS)
    expect(r.status == 201 and r.json["household_id"] == h["id"] and r.json["live"], "granted %r" % r)
    g = r.json
    hours = (time.mktime(time.strptime(g["expires_at"], "%Y-%m-%dT%H:%M:%SZ"))
             - time.mktime(time.strptime(g["granted_at"], "%Y-%m-%dT%H:%M:%SZ"))) / 3600
    expect(abs(hours - 3) < 0.01, "three hours by default: %r" % hours)
    expect(S.request("GET", path, token=PS).status == 200, "readable now")
    pid = h["members"][0]["id"]
    expect(S.request("GET", "/api/v1/persons/%d" % pid, token=PS).status == 200, "members readable")
    expect(S.request("GET", path + "/items", token=PS).status == 200, "items readable")
    r = S.request("PATCH", path, {"note": "x"}, token=PS, headers={"If-Match": '"h%d-%d"' % (h["id"], h["version"])})
    expect(r.status == 404, "but not writable %r" % r)
    r = S.request("PATCH", "/api/v1/persons/%d" % pid, {"name": "改名"}, token=PS)
    expect(r.status == 404, "members not writable %r" % r)
    lst = S.request("GET", "/api/v1/households?limit=500", token=PS).json["items"]
    expect(all(x["id"] != h["id"] for x in lst), "lists stay within scope")
    # reviewed by admins and auditors; others see only their own
    for tok in (ADMIN, WATCHER):
        items = S.request("GET", "/api/v1/access-grants", token=tok).json["items"]
        expect(any(x["id"] == g["id"] and x["reason"] == "家属来电询问搬迁进度" and x["user"] == "panshi"
                   for x in items), "listed for review")
    expect(all(x["user"] == "zhengda" for x in S.request("GET", "/api/v1/access-grants", token=ZD).json["items"]),
           "a town officer sees only their own")
    expect(any(x["action"] == "grant" and x["user"] == "panshi" for x in audit_rows("household", h["id"])),
           "the grant is in the audit log")
    # expired: closed again
    c = db()
    c.execute("UPDATE access_grants SET expires_at = 1 WHERE id = ?", (g["id"],))
    c.commit()
    c.close()
    expect(S.request("GET", path, token=PS).status == 404, "expired grant closes the household")


def test_break_the_glass_pages():
    h = create(token=ZD).json
    for lang, word in (("en", "Request access"), ("zh", "申请查阅")):
        session = page_session("panshi")
        page = get("/access", session, lang=lang)
        html = page.body.decode()
        expect(page.status == 200 and word in html and 'name="reason"' in html, "form %s" % lang)
        bad = post_form("/access", session, {"csrf": form_token(html), "number": h["number"], "reason": ""})
        expect(bad.status == 422 and "field-error" in bad.body.decode(), "reason required on the page")
        r = post_form("/access", session, {"csrf": form_token(html), "number": h["number"],
                                           "reason": "群众来电，核实户籍 " + lang})
        expect(r.status == 303 and unmac(r.header("Location")) == "/households/%d?saved=access" % h["id"],
               "to the household %r" % r)
        landed = get(r.header("Location"), session, lang)
        expect(landed.status == 200 and 'role="status">%s' % (
            "已登记查阅 " if lang == "zh" else "Your reason for reading ") + h["number"] in landed.body.decode(),
            "the page opens, saying the grant %s" % lang)
        forged = post_form("/access", session, {"csrf": "0" * 32, "number": h["number"], "reason": "xxxxx"})
        expect(forged.status == 403, "CSRF checked")
        review = get("/access-grants", page_session("watcher"), lang).body.decode()
        expect("群众来电，核实户籍 " + lang in review, "review list %s" % lang)
    expect(get("/access-grants", page_session("zhengda")).status == 403, "review is for admins and auditors")


# ------------------------------------------------------------------ the auditor's page

def test_auditor_page_filters_pages_and_exports():
    create(token=ZD)
    session = page_session("watcher")
    for lang, title in (("en", "Audit log"), ("zh", "审计日志")):
        page = get("/audit", session, lang)
        expect(page.status == 200 and title in page.body.decode(), "page %s" % lang)
    html = get("/audit?user=zhengda", session).body.decode()
    users = re.findall(r'<tr><td><time datetime="[^"]*Z">[^<]*</time></td><td>([^<]*)</td>', html)
    expect(users and set(users) == {"zhengda"}, "filtered by user %r" % set(users))
    html = get("/audit?action=create&limit=2", session).body.decode()
    rows = re.findall(r"<tr><td>", html)
    m = re.search(r'href="/audit\?([^"]*before=(\d+))"', html)
    expect(len(rows) == 2 and m, "a page of two, with a next link")
    nxt = get("/audit?" + m.group(1).replace("&amp;", "&"), session).body.decode()
    expect(re.findall(r"<tr><td>", nxt), "the next page")
    r = get("/audit?from=2026-13-01", session)
    expect(r.status == 422, "a bad date is refused %r" % r.status)
    r = get("/audit/export?user=zhengda&format=csv", session)
    expect(r.status == 200 and "text/csv" in r.header("Content-Type"), "CSV %r" % r)
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
    expect(len(rows) > 1 and all(row[2] == "zhengda" for row in rows[1:]), "exported the filtered log")
    r = get("/audit/export?format=xlsx", session)
    expect(r.status == 200 and r.body[:2] == b"PK", "XLSX")
    expect(get("/audit", page_session("zhengda")).status == 403, "not for a town officer")
    r = S.request("GET", "/api/v1/audit?user=zhengda", token=ZD)
    expect(r.status == 422, "the whole log is not for a town officer either %r" % r)



def test_the_log_reads_in_words_on_the_page_and_in_its_download():
    """The user by name with the login the filter takes, what was exported in words, the
    kinds of record to filter by a list of words: on the page and in its CSV alike."""
    zd_id = [u for u in S.request("GET", "/api/v1/users", token=ADMIN).json["items"] if u["username"] == "zhengda"][0]["id"]
    r = S.request("PATCH", "/api/v1/users/%d" % zd_id, {"full_name": "田茂林"}, token=ADMIN)
    expect(r.status == 200, "named %r" % r)
    r = S.request("GET", "/api/v1/worklists/archive_incomplete?format=csv", token=ZD)
    expect(r.status == 200, "an export to log %r" % r)
    session = page_session("watcher")
    html = get("/audit?user=zhengda&action=export", session, "zh").body.decode()
    rows = re.findall(r'<tr><td><time[^>]*>[^<]*</time></td><td>([^<]*)</td>(?:<td>[^<]*</td>){5}<td>([^<]*)</td>', html)
    expect(rows and all(u == "田茂林 (zhengda)" for u, _ in rows), "the user by name %r" % rows[:3])
    expect(all("(CSV)" in d and ".csv" not in d and "archive_incomplete" not in d for _, d in rows), "in words %r" % rows[:3])
    expect('<select id="f-entity" name="entity">' in html and '<option value="household">户</option>' in html,
           "the kinds of record a list of words")
    r = get("/audit/export?user=zhengda&action=export&format=csv", session, "zh")
    out = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))[1:]
    expect(out and [(row[2], row[8]) for row in out] == rows, "the download says what the page says %r vs %r" % (out[:2], rows[:2]))
    expect(all(row[4] == "导出" for row in out), "the action in words %r" % out[:2])


def test_the_kind_of_record_alone_filters_the_log():
    """?entity= without an id filters by the kind alone, on the page and in the API; every
    kind in the filter's list has words of its own (issue 12: two were 服务事项)."""
    create(token=ZD)
    everything = S.request("GET", "/api/v1/audit?limit=500", token=WATCHER).json["items"]
    expect({"household", "user"} <= {x["entity"] for x in everything}, "the log holds both kinds")
    for kind in ("household", "user"):
        r = S.request("GET", "/api/v1/audit?entity=%s&limit=500" % kind, token=WATCHER)
        got = r.json["items"] if r.status == 200 else None
        expect(got and {x["entity"] for x in got} == {kind}
               and len(got) == len([x for x in everything if x["entity"] == kind]), "API by %s alone: %r" % (kind, r))
    session = page_session("watcher")
    html = get("/audit?entity=household", session, "zh").body.decode()
    kinds = re.findall(r'<tr><td><time[^>]*>[^<]*</time></td>(?:<td>[^<]*</td>){3}<td>([^<]*)</td>', html)
    expect(kinds and set(kinds) == {"户"}, "the page by the kind alone %r" % set(kinds))
    expect('<option value="household" selected>' in html, "the kind stays chosen")
    for lang in ("zh", "en"):
        html = get("/audit", session, lang).body.decode()
        select = re.search(r'<select id="f-entity" name="entity">(.*?)</select>', html, re.S).group(1)
        labels = re.findall(r'<option value="[a-z_]+"[^>]*>([^<]*)</option>', select)
        twice = sorted({x for x in labels if labels.count(x) > 1})
        expect(len(labels) > 20 and not twice, "%s: kinds said twice %r" % (lang, twice))


Runner().run_module(dict(globals()), S)
