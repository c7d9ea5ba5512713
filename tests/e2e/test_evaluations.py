"""End-to-end tests of the evaluations of model households (文明大家比, issue 13 part 6): a
scheme with criteria and weights, several evaluators' scores, the results (weighted score,
ranks, award rule), approval (scores frozen) and publication, the printable list (PDF, with
ID numbers masked by the one mask), awards on the household's file and trail, scope, bad
input that stores nothing, figures, downloads and pages.

usage: test_evaluations.py PATH/TO/anju
"""
import datetime
import html as htmlmod
import io
import os
import re
import json
import sqlite3
import subprocess
import sys
import zipfile
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, Runner, Server, expect, id_number, unmac  # noqa: E402

JUBAO, TUANSHAN, YUCAI, LIAOGAO = "520628118201", "520628002030", "520628002031", "520628002"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()
YEAR = TODAY.year

S = Server()
S.cli("migrate")
S.add_user("admin", "admin")
S.add_user("tuanshan", "community", TUANSHAN)
S.add_user("yucai", "community", YUCAI)
S.add_user("helper", "volunteer", TUANSHAN)
S.start()
ADMIN = S.login("admin")
TS = S.login("tuanshan")
YC = S.login("yucai")
seq = [300]


def get(path, token=ADMIN):
    return S.request("GET", path, token=token)


def post(path, body, token=ADMIN):
    return S.request("POST", path, body, token=token)


def put(path, body, token=ADMIN):
    return S.request("PUT", path, body, token=token)


def patch(path, body, token=ADMIN):
    return S.request("PATCH", path, body, token=token)


def stored():
    db = sqlite3.connect(S.db)
    n = tuple(db.execute("SELECT count(*) FROM %s" % t).fetchone()[0] for t in
              ("evaluation_schemes", "evaluation_criteria", "evaluation_subjects", "evaluation_scores"))
    db.close()
    return n


def family(dest=TUANSHAN, name="杨大山"):
    seq[0] += 2
    born = "%04d0101" % (YEAR - 40)
    number = id_number("520628%s%03d" % (born, seq[0] % 1000))
    r = post("/api/v1/households", {
        "category": "registered_poor", "origin_village": JUBAO, "dest_community": dest, "status": "settled",
        "members": [{"id_number": number, "name": name, "relation": "head", "labor_capacity": "ordinary"}]})
    expect(r.status == 201, "household %r" % r)
    return r.json["id"], r.json["members"][0]["id"], number


CRITERIA = [{"code": "clean", "name": "室内整洁", "min": 0, "max": 10, "weight": 60},
            {"code": "yard", "name": "门前三包", "min": 0, "max": 5, "weight": 40}]


def scheme(token=TS, **more):
    body = {"kind": "hygiene_household", "subject": "household", "division": TUANSHAN,
            "period_from": "%d-01-01" % YEAR, "period_to": "%d-12-31" % YEAR, "award_top": 2,
            "criteria": CRITERIA}
    body.update(more)
    return post("/api/v1/evaluations", {k: v for k, v in body.items() if v is not None}, token)


def score(eid, hh, scores, evaluator, token=TS):
    return put("/api/v1/evaluations/%d/scores" % eid, {"household_id": hh, "evaluator": evaluator,
                                                      "scores": scores}, token)


def test_scheme_and_criteria():
    r = scheme()
    expect(r.status == 201 and r.json["status"] == "open" and r.json["title"] == "卫生示范户评选",
           "a scheme, open, titled by its kind %r" % r)
    expect(r.header("Location") == "/api/v1/evaluations/%d" % r.json["id"] and r.header("ETag"), "Location, ETag")
    expect([c["code"] for c in r.json["criteria"]] == ["clean", "yard"] and r.json["criteria"][0]["weight"] == 60,
           "criteria in order with weights %r" % r.json["criteria"])
    expect(r.json["year"] == YEAR and r.json["division_code"] == TUANSHAN and r.json["award_top"] == 2, "%r" % r.json)
    eid = r.json["id"]
    expect(get("/api/v1/evaluations/%d" % eid, TS).status == 200, "read back")
    expect(get("/api/v1/evaluations/%d" % eid, YC).status == 404, "another community's scheme is 404")
    expect(eid not in [s["id"] for s in get("/api/v1/evaluations?limit=500", YC).json["items"]], "not listed")
    expect(eid in [s["id"] for s in get("/api/v1/evaluations?kind=hygiene_household", TS).json["items"]], "listed")
    town = scheme(token=ADMIN, division=LIAOGAO, kind="law_abiding_citizen", subject="person", award_threshold=80,
                  award_top=None)
    expect(town.status == 201 and town.json["subject"] == "person", "a town's scheme of persons %r" % town)
    expect(get("/api/v1/evaluations/%d" % town.json["id"], TS).status == 404, "a community does not see its town's")
    expect(scheme(token=S.login("helper")).status == 403, "a volunteer sets up none")


def test_bad_schemes_store_nothing():
    before = stored()
    cases = [
        ({"criteria": [dict(CRITERIA[0], weight=0), dict(CRITERIA[1], weight=100)]}, "criteria[0].weight", "weight_not_positive"),
        ({"criteria": [dict(CRITERIA[0], weight=-10), dict(CRITERIA[1], weight=110)]}, "criteria[0].weight", "weight_not_positive"),
        ({"criteria": [dict(CRITERIA[0], weight=50), dict(CRITERIA[1], weight=40)]}, "criteria", "weights_sum_not_100"),
        ({"criteria": [dict(CRITERIA[0], min=10, max=10), CRITERIA[1]]}, "criteria[0].max", "max_not_above_min"),
        ({"criteria": [CRITERIA[0], dict(CRITERIA[1], code="clean")]}, "criteria[1].code", "criterion_code_twice"),
        ({"criteria": []}, "criteria", "criteria_required"),
        ({"award_threshold": 80}, "award_top", "award_rule_twice"),
        ({"award_top": None}, "award_threshold", "award_rule_required"),
        ({"period_from": "%d-12-31" % YEAR, "period_to": "%d-01-01" % YEAR}, "period_to", "end_before_start"),
        ({"division": YUCAI}, "division", "out_of_scope"),
        ({"division": "520628002030000"[:6]}, "division", "community_or_town"),
        ({"kind": "best_garden"}, "kind", None),
    ]
    for more, field, code in cases:
        r = scheme(**more)
        codes = r.field_codes() if r.status == 422 else {}
        expect(r.status == 422 and field in codes and (code is None or codes[field] == code),
               "%s: %s %r %r" % (field, code, r, codes))
    expect(stored() == before, "nothing stored")


def test_scores_results_approval():
    eid = scheme().json["id"]
    a, _, _ = family(name="张一")
    b, _, _ = family(name="李二")
    c, _, _ = family(name="王三")
    d, _, _ = family(name="赵四")
    # two evaluators; means (clean, yard): a (9, 5), b (8, 3.5), c (8, 3.5), d clean only
    for ev, sa, sb in (("评委甲", (10, 5), (8, 4)), ("评委乙", (8, 5), (8, 3))):
        expect(score(eid, a, {"clean": sa[0], "yard": sa[1]}, ev).status == 200, "a scored")
        expect(score(eid, b, {"clean": sb[0], "yard": sb[1]}, ev).status == 200, "b scored")
        expect(score(eid, c, {"clean": sb[0], "yard": sb[1]}, ev).status == 200, "c scored")
    r = score(eid, d, {"clean": 6}, "评委甲")
    expect(r.status == 200 and r.json["evaluations"][0]["scores"] == {"clean": 6.0}, "d partly %r" % r)
    # the same scores again: nothing written (no audit row, no false scheme_id change)
    db = sqlite3.connect(S.db)
    # (writes only: read events are flushed to the log by the server's own thread, at any time)
    mine = "SELECT count(*) FROM audit WHERE action <> 'read'"
    audit = db.execute(mine).fetchone()[0]
    db.close()
    r = score(eid, a, {"clean": 8, "yard": 5}, "评委乙")
    db = sqlite3.connect(S.db)
    expect(r.status == 200 and db.execute(mine).fetchone()[0] == audit,
           "the same scores write nothing %r" % r)
    db.close()
    r = score(eid, a, {"clean": 9}, "评委乙")	# changed, not added
    db = sqlite3.connect(S.db)
    diff = db.execute("SELECT before, after FROM audit WHERE entity = 'evaluation_subject' ORDER BY id DESC LIMIT 1").fetchone()
    db.close()
    expect(diff and json.loads(diff[0] or "{}").get("scheme_id") == json.loads(diff[1] or "{}").get("scheme_id"),
           "no false change of the scheme in the audit row %r" % (diff,))
    expect(r.status == 200 and len(r.json["evaluations"]) == 2 and
           [e["scores"]["clean"] for e in r.json["evaluations"] if e["evaluator"] == "评委乙"] == [9.0],
           "one score per evaluator, subject and criterion %r" % r.json)
    res = get("/api/v1/evaluations/%d/results" % eid, TS).json["items"]
    by = {x["household_id"]: x for x in res}
    # a: clean mean 9.5/10 * 60 + yard 5/5 * 40 = 97; b, c: 8/10*60 + 3.5/5*40 = 76
    expect(by[a]["total"] == 97.0 and by[a]["rank"] == 1 and by[a]["evaluators"] == 2, "a %r" % by[a])
    expect(by[b]["total"] == 76.0 and by[b]["rank"] == 2 and by[c]["rank"] == 2, "ties share a rank %r" % res)
    expect(by[a]["awarded"] and by[b]["awarded"] and by[c]["awarded"], "top 2 with the tie at 2nd %r" % res)
    expect(by[d]["total"] is None and not by[d]["complete"] and not by[d]["awarded"], "incomplete: no result")
    expect([x["household_id"] for x in res][0] == a and res[-1]["household_id"] == d, "best first, incomplete last")
    # bad scores store nothing
    before = stored()
    r = score(eid, a, {"clean": 11, "yard": 2}, "评委甲")
    expect(r.status == 422 and r.field_codes() == {"scores.clean": "score_out_of_range"},
           "a score outside its range, naming the criterion %r" % r)
    expect(score(eid, a, {"colour": 3}, "评委甲").field_codes() == {"scores.colour": "unknown_criterion"}, "unknown")
    expect(score(eid, a, {}, "评委甲").field_codes().get("scores") == "scores_required", "no scores")
    far, _, _ = family(dest=YUCAI)
    expect(score(eid, far, {"clean": 5}, "评委甲").status == 404, "a household outside the scope: 404")
    own, _, _ = family(dest=YUCAI)
    r = score(eid, own, {"clean": 5}, "评委甲", token=ADMIN)
    expect(r.status == 422 and r.field_codes() == {"household_id": "subject_outside_scheme"}, "outside the scheme %r" % r)
    expect(stored() == before, "nothing stored")
    # approval
    empty = scheme().json["id"]
    r = patch("/api/v1/evaluations/%d" % empty, {"action": "approve"}, TS)
    expect(r.status == 422 and r.field_codes() == {"action": "evaluation_no_scores"}, "approving no scores %r" % r)
    r = patch("/api/v1/evaluations/%d" % eid, {"action": "publish"}, TS)
    expect(r.status == 422 and r.field_codes() == {"action": "evaluation_not_approved"}, "publish first? %r" % r)
    r = patch("/api/v1/evaluations/%d" % eid, {"action": "approve"}, TS)
    expect(r.status == 200 and r.json["status"] == "approved" and r.json["approved_by"] == "tuanshan" and
           r.json["approved_at"] and r.json["awards"] == 3, "approved by whom, when %r" % r)
    before = stored()
    r = score(eid, b, {"clean": 10, "yard": 5}, "评委甲")
    expect(r.status == 422 and r.field_codes() == {"scores": "evaluation_approved"}, "frozen %r" % r)
    expect(stored() == before, "nothing stored after approval")
    expect(get("/api/v1/evaluations/%d/results" % eid, TS).json["items"] == res, "results as approved")
    expect(get("/api/v1/evaluations/%d/list.pdf" % eid, TS).status == 409, "the list is printed once published")
    r = patch("/api/v1/evaluations/%d" % eid, {"action": "publish"}, TS)
    expect(r.status == 200 and r.json["status"] == "published" and r.json["published_by"] == "tuanshan", "published")
    expect(patch("/api/v1/evaluations/%d" % eid, {"action": "publish"}, TS).status == 422, "once")
    # awards on the file, and in the trail
    aw = get("/api/v1/households/%d/awards" % a, TS)
    expect(aw.status == 200 and [x["scheme_id"] for x in aw.json["items"]] == [eid] and aw.json["items"][0]["rank"] == 1,
           "the household's awards %r" % aw)
    expect(get("/api/v1/households/%d/awards" % d, TS).json["items"] == [], "d has none")
    expect(get("/api/v1/households/%d/awards" % a, YC).status == 404, "404 outside the scope")
    trail = get("/api/v1/households/%d/trail" % a, TS).json["items"]
    kinds = [(t["action"], t["entity"]) for t in trail]
    expect(("award", "evaluation_subject") in kinds and ("update", "evaluation_subject") in kinds,
           "scores and the award in the household's trail %r" % kinds)
    test_scores_results_approval.scheme = (eid, a, b)


def test_person_scheme_and_threshold():
    hh, person, _ = family()
    other, _, _ = family()
    eid = scheme(kind="law_abiding_citizen", subject="person", award_top=None, award_threshold=80,
                 criteria=[{"code": "law", "name": "遵纪守法", "min": 1, "max": 5, "weight": 100}]).json["id"]
    r = put("/api/v1/evaluations/%d/scores" % eid, {"household_id": other, "scores": {"law": 5}}, TS)
    expect(r.status == 422 and r.field_codes().get("household_id") == "subject_is_person", "persons only %r" % r)
    r = put("/api/v1/evaluations/%d/scores" % eid, {"person_id": person, "scores": {"law": 5}}, TS)
    expect(r.status == 200 and r.json["evaluations"][0]["evaluator"] == "tuanshan", "evaluator: the user %r" % r)
    res = get("/api/v1/evaluations/%d/results" % eid, TS).json["items"]
    expect(res[0]["person_id"] == person and res[0]["total"] == 100.0 and res[0]["awarded"], "threshold 80 %r" % res)
    expect(patch("/api/v1/evaluations/%d" % eid, {"action": "approve"}, TS).status == 200, "approved")
    aw = get("/api/v1/households/%d/awards" % hh, TS).json["items"]
    expect(aw and aw[0]["person_id"] == person and aw[0]["kind"] == "law_abiding_citizen", "a member's award %r" % aw)


def test_pdf_downloads_figures():
    eid, a, b = test_scores_results_approval.scheme
    r = get("/api/v1/evaluations/%d/list.pdf" % eid, TS)
    expect(r.status == 200 and r.header("Content-Type") == "application/pdf" and r.body[:5] == b"%PDF-", "a PDF %r" % r)
    path = os.path.join(S.dir, "award-list.pdf")
    with open(path, "wb") as f:
        f.write(r.body)
    txt = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout
    names = {x["household_id"]: x for x in get("/api/v1/evaluations/%d/results" % eid, TS).json["items"]}
    whole = names[a]["id_number"]
    expect(len(whole) == 18 and whole in get("/api/v1/evaluations/%d/results" % eid, TS).body.decode(),
           "the community sees whole ID numbers in the API")
    masked = whole[:4] + "*" * 12 + whole[-2:]
    expect("张一" in txt and "李二" in txt and "王三" in txt, "the award list's names %r" % txt[:400])
    expect("赵四" not in txt, "the incomplete one is not awarded")
    expect(masked in txt and whole not in txt, "ID numbers masked by the one mask %r" % txt[:600])
    expect("97.00" in txt and "卫生示范户评选" in txt, "scores and the title")
    r = get("/api/v1/households/%d/dossier.pdf" % a, TS)
    with open(path, "wb") as f:
        f.write(r.body)
    txt = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout
    expect(r.status == 200 and "获评荣誉" in txt and "卫生示范户评选" in txt, "the award on the dossier %r" % txt[-300:])
    helper = S.login("helper")
    # a volunteer's reach is the households assigned to it, not its community's schemes
    r = get("/api/v1/evaluations/%d/results" % eid, helper)
    expect(r.status == 404, "a volunteer does not see a community's scheme %r" % r)
    r = get("/api/v1/evaluations/%d/results?format=csv&lang=zh" % eid, TS)
    text = r.body.decode("utf-8-sig")
    expect(r.status == 200 and "名次" in text.splitlines()[0] and "张一" in text, "results as CSV %r" % text[:200])
    expect(text.splitlines()[1].startswith("1,") and ",97.00,获评," in text.splitlines()[1], "awarded as a word %r" % text)
    r = get("/api/v1/evaluations?format=xlsx", TS)
    expect(r.status == 200 and zipfile.ZipFile(io.BytesIO(r.body)).testzip() is None, "schemes as XLSX")
    expect(get("/api/v1/evaluations?format=csv", helper).status == 403, "a volunteer takes no files")
    fig = get("/api/v1/reports/evaluations", TS).json
    kinds = {g["key"]: g for g in fig["by_kind"]}
    expect(kinds["hygiene_household"]["awards"] >= 3 and fig["totals"]["awards"] >= 4, "awards by kind %r" % fig)
    expect([g for g in fig["by_community"] if g["key"] == TUANSHAN][0]["awards"] == fig["totals"]["awards"],
           "by community %r" % fig["by_community"])
    expect([g for g in fig["by_year"] if g["key"] == str(YEAR)], "by year %r" % fig["by_year"])
    expect(get("/api/v1/reports/evaluations", YC).json["totals"]["schemes"] == 0, "figures in scope")


def page_session(user):
    form = S.request("GET", "/login")
    jar = dict(v.split(";")[0].split("=", 1) for k, v in form.headers if k.lower() == "set-cookie")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.body.decode()).group(1)
    r = S.request("POST", "/login", raw=urlencode({"username": user, "password": PASSWORD, "csrf": csrf}).encode(),
                  content_type="application/x-www-form-urlencoded", headers={"Cookie": "anju_csrf=" + jar["anju_csrf"]})
    return dict(v.split(";")[0].split("=", 1) for k, v in r.headers if k.lower() == "set-cookie")["anju_session"]


def page(path, session, lang="zh"):
    return S.request("GET", path, headers={"Cookie": "anju_session=%s; anju_lang=%s" % (session, lang)})


def submit(path, session, fields, form_page=None):
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page(form_page or path, session).body.decode()).group(1)
    return S.request("POST", path, raw=urlencode(dict(fields, csrf=token)).encode(),
                     content_type="application/x-www-form-urlencoded",
                     headers={"Cookie": "anju_session=%s; anju_lang=zh" % session})


def number_of(hh):
    db = sqlite3.connect(S.db)
    n = db.execute("SELECT number FROM households WHERE id = ?", (hh,)).fetchone()[0]
    db.close()
    return n


def test_person_scheme_by_id_number():
    """A person's scheme is scored by the person's ID number, or the household's number and
    a member picked from it; a person elsewhere is not found beside the field."""
    session = page_session("tuanshan")
    eid = scheme(kind="law_abiding_citizen", subject="person", criteria=[
        {"code": "law", "name": "遵纪守法", "min": 0, "max": 10, "weight": 100}]).json["id"]
    where = "/evaluations/%d" % eid
    hh, person, idn = family(name="周七")
    _, _, far = family(dest=YUCAI, name="吴八")
    before = stored()
    r = submit(where, session, {"action": "score", "id_number": far, "evaluator": "评委乙", "score_law": "9"})
    body = r.body.decode()
    expect(r.status == 422 and 'id="id_number-error"' in body and 'value="%s"' % far in body
           and stored()[3] == before[3], "a person elsewhere: not found %r" % r)
    r = submit(where, session, {"action": "score", "household": number_of(hh), "evaluator": "评委乙", "score_law": "9"})
    expect(r.status == 422 and '<option value="%d">' % person in r.body.decode(), "the household's members offered %r" % r)
    r = submit(where, session, {"action": "score", "household": number_of(hh), "member": str(person),
                                "evaluator": "评委乙", "score_law": "9"})
    expect(r.status == 303, "scored a member picked %r" % r)
    r = submit(where, session, {"action": "score", "id_number": idn.lower(), "evaluator": "评委丙", "score_law": "8"})
    expect(r.status == 303, "scored by ID number %r" % r)


def test_pages():
    session = page_session("tuanshan")
    listing = page("/evaluations", session)
    expect(listing.status == 200 and "文明大家比" in listing.body.decode(), "the list %r" % listing)
    expect("Model-household evaluations" in page("/evaluations", session, "en").body.decode(), "in English")
    base = {"kind": "civilized_household", "subject": "household", "division": TUANSHAN,
            "period_from": "%d-01-01" % YEAR, "period_to": "%d-12-31" % YEAR, "award_top": "1",
            "criteria[0].code": "talk", "criteria[0].name": "文明用语", "criteria[0].min": "0",
            "criteria[0].max": "10", "criteria[0].weight": "70",
            "criteria[1].code": "help", "criteria[1].name": "邻里互助", "criteria[1].min": "0",
            "criteria[1].max": "10", "criteria[1].weight": "20"}
    expect('<option value="%s" selected>' % TUANSHAN in listing.body.decode(), "the worker's community chosen")
    before = stored()
    r = submit("/evaluations", session, base)
    body = r.body.decode()
    expect(r.status == 422 and "权重合计须为 100" in body, "the weights' error on the form %r" % r)
    r = submit("/evaluations", session, dict(base, **{"criteria[1].weight": "-5"}))
    expect(r.status == 422 and 'id="criteria[1].weight-error"' in r.body.decode(), "beside its field")
    expect(stored() == before, "nothing stored")
    r = submit("/evaluations", session, dict(base, **{"criteria[1].weight": "30"}))
    expect(r.status == 303, "created %r" % r)
    where, saved = unmac(r.header("Location")).split("?")
    expect(saved == "saved=evaluation", "said %r" % saved)
    eid = int(where.rsplit("/", 1)[1])
    hh, _, _ = family(name="孙五")
    number = number_of(hh)
    r = submit(where, session, {"action": "score", "household": number, "evaluator": "评委甲",
                                "score_talk": "12", "score_help": "8"})
    expect(r.status == 422 and 'id="score_talk-error"' in r.body.decode() and stored()[3] == before[3],
           "a score out of range beside its criterion %r" % r)
    # the household by its number (户编号): one that names none here is a field error, value kept
    far, _, _ = family(dest=YUCAI, name="钱六")
    for wrong in ("no-such-2", number_of(far)):
        r = submit(where, session, {"action": "score", "household": wrong, "evaluator": "评委甲",
                                    "score_talk": "9", "score_help": "8"})
        body = r.body.decode()
        expect(r.status == 422 and 'id="household-error"' in body and "没有找到户编号为 %s 的户" % wrong in body
               and 'value="%s"' % wrong in body and stored()[3] == before[3], "not found, nothing stored %r" % r)
    r = submit(where, session, {"action": "score", "household": number, "evaluator": "评委甲",
                                "score_talk": "9", "score_help": "8"})
    expect(r.status == 303, "scored %r" % r)
    one = page(where, session).body.decode()
    expect('href="/households/%d"' % hh in one and "87.00" in one, "the results on the page")
    expect(submit(where, session, {"action": "approve"}).status == 303, "approved from the page")
    expect(submit(where, session, {"action": "publish"}).status == 303, "published from the page")
    one = page(where, session).body.decode()
    expect('id="award-list" href="/api/v1/evaluations/%d/list.pdf"' % eid in one and "已公示" in one, "printable")
    links = re.findall(r'href="(/api/v1/[^"]+format=(?:csv|xlsx))"', one)
    expect(len(links) == 2 and all(page(htmlmod.unescape(link), session).status == 200 for link in links), "downloads")
    house = page("/households/%d" % hh, session).body.decode()
    expect('href="/evaluations/%d"' % eid in house and "文明示范户" in house, "the award on the household's page")
    listing = page("/evaluations", session).body.decode()
    expect('href="/evaluations?kind=civilized_household"' in listing and
           'href="/evaluations?community=%s"' % TUANSHAN in listing and
           'href="/evaluations?year=%d"' % YEAR in listing, "figures linking to their records")
    dash = page("/", session).body.decode()
    expect(re.search(r'href="/evaluations"><span class="n">\d+</span>', dash), "on the dashboard")
    expect(page(where, page_session("yucai")).status == 404, "404 outside the scope")
    expect(page(where, page_session("helper")).status == 404, "a volunteer's reach is its households")


if __name__ == "__main__":
    Runner().run_module(globals(), S)
