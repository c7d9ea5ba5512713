"""End-to-end tests of the suggestions and petitions (有话大家说, issue 13 part 3): the API as
written, the catalogue, scope, reply / rating / appeal, bad input that stores nothing, the
state against the deadline (a petition past it is breached), the overdue worklist, the
figures, the downloads and the pages.

usage: test_petitions.py PATH/TO/anju
"""
import datetime
import io
import os
import re
import sqlite3
import sys
import zipfile
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, Runner, Server, expect, id_number, unmac  # noqa: E402

JUBAO, TUANSHAN, YUCAI, LIAOGAO = "520628118201", "520628002030", "520628002031", "520628002"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()

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
seq = [700]


def get(path, token=ADMIN):
    return S.request("GET", path, token=token)


def post(path, body, token=ADMIN):
    return S.request("POST", path, body, token=token)


def patch(path, body, token=ADMIN, headers=None):
    return S.request("PATCH", path, body, token=token, headers=headers)


def stored():
    db = sqlite3.connect(S.db)
    n = tuple(db.execute("SELECT count(*) FROM %s" % t).fetchone()[0] for t in ("petitions", "petition_steps"))
    db.close()
    return n


def sql(statement, *args):
    db = sqlite3.connect(S.db)
    rows = db.execute(statement, args).fetchall()
    db.commit()
    db.close()
    return rows


def family(dest=TUANSHAN):
    seq[0] += 2
    born = "%04d0101" % (TODAY.year - 40)
    r = post("/api/v1/households", {
        "category": "registered_poor", "origin_village": JUBAO, "dest_community": dest, "status": "settled",
        "members": [{"id_number": id_number("520628%s%03d" % (born, seq[0] % 1000)), "name": "杨大山",
                     "relation": "head", "labor_capacity": "ordinary"}]})
    expect(r.status == 201, "household %r" % r)
    return r.json["id"], r.json["members"][0]["id"]


def petition(token=TS, **more):
    body = {"channel": "speaking_room", "category": "property_management", "content": "楼道灯坏了两周", "anonymous": True}
    body.update(more)
    return post("/api/v1/petitions", body, token)


def test_as_written():
    r = get("/api/v1/petition-categories", TS)
    expect(r.status == 200 and set(r.json) == {"items"}, "the catalogue %r" % r)
    cats = {c["code"]: c for c in r.json["items"]}
    expect("property_management" in cats and cats["property_management"]["deadline_days"] == 7, "days %r" % cats)
    for channel in ("speaking_room", "letters_and_visits", "suggestion_box", "integration_office", "talk_booth"):
        r = post("/api/v1/petitions", {"channel": channel, "category": "property_management",
                                       "content": "电梯常坏", "anonymous": channel == "suggestion_box"}, TS)
        expect(r.status == 201 and r.json["state"] == "on_track", "taken at %s %r" % (channel, r))
        due = (TODAY + datetime.timedelta(days=7)).isoformat()
        expect(r.json["deadline"] == due, "deadline by category %r" % r.json["deadline"])
        expect(r.json["community_code"] == TUANSHAN and r.header("Location") == "/api/v1/petitions/%d" % r.json["id"],
               "where and Location %r" % r.json)
    one = get("/api/v1/petitions/%d" % r.json["id"], TS).json
    expect(one["steps"][0]["kind"] == "received" and one["steps"][0]["user"] == "tuanshan", "signed %r" % one["steps"])
    added = post("/api/v1/petition-categories", {"code": "elders", "name_zh": "养老服务", "name_en": "Care of the elderly",
                                                 "deadline_days": 20})
    expect(added.status == 200 and added.json["deadline_days"] == 20, "a category added %r" % added)
    r = petition(category="elders", token=ADMIN)
    expect(r.status == 422 and r.field_codes().get("community") == "required", "admin says where %r" % r)
    r = petition(category="elders", community=TUANSHAN, token=ADMIN)
    expect(r.status == 201 and r.json["deadline"] == (TODAY + datetime.timedelta(days=20)).isoformat(),
           "its own deadline %r" % r)
    expect(post("/api/v1/petition-categories", {"code": "x", "name_zh": "x", "name_en": "x", "deadline_days": 3},
                TS).status == 403, "categories are the administrators'")


def test_requester_and_scope():
    hh, person = family()
    r = petition(anonymous=False, person_id=person)
    expect(r.status == 201 and r.json["household_id"] == hh and r.json["person_name"] == "杨大山", "a person's %r" % r)
    trail = get("/api/v1/households/%d/trail" % hh, TS).json["items"]
    expect(any(t["entity"] == "petition" and t["entity_id"] == r.json["id"] for t in trail),
           "a household's petitions are in its change trail")
    r = petition(anonymous=False, requester_name="王阿姨")
    expect(r.status == 201 and r.json["requester_name"] == "王阿姨", "a name only %r" % r)
    before = stored()
    expect(petition(anonymous=False, person_id=person, token=YC).status == 404, "a person outside the scope: 404")
    expect(petition(anonymous=False, household_id=hh, token=YC).status == 404, "a household outside the scope: 404")
    expect(stored() == before, "nothing stored")
    mine = r.json["id"]
    expect(get("/api/v1/petitions/%d" % mine, YC).status == 404, "another community's petition is 404")
    expect(patch("/api/v1/petitions/%d" % mine, {"action": "reply", "content": "x"}, YC).status == 404, "and no reply")
    expect(mine not in [p["id"] for p in get("/api/v1/petitions?limit=500", YC).json["items"]], "not listed")
    expect(petition(token=S.login("helper")).status == 403, "a volunteer takes none")


def test_bad_input_stores_nothing():
    hh, person = family()
    before = stored()
    r = petition(channel="carrier_pigeon", category="weather", content="")
    codes = r.field_codes()
    expect(r.status == 422 and codes.get("channel") == "unknown_value" and codes.get("category") == "unknown_value"
           and "content" in codes, "every bad field %r" % codes)
    r = petition(anonymous=True, person_id=person)
    expect(r.status == 422 and r.field_codes().get("person_id") == "anonymous_with_requester", "anonymous %r" % r)
    r = post("/api/v1/petitions", {"channel": "talk_booth", "category": "health", "content": "x"}, TS)
    expect(r.status == 422 and r.field_codes().get("anonymous") == "required", "anonymous must be said %r" % r)
    other, _ = family()
    r = petition(anonymous=False, person_id=person, household_id=other)
    expect(r.status == 422 and r.field_codes().get("household_id") == "person_not_in_household",
           "a person and another household %r" % r)
    # a requester's name that would be stored with a character no one sees (issue 12)
    for name, code in (("杨\u200b大山", "name_invisible"), ("\ufeff杨大山", "name_invisible"),
                       ("杨\u00ad大山", "name_invisible"), ("杨\u202e大山", "name_bidi")):
        r = petition(anonymous=False, requester_name=name)
        expect(r.status == 422 and r.field_codes().get("requester_name") == code, "%r refused %r" % (name, r))
    expect(stored() == before, "nothing stored")
    pid = petition().json["id"]
    before = stored()
    path = "/api/v1/petitions/%d" % pid
    for body, field, code in (({"action": "reply"}, "content", "required"),
                              ({"action": "reply", "content": ""}, "content", None),
                              ({"action": "rate", "satisfaction": "satisfied"}, "action", "petition_not_replied"),
                              ({"action": "appeal", "reason": "不满意"}, "action", "petition_not_replied"),
                              ({"action": "reply", "content": "x", "satisfaction": "satisfied"}, "satisfaction",
                               "only_when_rating"),
                              ({"action": "reply", "content": "x", "reason": "y"}, "reason", "only_when_appealing"),
                              ({"action": "shout"}, "action", "unknown_value")):
        r = patch(path, body, TS)
        expect(r.status == 422 and field in r.field_codes() and (code is None or r.field_codes()[field] == code),
               "%r refused %r" % (body, r.field_codes()))
    expect(stored() == before and get(path, TS).json["status"] == "open", "nothing stored by a bad step")


def test_reply_rate_appeal():
    pid = petition(category="environment").json["id"]
    path = "/api/v1/petitions/%d" % pid
    etag = get(path, TS).header("ETag")
    r = patch(path, {"action": "reply", "content": "已联系物业，明日修复"}, TS, headers={"If-Match": etag})
    expect(r.status == 200 and r.json["status"] == "replied" and r.json["replied_by"] == "tuanshan"
           and r.json["reply"] == "已联系物业，明日修复" and r.json["replied_on"] == TODAY.isoformat()
           and r.json["state"] == "on_track", "replied %r" % r.json)
    expect(patch(path, {"action": "rate", "satisfaction": "dissatisfied"}, TS, headers={"If-Match": etag}).status == 412,
           "a stale ETag")
    r = patch(path, {"action": "reply", "content": "again"}, TS)
    expect(r.status == 422 and r.field_codes().get("action") == "petition_already_replied", "one reply %r" % r)
    r = patch(path, {"action": "rate", "satisfaction": "dissatisfied"}, TS)
    expect(r.status == 200 and r.json["satisfaction"] == "dissatisfied", "rated %r" % r.json)
    sql("UPDATE petitions SET opened_on = '2026-01-01', deadline = '2026-01-08' WHERE id = ?", pid)
    r = patch(path, {"action": "appeal", "reason": "灯还是不亮"}, TS)
    expect(r.status == 200 and r.json["status"] == "open" and r.json["appeals"] == 1 and r.json["reply"] is None
           and r.json["deadline"] == (TODAY + datetime.timedelta(days=7)).isoformat() and r.json["state"] == "on_track",
           "the appeal reopens it with a new deadline %r" % r.json)
    kinds = [s["kind"] for s in r.json["steps"]]
    expect(kinds == ["received", "replied", "rated", "appealed"] and r.json["steps"][1]["text"] == "已联系物业，明日修复",
           "every step kept %r" % r.json["steps"])
    expect(S.request("DELETE", path, token=ADMIN).status == 405, "never deleted")


def test_deadline_states_and_overdue():
    late = petition(category="neighbourhood").json["id"]
    risky = petition(category="neighbourhood").json["id"]
    replied_late = petition(category="neighbourhood").json["id"]
    sql("UPDATE petitions SET received_on = '2026-01-01', opened_on = '2026-01-01', deadline = '2026-01-08' WHERE id = ?", late)
    sql("UPDATE petitions SET opened_on = ?, deadline = ? WHERE id = ?",
        (TODAY - datetime.timedelta(days=6)).isoformat(), (TODAY + datetime.timedelta(days=1)).isoformat(), risky)
    patch("/api/v1/petitions/%d" % replied_late, {"action": "reply", "content": "已调解"}, TS)
    sql("UPDATE petitions SET opened_on = '2026-01-01', deadline = '2026-01-08' WHERE id = ?", replied_late)
    expect(get("/api/v1/petitions/%d" % late, TS).json["state"] == "breached", "past its deadline: breached")
    expect(get("/api/v1/petitions/%d" % risky, TS).json["state"] == "at_risk", "a day left of seven: at risk")
    expect(get("/api/v1/petitions/%d" % replied_late, TS).json["state"] == "breached", "replied late: breached")
    r = get("/api/v1/petitions?overdue=true", TS)
    ids = [p["id"] for p in r.json["items"]]
    expect(late in ids and risky not in ids and replied_late not in ids, "the overdue worklist %r" % ids)
    expect(all(p["state"] == "breached" and p["status"] == "open" for p in r.json["items"]), "only breached, open ones")
    expect(late not in [p["id"] for p in get("/api/v1/petitions?overdue=true", YC).json["items"]], "scoped")
    f = get("/api/v1/reports/petitions", TS).json
    t = f["totals"]
    expect(t["overdue"] >= 1 and t["at_risk"] >= 1 and t["breached"] >= t["overdue"] + 1, "totals %r" % t)
    expect(t["petitions"] == t["on_track"] + t["at_risk"] + t["breached"] == t["open"] + t["replied"], "they add up %r" % t)
    by = {c["key"]: c for c in f["by_category"]}
    expect(by["neighbourhood"]["overdue"] >= 1 and by["neighbourhood"]["name"] == "邻里纠纷", "by category %r" % by)
    expect(sum(c["petitions"] for c in f["by_channel"]) == t["petitions"], "by channel %r" % f["by_channel"])
    expect(get("/api/v1/reports/petitions", YC).json["totals"]["petitions"] < t["petitions"], "figures are scoped")


def assign_helper(hh):
    """The volunteer reads the petitions of the households assigned to it (issue 13 part 4)."""
    helper = [u["id"] for u in get("/api/v1/users").json["items"] if u["username"] == "helper"][0]
    expect(S.request("PUT", "/api/v1/users/%d/assignments" % helper, {"households": [hh]}, token=ADMIN).status == 200,
           "assigned")


def test_downloads_and_masking():
    r = get("/api/v1/petitions?format=csv", TS)
    text = r.body.decode("utf-8-sig")
    expect(r.status == 200 and "text/csv" in r.header("Content-Type") and "渠道" in text.splitlines()[0]
           or "Channel" in text.splitlines()[0], "a CSV %r" % text[:200])
    expect(len(text.strip().splitlines()) >= 1 + len(get("/api/v1/petitions?limit=500", TS).json["items"]),
           "every petition in the CSV")
    r = get("/api/v1/petitions?overdue=true&format=xlsx", TS)
    expect(r.status == 200 and zipfile.ZipFile(io.BytesIO(r.body)).testzip() is None, "the overdue worklist as XLSX")
    hh, _ = family()
    pid = petition(content="我的电话13812345678，请回电", anonymous=False, household_id=hh).json["id"]
    helper = S.login("helper")
    expect(get("/api/v1/petitions/%d" % pid, helper).status == 404, "a volunteer reads only its households'")
    assign_helper(hh)
    seen = get("/api/v1/petitions/%d" % pid, helper).json["content"]
    expect("13812345678" not in seen and "5678" in seen, "a phone in the content masked for a volunteer %r" % seen)
    expect("13812345678" in get("/api/v1/petitions/%d" % pid, TS).json["content"], "whole for the community")


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


def test_form_names_what_a_worker_knows():
    """A petition's form takes the household's number (户编号) or a person's ID number: a
    real one is taken, one that names nothing or a household of another community is the
    same field error, in words, the value kept, nothing stored; the worker's community is
    chosen already."""
    session = page_session("tuanshan")
    hh, person = family()
    number = sql("SELECT number FROM households WHERE id = ?", hh)[0][0]
    form = {"channel": "letters_and_visits", "category": "subsidy", "text": "补助未到账"}
    r = submit("/petitions", session, dict(form, household=number))
    expect(r.status == 303, "taken by the household's number %r" % r)
    got = get("/api/v1/petitions/%s" % r.header("Location").split("?")[0].rsplit("/", 1)[1], TS).json
    expect(got["household_id"] == hh, "the household named %r" % got)
    opened = page("/petitions?household=%d" % hh, session).body.decode()
    expect('name="household" value="%s"' % number in opened and '<option value="%d">' % person in opened,
           "opened from the household's page: its number and members")
    r = submit("/petitions", session, dict(form, household=number, member=str(person)))
    got = get("/api/v1/petitions/%s" % r.header("Location").split("?")[0].rsplit("/", 1)[1], TS).json
    expect(r.status == 303 and got["person_id"] == person, "a member picked %r" % r)
    before = stored()
    bad = submit("/petitions", session, dict(form, household="no-such-1"))
    body = bad.body.decode()
    expect(bad.status == 422 and 'id="household-error"' in body and "没有找到户编号为 no-such-1 的户" in body
           and 'value="no-such-1"' in body and "补助未到账" in body, "a wrong number beside its field %r" % bad)
    elsewhere, stranger = family(YUCAI)
    far = sql("SELECT number FROM households WHERE id = ?", elsewhere)[0][0]
    bad = submit("/petitions", session, dict(form, household=far))
    expect(bad.status == 422 and "没有找到户编号为 %s 的户" % far in bad.body.decode(), "another community's: not found %r" % bad)
    far_id = sql("SELECT id_number FROM persons WHERE id = ?", stranger)[0][0]
    bad = submit("/petitions", session, dict(form, id_number=far_id))
    expect(bad.status == 422 and 'id="id_number-error"' in bad.body.decode(), "a person elsewhere: not found %r" % bad)
    expect(stored() == before, "nothing stored")
    fresh = page("/petitions", session).body.decode()
    expect('<option value="%s" selected>' % TUANSHAN in fresh and fresh.index('href="#new"') < fresh.index('id="new"'),
           "the community chosen, a link to the form at the top")


def test_pages():
    import html as htmlmod
    session = page_session("tuanshan")
    hh, person = family()
    before = stored()
    bad = submit("/petitions", session, {"channel": "talk_booth", "category": "nope", "text": ""})
    body = bad.body.decode()
    expect(bad.status == 422 and 'id="category-error"' in body and 'id="text-error"' in body,
           "errors beside their fields %r" % bad)
    expect(stored() == before, "nothing stored by a bad form")
    r = submit("/petitions", session, {"channel": "letters_and_visits", "category": "subsidy", "text": "补助未到账",
                                       "id_number": sql("SELECT id_number FROM persons WHERE id = ?", person)[0][0]})
    expect(r.status == 303 and r.header("Location").startswith("/petitions/"), "taken by the form %r" % r)
    where, saved = unmac(r.header("Location")).split("?")
    expect(saved == "saved=petition", "said %r" % saved)
    pid = int(where.rsplit("/", 1)[1])
    one = page(where, session).body.decode()
    expect("补助补贴" in one and "信访接待" in one and "正常" in one and "杨大山" in one, "the petition's page")
    expect("Letters and visits reception" in page(where, session, "en").body.decode(), "in English too")
    expect(one.count('id="content"') == 1 and page("/petitions", session).body.decode().count('id="content"') == 1,
           "the forms' fields do not take the page's #content")
    r = submit(where, session, {"action": "reply", "reply": ""})
    expect(r.status == 422 and 'id="reply-error"' in r.body.decode(), "a reply needs its content %r" % r)
    r = submit(where, session, {"action": "reply", "reply": "已核实，本月发放"})
    expect(r.status == 303, "replied by the form %r" % r)
    r = submit(where, session, {"action": "rate", "satisfaction": "basically_satisfied", "reason": ""})
    expect(r.status == 303 and "基本满意" in page(where, session).body.decode(), "rated by the form %r" % r)
    r = submit(where, session, {"action": "appeal", "satisfaction": "", "reason": "仍未到账"})
    one = page(where, session).body.decode()
    expect(r.status == 303 and "待答复" in one and "仍未到账" in one, "appealed by the form, open again")
    anon = submit("/petitions", session, {"channel": "suggestion_box", "category": "environment",
                                          "text": "垃圾桶太少", "anonymous": "1"})
    expect(anon.status == 303 and get("/api/v1/petitions/%s" % anon.header("Location").split("?")[0].rsplit("/", 1)[1],
                                      TS).json["anonymous"] is True, "anonymous by the form %r" % anon)
    # a petition past its deadline shows as breached, on its page, the list and the overdue worklist
    sql("UPDATE petitions SET received_on = '2026-02-01', opened_on = '2026-02-01', deadline = '2026-02-08' WHERE id = ?", pid)
    one = page(where, session).body.decode()
    expect('id="petition-state" class="state-breached">超期<' in one, "breached on its page")
    overdue = page("/petitions?overdue=true", session).body.decode()
    expect('href="/petitions/%d"' % pid in overdue and 'class="overdue"' in overdue, "on the overdue worklist")
    expect("Breached" in page("/petitions?overdue=true", session, "en").body.decode(), "in English too")
    listing = page("/petitions", session).body.decode()
    expect('href="/petitions?overdue=true"' in listing and "按期答复情况" in listing and
           'href="/petitions?category=subsidy"' in listing, "figures linking to their records")
    for where_from in ("/petitions?overdue=true", "/petitions?status=open&category=subsidy&channel=letters_and_visits"):
        links = re.findall(r'href="(/api/v1/[^"]+format=(?:csv|xlsx))"', page(where_from, session).body.decode())
        expect(len(links) == 2, "download links on %s %r" % (where_from, links))
        for link in links:
            got = page(htmlmod.unescape(link), session)
            expect(got.status == 200, "the download %s answers %r" % (link, got))
    own = page("/petitions?household=%d" % hh, session).body.decode()
    expect('href="/petitions/%d"' % pid in own and "household=%d" % hh in own, "a household's petitions, filter kept")
    expect('href="/petitions?household=%d"' % hh in page("/households/%d" % hh, session).body.decode(),
           "the household's page links to them")
    dash = page("/", session).body.decode()
    overdue_n = get("/api/v1/reports/petitions", TS).json["totals"]["overdue"]
    expect(overdue_n >= 1 and re.search(r'href="/petitions\?overdue=true"><span class="n">%d</span>' % overdue_n, dash),
           "the dashboard's overdue petitions, linking to the worklist")
    expect(page(where, page_session("yucai")).status == 404, "404 outside the scope")
    assign_helper(hh)
    seen = page(where, page_session("helper"))
    expect(seen.status == 200 and 'action="%s"' % where not in seen.body.decode(), "a volunteer only reads")


if __name__ == "__main__":
    Runner().run_module(globals(), S)
