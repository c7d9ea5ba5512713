"""The checkers over every page type in both languages (issue 12): axe-core (WCAG 2.1 A and
AA) in Debian's chromium and the Nu HTML Checker (vnu-jar) over the HTML as sent; fails on
any finding and names it (tests/browser/checkers.mjs).

usage: test_checkers.py PATH/TO/anju OUT_DIR
"""
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Runner, Server, expect  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER = os.path.join(os.path.dirname(HERE), "browser")
OUT = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(os.getcwd(), "checkers")

S = Server()
S.cli("demo", "--persons", "2000", "--seed", "11")
S.start()


def one(sql):
    db = sqlite3.connect(S.db)
    row = db.execute(sql).fetchone()
    db.close()
    return row[0]


def changes_of_every_kind(hh):
    """Changes whose fields the change log and the audit page name: the household's phone,
    its plots (the set's "items"), the follow-up rules (tester's item 2)."""
    token = S.login("admin", "songtao2019")
    got = S.request("GET", "/api/v1/households/%d" % hh, token=token)
    r = S.request("PATCH", "/api/v1/households/%d" % hh, {"phone": "13800138123"}, token=token,
                  headers={"If-Match": got.header("ETag")})
    expect(r.status == 200, "a change of phone %r" % r)
    r = S.request("PUT", "/api/v1/households/%d/plots" % hh, {"items": [
        {"kind": "contracted", "area_mu": 1.5, "use": "transferred", "annual_income": 900}]},
        token=token, headers={"If-Match": "*"})
    expect(r.status == 200, "plots %r" % r)
    r = S.request("PUT", "/api/v1/followup/settings", {"rules": {"training_target": False}}, token=token)
    expect(r.status == 200, "a rule turned off %r" % r)


WRITTEN = {}


def writes_with_fields_of_their_own(hh):
    """Writes whose change rows record fields no schema above lists: a need raised and
    resolved, an evaluation scored twice, a volunteer's post and households changed (its
    post and reach once showed as their keys) (issue 12: their fields in words); once, its
    evaluation's title kept."""
    if WRITTEN:
        return WRITTEN
    token = S.login("admin", "songtao2019")
    r = S.request("POST", "/api/v1/households/%d/needs" % hh, {"category": "elderly_care",
                  "description": "申请轮椅一台", "due_on": (date.today() + timedelta(days=30)).isoformat()}, token=token)
    expect(r.status == 201, "a need %r" % r)
    r = S.request("POST", "/api/v1/needs/%d/resolve" % r.json["id"], {"measure": "社区协调轮椅一台"}, token=token)
    expect(r.status == 200, "resolved %r" % r)
    r = S.request("POST", "/api/v1/evaluations", {
        "kind": "hygiene_household", "subject": "household",
        "division": one("SELECT dest_community FROM households WHERE id = %d" % hh),
        "period_from": "%d-01-01" % date.today().year, "period_to": "%d-12-31" % date.today().year, "award_top": 2,
        "criteria": [{"code": "clean", "name": "室内整洁", "min": 0, "max": 10, "weight": 100}]}, token=token)
    expect(r.status == 201, "an evaluation %r" % r)
    eid = r.json["id"]
    WRITTEN.update(household=hh, title=r.json["title"])
    for n in (6, 8):
        r = S.request("PUT", "/api/v1/evaluations/%d/scores" % eid, {"household_id": hh, "evaluator": "评委甲",
                      "scores": {"clean": n}}, token=token)
        expect(r.status == 200, "scored %r" % r)
    # a volunteer given another post and one more household of its community: post, reach
    db = sqlite3.connect(S.db)
    vid, more = db.execute("SELECT u.id, h.id FROM users u JOIN volunteers v ON v.user_id = u.id"
                           " JOIN households h ON h.dest_community LIKE u.scope || '%' WHERE u.role = 'volunteer'"
                           " AND h.id NOT IN (SELECT household_id FROM volunteer_reach r WHERE r.user_id = u.id)"
                           " ORDER BY u.id, h.id LIMIT 1").fetchone()
    db.close()
    path = "/api/v1/users/%d/assignments" % vid
    got = S.request("GET", path, token=token)
    expect(got.status == 200, "a volunteer %r" % got)
    mine = [h["id"] for h in got.json["households"]]
    r = S.request("PUT", path, {"households": mine + [more], "post": "三号楼楼栋长"}, token=token)
    expect(r.status == 200 and r.json["post"] == "三号楼楼栋长" and r.json["reach"] == got.json["reach"] + 1,
           "a volunteer's post and reach changed %r" % r)
    WRITTEN.update(volunteer=vid)
    return WRITTEN


def page_types():
    """Every kind of page, with ids from the demo county."""
    hh = one("SELECT household_id FROM jobs j JOIN persons p ON p.id = j.person_id ORDER BY j.id LIMIT 1")
    person = one("SELECT person_id FROM jobs ORDER BY id LIMIT 1")
    job = one("SELECT id FROM jobs ORDER BY id LIMIT 1")
    item = one("SELECT id FROM items ORDER BY id LIMIT 1")
    item_hh = one("SELECT household_id FROM items ORDER BY id LIMIT 1")
    centre = one("SELECT facility_id FROM service_windows ORDER BY id LIMIT 1")
    request = one("SELECT id FROM service_requests WHERE status = 'in_progress' ORDER BY id LIMIT 1")
    petition = one("SELECT id FROM petitions WHERE status = 'open' AND deadline < date('now', '+8 hours') ORDER BY id LIMIT 1")
    replied = one("SELECT id FROM petitions WHERE status = 'replied' ORDER BY id LIMIT 1")
    volunteer = one("SELECT user_id FROM volunteers ORDER BY user_id LIMIT 1")
    visited = one("SELECT household_id FROM needs WHERE resolved = 0 ORDER BY id LIMIT 1")
    published = one("SELECT id FROM evaluation_schemes WHERE status = 'published' ORDER BY id LIMIT 1")
    scoring = one("SELECT id FROM evaluation_schemes WHERE status = 'open' ORDER BY id LIMIT 1")
    awarded = one("SELECT household_id FROM evaluation_subjects WHERE awarded = 1 ORDER BY id LIMIT 1")
    activity = one("SELECT activity_id FROM activity_attendance ORDER BY id LIMIT 1")
    business = one("SELECT business_id FROM business_support ORDER BY id LIMIT 1")
    home = one("SELECT id FROM facilities WHERE kind = 'homesickness_hall' ORDER BY id LIMIT 1")
    city = one("SELECT id FROM facilities WHERE kind = 'experience_hall' ORDER BY id LIMIT 1")
    month = one("SELECT min(visited_on) FROM hall_visits WHERE facility_id = %d" % city)
    return [
        ("dashboard", "/"), ("households", "/households"), ("search", "/households?q=%E9%BE%99"),
        ("household", "/households/%d" % hh), ("household-new", "/households/new"),
        ("household-edit", "/households/%d/edit" % hh), ("member-new", "/households/%d/members/new" % hh),
        ("pictures", "/households/%d/pictures" % item_hh), ("person", "/persons/%d" % person),
        ("person-edit", "/persons/%d/edit" % person), ("job-new", "/persons/%d/jobs/new" % person),
        ("training-new", "/persons/%d/trainings/new" % person),
        ("guarantee-new", "/persons/%d/guarantees/new" % person),
        ("schooling", "/persons/%d/schooling" % person), ("doctor", "/persons/%d/family-doctor" % person),
        ("visit-new", "/households/%d/visits/new" % hh), ("plots", "/households/%d/plots" % hh),
        ("steps", "/households/%d/steps" % hh), ("job-end", "/jobs/%d/end" % job),
        ("item-edit", "/items/%d/edit" % item), ("employers", "/employers"), ("worklists", "/worklists"),
        ("worklist", "/worklists/idle_labor"), ("report", "/reports/employment"),
        ("report-records", "/reports/employment/records?figure=employed"), ("users", "/users"),
        ("password", "/password"), ("audit", "/audit"), ("access", "/access"),
        ("access-grants", "/access-grants"), ("not-found", "/households/999999"),
        ("households-filtered", "/households?town=520628118&category=synchronous"),
        ("search-page-2", "/households?q=%E9%BE%99&from=20"), ("household-saved", "/households/%d?saved=item" % hh),
        ("facilities", "/facilities"), ("facility", "/facilities/%d" % centre), ("services", "/services"),
        ("services-overdue", "/services?overdue=true"), ("service", "/services/%d" % request),
        ("services-household", "/services?household=%d" % item_hh),
        ("petitions", "/petitions"), ("petitions-overdue", "/petitions?overdue=true"),
        ("petition-breached", "/petitions/%d" % petition), ("petition-replied", "/petitions/%d" % replied),
        ("needs", "/needs"), ("needs-overdue", "/needs?overdue=true"), ("need-new", "/households/%d/needs/new" % visited),
        ("household-needs", "/households/%d" % visited), ("my-households", "/my-households"),
        ("volunteers", "/volunteers"), ("volunteer", "/volunteers/%d" % volunteer),
        ("evaluations", "/evaluations"), ("evaluation-published", "/evaluations/%d" % published),
        ("evaluation-scoring", "/evaluations/%d" % scoring), ("household-awarded", "/households/%d" % awarded),
        ("activities", "/activities"), ("activity", "/activities/%d" % activity),
        ("participation", "/activities/participation"), ("participation-none", "/activities/participation?attendances=0"),
        ("businesses", "/businesses"), ("business", "/businesses/%d" % business),
        ("halls", "/halls"), ("hall", "/halls/%d" % home),
        ("hall-period", "/halls/%d?from=%s&to=%s" % (city, month, month)),
        # each worklist's 情况 column says its detail in words; a figure's heading its area
        ("worklist-archive", "/worklists/archive_incomplete"), ("worklist-zero", "/worklists/zero_employment"),
        ("worklist-steps", "/worklists/step_overdue"), ("worklist-visits", "/worklists/visit_overdue"),
        ("worklist-pension", "/worklists/no_pension_insurance"),
        ("report-records-town", "/reports/employment/records?figure=employed&area=520628118"),
        # the change log's fields and kinds of record in words (changes_of_every_kind)
        ("audit-household", "/audit?entity=household&id=%d" % hh), ("audit-updates", "/audit?action=update"),
    ]


def catalogue(name):
    path = os.path.join(os.path.dirname(os.path.dirname(HERE)), "web", "messages", name)
    with open(path, encoding="utf-8") as f:
        return {l.split(" = ", 1)[0].strip() for l in f if " = " in l and not l.lstrip().startswith("#")}


def test_every_field_action_and_kind_of_record_has_words():
    """Every field of every record the log keeps (the contract's schemas of them), every
    action and kind of record the code audits, has its words in both catalogues: none is
    shown as its code (tester's item 2)."""
    root = os.path.dirname(os.path.dirname(HERE))
    with open(os.path.join(root, "web", "openapi.json"), encoding="utf-8") as f:
        schemas = json.load(f)["components"]["schemas"]

    def props(s):
        s = schemas[s] if isinstance(s, str) else s
        if "$ref" in s:
            return props(s["$ref"].split("/")[-1])
        out = set(s.get("properties", {}))
        for k in ("allOf", "oneOf", "anyOf"):
            for x in s.get(k, []):
                out |= props(x)
        return out
    audited = ["Household", "Person", "ArchiveItem", "VisitsRow", "Plots", "Steps", "JobsRow", "TrainingsRow",
               "GuaranteesRow", "Schooling", "FamilyDoctor", "Employer", "Facility", "ServiceRequest",
               "ServiceWindow", "Site", "Building", "Petition", "User", "DocType", "Grant"]
    fields = set().union(*(props(n) for n in audited)) | {"rules", "settings", "households", "persons", "seed"}
    expect(len(fields) > 100, "the fields found %d" % len(fields))
    coded = set()
    import re
    for folder, _, files in os.walk(os.path.join(root, "src")):
        for name in files:
            if name.endswith(".c"):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    for action, entity in re.findall(r'audit_write(?:_detail)?\([^,]+, "([a-z_]+)", "([a-z_]+)"', f.read()):
                        coded |= {"action_" + action, "entity_" + entity}
    expect(len(coded) > 20, "the audited actions and kinds %d" % len(coded))
    # and every field the log's change rows actually record, after writes the schemas do
    # not list (a need resolved, an evaluation scored): a new field without words fails here
    writes_with_fields_of_their_own(one("SELECT household_id FROM jobs j JOIN persons p ON p.id = j.person_id"
                                        " ORDER BY j.id LIMIT 1"))
    written = set()
    for (after,) in sqlite3.connect(S.db).execute(
            "SELECT after FROM audit WHERE before IS NOT NULL AND after IS NOT NULL AND records IS NULL"):
        written |= set(json.loads(after)) - {"version", "updated_at", "files", "members", "events", "archive"}
    expect({"resolved", "resolved_by", "resolved_on", "evaluations", "post", "reach"} <= written,
           "the writes ran: %r" % sorted(written))
    fields |= written
    for lang in ("zh-CN.txt", "en.txt"):
        keys = catalogue(lang)
        missing = sorted(k for k in ["field_" + f for f in fields] + sorted(coded) if k not in keys)
        expect(not missing, "%s has no words for %s" % (lang, ", ".join(missing)))


def test_the_trail_and_the_log_name_records_and_fields_in_words():
    """A need's resolve and an evaluation's scores on the household's change trail and the
    audit page, a volunteer's post and reach on the audit page: the fields in words, the
    evaluation by its title, no code (issue 12)."""
    import html
    import re
    w = writes_with_fields_of_their_own(one("SELECT household_id FROM jobs j JOIN persons p ON p.id = j.person_id"
                                            " ORDER BY j.id LIMIT 1"))
    session = S.page_session("admin", "songtao2019")
    volunteer = "/audit?entity=volunteer&id=%d" % w["volunteer"]
    for path in ("/households/%d" % w["household"], "/audit?action=resolve", "/audit?entity=evaluation_subject",
                 volunteer):
        body = S.page(path, session).body.decode()
        rows = [html.unescape(re.sub(r"<[^>]+>", " ", x)) for x in re.findall(r"<tr>.*?</tr>", body, re.S)]
        text = "\n".join(rows)
        codes = [c for c in ("resolved", "resolved_by", "resolved_on", "scheme_id", "evaluations", "system", "post",
                             "reach", "households")
                 if re.search(r"(?<![\w.])%s(?![\w])" % c, text)]
        expect(not codes, "%s shows codes %r" % (path, codes))
        if path == volunteer:
            expect(any("岗位" in r and "联系户数" in r for r in rows), "%s says the post and reach changed %r" % (path, rows))
            continue
        if path != "/audit?action=resolve":
            expect(any(w["title"] in r and "评选评分" in r for r in rows), "%s names the evaluation: %r" % (path, w["title"]))
        if path != "/audit?entity=evaluation_subject":
            expect(any("解决人" in r and "解决日期" in r for r in rows), "%s says what a resolve changed" % path)


def test_people_are_named_where_a_name_belongs():
    """Who is responsible for, did or answered something (责任人, 经办人, 答复人, 办结,
    审定, 公示), and a volunteer's own page, show the person's full name, never a login
    (issue 12): every page type of the demo, in Chinese, as an administrator."""
    import html
    import re
    db = sqlite3.connect(S.db)
    users = dict(db.execute("SELECT username, full_name FROM users"))
    volunteer = db.execute("SELECT user_id FROM volunteers ORDER BY user_id LIMIT 1").fetchone()[0]
    db.close()
    expect(users and all(users.values()), "every demo account has a name: %r" % [u for u, n in users.items() if not n])
    login = re.compile(r"(?<![\w.@/-])(%s)(?![\w@/-])" % "|".join(map(re.escape, sorted(users, key=len, reverse=True))))
    labels = ("责任人", "经办人", "答复人", "办结于", "审定", "公示", "登记人", "评分人")
    session = S.page_session("admin", "songtao2019")
    seen = 0
    for name, path in page_types():
        r = S.page(path, session)
        body = r.body.decode()
        body = re.sub(r"<(script|form)\b.*?</\1>", " ", body, flags=re.S)      # not what goes back into a form
        body = body.replace("</tr>", "\n").replace("</li>", "\n").replace("</dd>", "\n").replace("</p>", "\n")
        text = html.unescape(re.sub(r"<[^>]+>", " ", body))
        for line in text.splitlines():
            if any(l in line for l in labels) or (name in ("service", "petition-replied", "petition-breached") and
                                                   re.search(r"\d{4}年\d+月\d+日", line)):
                bad = login.findall(line)
                expect(not bad, "%s %s shows a login where a name belongs: %r in %r" % (name, path, bad, line.strip()[:200]))
                seen += 1
    expect(seen > 20, "lines naming who is responsible found: %d" % seen)
    body = S.page("/volunteers/%d" % volunteer, session).body.decode()
    h1 = re.search(r"<h1>(.*?)<", body).group(1).strip()
    expect(h1 and h1 in users.values() and not login.search(h1), "a volunteer's page is headed by their name %r" % h1)
    needs = S.page("/needs", session).body.decode()
    expect(users["tuanshan"] in needs, "the community office's worker by name on the needs list")
    # and the needs ledger as a download: its 责任人, 办结人 and 登记人 columns by name too
    import csv
    import io
    r = S.request("GET", "/api/v1/needs?format=csv", token=S.login("admin", "songtao2019"),
                  headers={"Accept-Language": "zh-CN"})
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
    head = rows[0] if rows and "责任人" in rows[0] else rows[1]
    cols = [head.index(c) for c in ("责任人", "办结人", "登记人")]
    cells = [row[c] for row in rows[rows.index(head) + 1:] for c in cols if c < len(row) and row[c]]
    expect(len(cells) > 100 and not [c for c in cells if c in users], "the download names people %r" % [c for c in cells if c in users][:5])
    expect(users["tuanshan"] in cells, "the office's worker by name in the download")


def test_axe_and_the_nu_checker_find_nothing():
    os.makedirs(OUT, exist_ok=True)
    changes_of_every_kind(one("SELECT household_id FROM jobs j JOIN persons p ON p.id = j.person_id ORDER BY j.id LIMIT 1"))
    paths = os.path.join(OUT, "paths.json")
    with open(paths, "w") as f:
        json.dump(page_types(), f)
    r = subprocess.run(["node", "checkers.mjs", "http://127.0.0.1:%d" % S.port, "admin", "songtao2019", OUT,
                        paths], cwd=BROWSER, capture_output=True, text=True, timeout=1100)
    summary = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    expect(summary.startswith("%d pages" % (2 * (len(page_types()) + 1))), "every page visited: %r %s" % (summary, r.stderr[-2000:]))
    expect(r.returncode == 0, "findings:\n%s\n%s" % (r.stdout[-6000:], r.stderr[-2000:]))


if __name__ == "__main__":
    Runner().run_module(globals(), S)
