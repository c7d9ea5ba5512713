"""Every page write says it worked, and every refusal is seen (issue 12): walks the route
table (every PAGE("POST", ...) row of src/web/routes.c), posts a valid form to each from the
page that draws it, follows the answer and asserts the page it lands on confirms the save in
words (role=status, in zh-CN and en, no raw key or {placeholder}); posts a refused form where
the route takes input and asserts its error is shown (role=alert) with the typed value kept.
A page POST route without a case here fails the test: a new form cannot forget it.

usage: test_flash.py PATH/TO/anju
"""
import html
import os
import re
import sqlite3
import sys
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PASSWORD, Runner, Server, expect, form_multipart, id_number, unmac  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROUTES_C = os.path.join(HERE, "..", "..", "src", "web", "routes.c")
TODAY = date.today().isoformat()
SOON = (date.today() + timedelta(days=7)).isoformat()
DEMO_PW = "songtao2019"

S = Server()
S.cli("demo", "--persons", "600", "--seed", "7")
S.add_user("pwflash", "town", "520628118", password=PASSWORD)
S.start()
ADMIN = S.login("admin", DEMO_PW)


def one(sql, *args):
    db = sqlite3.connect(S.db)
    row = db.execute(sql, args).fetchone()
    db.close()
    return row[0] if row else None


def audit_rows():
    return one("SELECT count(*) FROM audit WHERE records IS NULL")


# ---------------------------------------------------------------- forms as a browser sees them

class Forms(HTMLParser):
    """The post forms of a page: action, enctype and their fields' values as drawn."""

    def __init__(self):
        super().__init__()
        self.forms, self.cur, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.cur = {"action": a.get("action"), "enctype": a.get("enctype"), "fields": {}, "options": {}}
            self.forms.append(self.cur)
        elif tag == "option" and self.cur is not None and self.select:
            if a.get("value"):
                self.cur["options"].setdefault(self.select, []).append(a["value"])
            if "selected" in a:
                self.cur["fields"][self.select] = a.get("value", "")
        elif self.cur is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.cur["fields"][a["name"]] = a.get("value", "on")
            elif kind != "file":
                self.cur["fields"][a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.select = a["name"]
            self.cur["fields"].setdefault(a["name"], "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.cur["fields"][a["name"]] = ""

    def handle_data(self, data):
        if self.cur is not None and self.textarea:
            self.cur["fields"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.cur = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_on(page, action, session):
    r = S.page(page, session)
    expect(r.status == 200, "%s: %r" % (page, r))
    p = Forms()
    p.feed(r.body.decode())
    for f in p.forms:
        if f["action"] == action:
            return f
    raise AssertionError("no form posting to %s on %s (%s)" % (action, page, [f["action"] for f in p.forms]))


def post(session, action, fields, files=None, lang="zh"):
    headers = {"Cookie": "anju_session=%s; anju_lang=%s" % (session, lang)}
    if files is not None:
        b = "flashboundary"
        return S.request("POST", action, raw=form_multipart(fields, files, b),
                         content_type="multipart/form-data; boundary=" + b, headers=headers)
    return S.request("POST", action, raw=urlencode(fields).encode(), headers=headers,
                     content_type="application/x-www-form-urlencoded")


def status_text(body):
    m = re.search(r'<p class="flash" role="status">([^<]*)</p>', body)
    return html.unescape(m.group(1)) if m else None


def errors_of(r):
    body = r.body.decode("utf-8", "replace")
    return re.findall(r'<p class="field-error"( id="[^"]*")?[^>]*>([^<]*)<', body) or body[-600:]


def confirmed(r, session, saved=None):
    """The answer was a 303 saying what was saved, and the page it leads to says it in both
    languages: a role=status message, no raw key, no {placeholder}."""
    expect(r.status == 303, "a save answers 303, not %d: %s" % (r.status, errors_of(r)))
    to = r.header("Location")
    expect("saved=" in to, "the address says what was saved: %r" % to)
    unmac(to)   # with the MAC that makes it ours (issue 12)
    if saved:
        expect(re.search(r"[?&]saved=%s(#|&|$)" % saved, to), "saved=%s in %r" % (saved, to))
    said = {}
    for lang in ("zh", "en"):
        page = S.page(to.split("#")[0], session, lang)
        expect(page.status == 200, "%s: %r" % (to, page))
        text = status_text(page.body.decode())
        expect(text and "saved_" not in text and "{" not in text and "}" not in text,
               "%s (%s) confirms in words: %r" % (to, lang, text))
        said[lang] = text
    # in each language's words (a record's own name may be Chinese on an English page)
    # (a user name is ASCII on a Chinese page: the words around it are what is checked)
    expect(re.search(r"[\u4e00-\u9fff]{2}", said["zh"]) and re.search(r"[A-Za-z]{3,}", said["en"])
           and said["en"] != said["zh"], "zh-CN and en words: %r" % said)
    return said


def refused(r, kept=None, status=422):
    body = r.body.decode()
    expect(r.status == status, "a refusal answers %d, not %r" % (status, r))
    expect('role="alert"' in body, "a refusal is shown (role=alert): %s" % body[:400])
    if kept:
        expect(html.escape(kept, quote=True) in body or kept in body, "the typed value %r is kept" % kept)


# ---------------------------------------------------------------- the cases, one per page POST route

ADMIN_S = S.page_session("admin", DEMO_PW)
COMMUNITY = one("SELECT code FROM divisions WHERE level = 'community' AND code IN"
                " (SELECT dest_community FROM households) ORDER BY code LIMIT 1") \
    if one("SELECT count(*) FROM sqlite_master WHERE name = 'divisions'") else None
H = one("SELECT id FROM households WHERE status <> 'closed' AND dest_community IS NOT NULL"
        " AND id IN (SELECT household_id FROM persons WHERE status = 'member') ORDER BY id LIMIT 1")
H_COMMUNITY = one("SELECT dest_community FROM households WHERE id = ?", H)
P = one("SELECT id FROM persons WHERE household_id = ? AND status = 'member' ORDER BY id LIMIT 1", H)
# forms name households and persons as workers know them: by number and by ID number
H_NUMBER = one("SELECT number FROM households WHERE id = ?", H)
P_ID_NUMBER = one("SELECT id_number FROM persons WHERE id = ?", P)
DONE = set()


def case(pattern):
    def wrap(fn):
        CASES[pattern] = fn
        return fn
    return wrap


CASES = {}


def valid_and_refused(page, action, good, bad, kept, saved, session=None, nothing=None):
    """The usual form: refused with `bad` (the value `kept` shown again), then saved with
    `good`; `nothing`: the same form posted again unchanged says there was nothing to save."""
    session = session or ADMIN_S
    f = form_on(page, action, session)
    before = audit_rows()
    refused(post(session, action, dict(f["fields"], **bad)), kept)
    expect(audit_rows() == before, "a refused form writes nothing")
    f = form_on(page, action, session)
    said = confirmed(post(session, action, dict(f["fields"], **good)), session, saved)
    if nothing:
        f = form_on(page, action, session)
        before = audit_rows()
        r = post(session, action, f["fields"])
        again = confirmed(r, session, "nothing")
        expect("没有修改" in again["zh"] and "No changes" in again["en"], "nothing to save, said %r" % again)
        expect(audit_rows() == before, "the same values again: no audit row")
    return said


@case("/households/{id}/edit")
def _(p):
    said = valid_and_refused("/households/%d/edit" % H, "/households/%d/edit" % H, {"phone": "13800001234"},
                             {"phone": "12ab"}, "12ab", "changes", nothing=True)
    number = one("SELECT number FROM households WHERE id = ?", H)
    expect(number in said["zh"] and number in said["en"], "names the household %r" % said)


@case("/persons/{id}/edit")
def _(p):
    valid_and_refused("/persons/%d/edit" % P, "/persons/%d/edit" % P, {"phone": "13900002222"},
                      {"phone": "9x"}, "9x", "changes", nothing=True)


@case("/items/{id}/edit")
def _(p):
    item = one("SELECT id FROM items WHERE household_id = ? ORDER BY id LIMIT 1", H) or \
        one("SELECT id FROM items ORDER BY id LIMIT 1")
    valid_and_refused("/items/%d/edit" % item, "/items/%d/edit" % item, {"title": "补充协议（扫描件）"},
                      {"date": "2026-13-45"}, "2026-13-45", "changes", nothing=True)


@case("/password")
def _(p):
    s = S.page_session("pwflash")
    f = form_on("/password", "/password", s)
    refused(post(s, "/password", dict(f["fields"], current="wrong-password-1", new="another-pw-77",
                                      again="another-pw-77")))
    r = post(s, "/password", dict(f["fields"], current=PASSWORD, new="another-pw-77", again="another-pw-77"))
    confirmed(r, s, "password")     # the session has ended: the log-in page says why


@case("/users")
def _(p):
    valid_and_refused("/users", "/users", {"username": "flashuser", "role": "town", "scope": "520628118",
                                          "password": "a-long-password-1"},
                      {"username": "no spaces allowed", "role": "town", "scope": "520628118",
                       "password": "a-long-password-1"}, "no spaces allowed", "user")


@case("/users/{id}/disable")
def _(p):
    uid = one("SELECT id FROM users WHERE username = 'flashuser'")
    f = form_on("/users", "/users/%d/disable" % uid, ADMIN_S)
    confirmed(post(ADMIN_S, "/users/%d/disable" % uid, f["fields"]), ADMIN_S, "user_disabled")


@case("/users/{id}/enable")
def _(p):
    uid = one("SELECT id FROM users WHERE username = 'flashuser'")
    f = form_on("/users", "/users/%d/enable" % uid, ADMIN_S)
    confirmed(post(ADMIN_S, "/users/%d/enable" % uid, f["fields"]), ADMIN_S, "user_enabled")


@case("/users/{id}/name")
def _(p):
    uid = one("SELECT id FROM users WHERE username = 'flashuser'")
    f = form_on("/users", "/users/%d/name" % uid, ADMIN_S)
    confirmed(post(ADMIN_S, "/users/%d/name" % uid, dict(f["fields"], full_name="闪光用户")), ADMIN_S, "user_named")
    expect(one("SELECT full_name FROM users WHERE id = ?", uid) == "闪光用户", "the name saved")
    before = audit_rows()
    refused(post(ADMIN_S, "/users/%d/name" % uid, dict(f["fields"], full_name="名" * 60)))
    expect(audit_rows() == before and one("SELECT full_name FROM users WHERE id = ?", uid) == "闪光用户",
           "a refused name changes nothing")


@case("/persons/{id}/reveal")
def _(p):
    # not a save: the answer is the person's page showing the one number asked for
    f = form_on("/persons/%d" % P, "/persons/%d/reveal" % P, ADMIN_S)
    r = post(ADMIN_S, "/persons/%d/reveal" % P, f["fields"])
    number = one("SELECT id_number FROM persons WHERE id = ?", P)
    expect(r.status == 200 and number in r.body.decode(), "the number shown %r" % r)



def first(page, action, name, session=None):
    """The first option a form's select offers."""
    return form_on(page, action, session or ADMIN_S)["options"][name][0]


@case("/login")
def _(p):
    # not a save: a log-in lands on the page asked for; a refused one is said, the name kept
    form = S.request("GET", "/login")
    jar = dict(v.split(";")[0].split("=", 1) for k, v in form.headers if k.lower() == "set-cookie")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', form.body.decode()).group(1)
    r = S.request("POST", "/login", raw=urlencode({"username": "tuanshan", "password": "wrong-one-1",
                                                    "csrf": token}).encode(),
                  content_type="application/x-www-form-urlencoded", headers={"Cookie": "anju_csrf=" + jar["anju_csrf"]})
    refused(r, 'value="tuanshan"', status=401)


@case("/households/new")
def _(p):
    village = one("SELECT origin_village FROM households ORDER BY id LIMIT 1")
    good = {"category": "registered_poor", "origin_village": village, "dest_community": H_COMMUNITY,
            "m0_id_number": id_number("52062819900101123"), "m0_name": "闪光测试", "m0_relation": "head"}
    valid_and_refused("/households/new", "/households/new", good, dict(good, phone="12ab"), "闪光测试",
                      "household")


@case("/households/{id}/members/new")
def _(p):
    page = "/households/%d/members/new" % H
    good = {"id_number": id_number("52062820100101234"), "name": "闪光新生", "relation": "son",
            "event": first(page, page, "event"), "event_date": TODAY}
    valid_and_refused(page, page, good, dict(good, id_number="123"), "闪光新生", "person")


@case("/persons/{id}/{key}/new")
def _(p):
    page = "/persons/%d/jobs/new" % P
    good = {"type": "workshop", "employer": "团山扶贫车间", "start_date": "2025-05-01", "monthly_income": "2000",
            "main": "true"}
    said = valid_and_refused(page, page, good, dict(good, end_date="2025-04-01"), "团山扶贫车间", "job")
    name = one("SELECT name FROM persons WHERE id = ?", P)
    expect(name in said["zh"] and name in said["en"], "names the person %r" % said)
    page = "/persons/%d/trainings/new" % P
    good = {"type": "skills", "course": "电工", "hours": "30", "start_date": "2025-03-01", "end_date": "2025-03-10"}
    valid_and_refused(page, page, good, dict(good, hours="-3"), "电工", "training")


@case("/persons/{id}/{key}")
def _(p):
    child = one("SELECT id FROM persons WHERE status = 'member' AND birth_date > '2012-01-01' ORDER BY id LIMIT 1")
    page = "/persons/%d/schooling" % child
    good = {"status": "enrolled", "school": "团山小学", "grade": "四年级"}
    valid_and_refused(page, page, good, dict(good, status="sometimes"), "团山小学", "schooling", nothing=True)
    page = "/persons/%d/family-doctor" % P
    good = {"signed": "true", "date": "2025-06-01", "doctor": "王医生"}
    valid_and_refused(page, page, good, dict(good, date="2025-02-30"), "王医生", "family_doctor", nothing=True)


@case("/households/{id}/{key}/new")
def _(p):
    page = "/households/%d/visits/new" % H
    good = {"date": TODAY, "kind": "visit", "visitor": "网格员", "found": "一切正常"}
    valid_and_refused(page, page, good, dict(good, date="2099-01-01"), "一切正常", "visit")
    page = "/households/%d/needs/new" % H
    good = {"category": first(page, page, "category"), "description": "老人需要陪同就医", "due_on": SOON}
    valid_and_refused(page, page, good, dict(good, due_on="2026-02-30"), "老人需要陪同就医", "need")


@case("/households/{id}/{key}")
def _(p):
    page = "/households/%d/plots" % H
    good = {"contracted_area_mu": "3.5", "contracted_use": "transferred", "contracted_annual_income": "1200",
            "forest_area_mu": "12", "forest_use": "shares"}
    valid_and_refused(page, page, good, dict(good, contracted_area_mu="0"), "12", "plots", nothing=True)
    page = "/households/%d/steps" % H
    good = {"responsible_person": "杨帮扶", "registration_done_date": "2019-03-01", "registration_done_by": "村干部"}
    valid_and_refused(page, page, good, dict(good, hukou_transfer_done_date="2019-02-01",
                                             hukou_transfer_done_by="派出所"), "派出所", "steps", nothing=True)


@case("/jobs/{id}/end")
def _(p):
    job = one("SELECT id FROM jobs WHERE person_id = ? AND end_date IS NULL ORDER BY id DESC LIMIT 1", P)
    page = "/jobs/%d/end" % job
    valid_and_refused(page, page, {"end_date": TODAY}, {"end_date": "2025-01-01"}, "2025-01-01", "job")


@case("/employers")
def _(p):
    good = {"name": "闪光社区服务站", "kind": "public_service_station", "community": H_COMMUNITY}
    valid_and_refused("/employers", "/employers", good, dict(good, kind="nonsense"), "闪光社区服务站", "employer")


@case("/facilities")
def _(p):
    good = {"community_code": H_COMMUNITY, "kind": first("/facilities", "/facilities", "kind"),
            "name": "闪光服务站", "status": first("/facilities", "/facilities", "status")}
    said = valid_and_refused("/facilities", "/facilities", good, dict(good, area_m2="-5"), "闪光服务站",
                             "facility")
    expect("闪光服务站" in said["zh"] and "闪光服务站" in said["en"], "says which facility %r" % said)


@case("/facilities/{id}/windows")
def _(p):
    fid = one("SELECT id FROM facilities WHERE name = '闪光服务站'")
    page = "/facilities/%d" % fid
    dep = form_on(page, page + "/windows", ADMIN_S)
    box = [k for k in re.findall(r'name="(dep_[^"]+)"', S.page(page, ADMIN_S).body.decode())][0]
    valid_and_refused(page, page + "/windows", {"name": "一号窗口", box: "1"}, {"name": "二号窗口"}, "二号窗口",
                      "window")


@case("/services")
def _(p):
    good = {"walk_in_name": "来访的吴大姐", "matter": first("/services", "/services", "matter"),
            "channel": "window", "community": H_COMMUNITY}
    said = valid_and_refused("/services", "/services", good, dict(good, matter=""), "来访的吴大姐", "service")
    expect(said["zh"].startswith("已登记服务事项 ") and said["en"].startswith("Service request "),
           "says what was recorded %r" % said)


@case("/services/{id}")
def _(p):
    sid = one("SELECT max(id) FROM service_requests")
    page = "/services/%d" % sid
    valid_and_refused(page, page, {"status": "accepted"}, {"status": "referred", "note": "转街道"}, "转街道",
                      "service_step")


@case("/petitions")
def _(p):
    good = {"channel": "talk_booth", "category": first("/petitions", "/petitions", "category"),
            "text": "垃圾桶太少", "anonymous": "1", "community": H_COMMUNITY}
    said = valid_and_refused("/petitions", "/petitions", good, dict(good, channel=""), "垃圾桶太少", "petition")
    expect(said["zh"].startswith("已登记信访事项 ") and said["en"].startswith("Petition "), "says what %r" % said)


@case("/petitions/{id}")
def _(p):
    pid = one("SELECT max(id) FROM petitions")
    page = "/petitions/%d" % pid
    valid_and_refused(page, page, {"action": "reply", "reply": "已增设分类垃圾桶"}, {"action": "reply", "reply": "x" * 3000},
                      "xxxxxxxx", "petition_step")


@case("/needs/{id}/resolve")
def _(p):
    nid = one("SELECT max(id) FROM needs WHERE household_id = ? AND resolved_on IS NULL", H)
    page = "/households/%d" % H
    f = form_on(page, "/needs/%d/resolve" % nid, ADMIN_S)
    said = confirmed(post(ADMIN_S, "/needs/%d/resolve" % nid, f["fields"]), ADMIN_S, "need_resolved")
    # resolved meanwhile: the refusal is said
    r = post(ADMIN_S, "/needs/%d/resolve" % nid, f["fields"])
    refused(r)


@case("/volunteers/{id}")
def _(p):
    vid = one("SELECT id FROM users WHERE role = 'volunteer' ORDER BY id LIMIT 1")
    page = "/volunteers/%d" % vid
    f = form_on(page, page, ADMIN_S)
    valid_and_refused(page, page, {"households": H_NUMBER}, {"households": "abc"}, "abc", "volunteer")


@case("/evaluations")
def _(p):
    year = date.today().year
    good = {"kind": "civilized_household", "subject": "household", "division": H_COMMUNITY,
            "period_from": "%d-01-01" % year, "period_to": "%d-12-31" % year, "award_top": "1",
            "title": "闪光文明户评比",
            "criteria[0].code": "talk", "criteria[0].name": "文明用语", "criteria[0].min": "0",
            "criteria[0].max": "10", "criteria[0].weight": "100"}
    said = valid_and_refused("/evaluations", "/evaluations", good, dict(good, **{"criteria[0].weight": "-5"}),
                             "文明用语", "evaluation")


@case("/evaluations/{id}")
def _(p):
    eid = one("SELECT max(id) FROM evaluation_schemes")
    page = "/evaluations/%d" % eid
    good = {"action": "score", "household": H_NUMBER, "evaluator": "评委甲", "score_talk": "9"}
    valid_and_refused(page, page, good, dict(good, score_talk="12"), "评委甲", "evaluation_score")


@case("/activities")
def _(p):
    good = {"community": H_COMMUNITY, "kind": first("/activities", "/activities", "kind"), "title": "闪光广场舞",
            "held_on": TODAY, "place": "广场", "organiser": "妇联"}
    said = valid_and_refused("/activities", "/activities", good, dict(good, held_on="2026-02-30"), "闪光广场舞",
                             "activity")
    expect("闪光广场舞" in said["zh"], "says which %r" % said)


@case("/activities/{id}/attendees")
def _(p):
    aid = one("SELECT max(id) FROM activities")
    page = "/activities/%d" % aid
    valid_and_refused(page, page + "/attendees", {"id_number": P_ID_NUMBER}, {"id_number": "abc"}, "abc", "attendance")


@case("/activities/{id}/attendees/remove")
def _(p):
    aid = one("SELECT max(id) FROM activities")
    page = "/activities/%d" % aid
    f = form_on(page, page + "/attendees/remove", ADMIN_S)
    confirmed(post(ADMIN_S, page + "/attendees/remove", f["fields"]), ADMIN_S, "attendance_removed")


@case("/businesses")
def _(p):
    good = {"name": "闪光豆腐坊", "kind": "workshop", "founders": P_ID_NUMBER, "founded_on": "2025-01-10",
            "employees": "1"}
    valid_and_refused("/businesses", "/businesses", good, dict(good, founders=""), "闪光豆腐坊", "business")


@case("/businesses/{id}/support")
def _(p):
    bid = one("SELECT max(id) FROM businesses")
    page = "/businesses/%d" % bid
    good = {"kind": "subsidy", "amount": "3000", "granted_on": "2025-02-01", "source": "县人社局"}
    valid_and_refused(page, page + "/support", good, dict(good, amount="-5"), "县人社局", "business_support")


def hall():
    return one("SELECT facility_id FROM hall_sections ORDER BY id LIMIT 1")


@case("/halls/{id}/sections")
def _(p):
    page = "/halls/%d" % hall()
    valid_and_refused(page, page + "/sections", {"section_name": "闪光展区"}, {"section_name": "", "section_description": "留着"},
                      "留着", "hall_section")


@case("/halls/{id}/exhibits")
def _(p):
    h = hall()
    page = "/halls/%d" % h
    section, item = one("SELECT id FROM hall_sections WHERE facility_id = ? ORDER BY id LIMIT 1", h), \
        one("SELECT item_id FROM hall_exhibits WHERE kind = 'picture' ORDER BY id LIMIT 1")
    number = one("SELECT h.number FROM households h JOIN items i ON i.household_id = h.id WHERE i.id = ?", item)
    good = {"section_id": str(section), "kind": "picture", "title": "闪光老屋", "household": number,
            "item_id": str(item)}
    valid_and_refused(page, page + "/exhibits", good, dict(good, household="无此户"), "无此户", "hall_exhibit")


@case("/halls/{id}/visits")
def _(p):
    page = "/halls/%d" % hall()
    good = {"visited_on": TODAY, "group_name": "老年协会", "people": "16", "guide": "杨讲解"}
    valid_and_refused(page, page + "/visits", good, dict(good, people="0"), "老年协会", "hall_visit")


@case("/worklists/settings")
def _(p):
    valid_and_refused("/worklists", "/worklists/settings", {"visit_days": "60"}, {"visit_days": "5000"}, "5000",
                      "settings")


@case("/households/{id}/items")
def _(p):
    page, action = "/households/%d" % H, "/households/%d/items" % H
    f = form_on(page, action, ADMIN_S)
    fields = dict(f["fields"], title="闪光登记表", doc_type=f["options"]["doc_type"][0])
    before = audit_rows()
    r = post(ADMIN_S, action, fields, files=[("file", "note.txt", b"plain text", "text/plain")])
    refused(r, "闪光登记表", status=r.status if r.status in (415, 422) else 422)
    expect(audit_rows() == before, "a refused upload writes nothing")
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8"
                        "ffff3f0005fe02fea7d6a4b50000000049454e44ae426082")
    confirmed(post(ADMIN_S, action, fields, files=[("file", "scan.png", png, "image/png")]), ADMIN_S, "item")


@case("/audit/verify")
def _(p):
    f = form_on("/audit", "/audit/verify", ADMIN_S)
    said = confirmed(post(ADMIN_S, "/audit/verify", f["fields"]), ADMIN_S, "audit_verified")


@case("/imports")
def _(p):
    # answered in place: the result says how it went (role=status), a refusal is said
    f = form_on("/imports", "/imports", ADMIN_S)
    r = post(ADMIN_S, "/imports", dict(f["fields"], kind="households", dry_run="1"),
             files=[("file", "empty.csv", "户编号,姓名\n".encode("utf-8"), "text/csv")])
    expect(r.status in (200, 422) and re.search(r'role="(status|alert)"', r.body.decode()), "the result said %r" % r)


@case("/access")
def _(p):
    s = S.page_session("zhengda", DEMO_PW)
    number = one("SELECT number FROM households WHERE origin_village NOT LIKE '520628118%'"
                 " AND coalesce(dest_community, '') NOT LIKE '520628118%' ORDER BY id LIMIT 1")
    valid_and_refused("/access", "/access", {"number": number, "reason": "群众来电询问搬迁进度"},
                      {"number": number, "reason": ""}, number, "access", session=s)


@case("/logout")
def _(p):
    s = S.page_session("admin", DEMO_PW)
    f = form_on("/", "/logout", s)
    r = post(s, "/logout", f["fields"])
    expect(r.status == 303 and unmac(r.header("Location")) == "/login?saved=logout", "to the log-in %r" % r)
    for lang, word in (("zh", "已退出"), ("en", "logged out")):
        page = S.request("GET", r.header("Location"), headers={"Cookie": "anju_lang=" + lang})
        expect(word in (status_text(page.body.decode()) or ""), "the log-in page says so (%s)" % lang)


# ---------------------------------------------------------------- a change that changes nothing

def trail_rows(h):
    """The household's change trail as its API answers it (newest first)."""
    return S.request("GET", "/api/v1/households/%d/trail" % h, token=ADMIN).json["items"]


def unchanged(method, path, body, h, what):
    """`body` sent under the record's ETag: 200, the record as it was with its ETag, and no
    audit row, no trail row, no version moved on."""
    got = S.request("GET", path, token=ADMIN)
    expect(got.status == 200 and got.header("ETag"), "%s: %r" % (path, got))
    audit, trail = audit_rows(), trail_rows(h)
    r = S.request(method, path, body, token=ADMIN, headers={"If-Match": got.header("ETag")})
    expect(r.status == 200, "%s %s (%s): %r" % (method, path, what, r))
    expect(r.header("ETag") == got.header("ETag"), "%s (%s): the ETag stays %r, not %r"
           % (path, what, got.header("ETag"), r.header("ETag")))
    expect(r.json == got.json, "%s (%s): the record as it was" % (path, what))
    expect(audit_rows() == audit and trail_rows(h) == trail, "%s (%s): no audit or trail row" % (path, what))


def test_a_change_that_changes_nothing_writes_nothing():
    h = S.request("GET", "/api/v1/households/%d" % H, token=ADMIN).json
    unchanged("PATCH", "/api/v1/households/%d" % H, {}, H, "{}")
    unchanged("PATCH", "/api/v1/households/%d" % H, {"phone": h["phone"], "category": h["category"]}, H, "same values")
    person = S.request("GET", "/api/v1/persons/%d" % P, token=ADMIN).json
    unchanged("PATCH", "/api/v1/persons/%d" % P, {}, H, "{}")
    unchanged("PATCH", "/api/v1/persons/%d" % P, {"name": person["name"]}, H, "same name")
    item = one("SELECT id FROM items WHERE household_id = ? ORDER BY id LIMIT 1", H)
    unchanged("PATCH", "/api/v1/items/%d" % item, {}, H, "{}")
    plots = S.request("GET", "/api/v1/households/%d/plots" % H, token=ADMIN).json
    unchanged("PUT", "/api/v1/households/%d/plots" % H, {"items": plots["items"]}, H, "the same plots")
    steps = S.request("GET", "/api/v1/households/%d/steps" % H, token=ADMIN).json
    steps.pop("household_id", None)
    unchanged("PUT", "/api/v1/households/%d/steps" % H, steps, H, "the same steps")
    doctor = S.request("GET", "/api/v1/persons/%d/family-doctor" % P, token=ADMIN).json["items"][0]
    unchanged("PUT", "/api/v1/persons/%d/family-doctor" % P, {k: doctor[k] for k in ("signed", "date", "doctor")},
              H, "the same record")
    need = one("SELECT id FROM needs WHERE resolved_on IS NULL ORDER BY id LIMIT 1")
    unchanged("PATCH", "/api/v1/needs/%d" % need, {}, one("SELECT household_id FROM needs WHERE id = ?", need), "{}")
    # and a real change still writes its one row
    got = S.request("GET", "/api/v1/households/%d" % H, token=ADMIN)
    audit = audit_rows()
    r = S.request("PATCH", "/api/v1/households/%d" % H, {"phone": "13700007777"}, token=ADMIN,
                  headers={"If-Match": got.header("ETag")})
    expect(r.status == 200 and r.header("ETag") != got.header("ETag") and audit_rows() == audit + 1,
           "a change is written and audited %r" % r)


def flash_of(path, session, lang="zh"):
    r = S.page(path, session, lang)
    expect(r.status == 200, "%s: %r" % (path, r))
    body = r.body.decode()
    return status_text(body) or ("flash" if 'class="flash' in body else None)


def test_a_confirmation_cannot_be_forged():
    """?saved= shows its message only with the MAC the server made for this session and this
    page (issue 12): a crafted one, with or without a MAC, says nothing; a real one does, for
    its own session and page only; a return= target brings no confirmation of its own."""
    for path in ("/audit?saved=audit_verified", "/?saved=audit_verify_broken", "/households/%d?saved=access" % H,
                 "/?saved=service", "/audit?saved=audit_verified&mac=0123456789abcdef",
                 "/audit?saved=audit_verified&mac=", "/audit?mac=0123456789abcdef&saved=audit_verified"):
        for lang in ("zh", "en"):
            expect(flash_of(path, ADMIN_S, lang) is None, "%s (%s) says nothing: %r" % (path, lang, flash_of(path, ADMIN_S, lang)))
    f = form_on("/audit", "/audit/verify", ADMIN_S)
    r = post(ADMIN_S, "/audit/verify", f["fields"])
    to = r.header("Location")
    expect(r.status == 303 and unmac(to) == "/audit?saved=audit_verified", "verified %r" % to)
    expect("链条完整" in (flash_of(to, ADMIN_S) or ""), "a real confirmation is said: %r" % flash_of(to, ADMIN_S))
    other = S.page_session("admin", DEMO_PW)
    expect(flash_of(to, other) is None, "not in another session")
    mac = re.search(r"mac=([0-9a-f]+)", to).group(1)
    expect(flash_of("/?saved=audit_verified&mac=" + mac, ADMIN_S) is None, "not on another page")
    expect(flash_of("/audit?saved=audit_verify_broken&mac=" + mac, ADMIN_S) is None, "not for another message")
    # the language switch's link back to the page carries no confirmation along
    here = re.search(r'href="/lang/zh\?next=([^"]*)"', S.page(to, ADMIN_S).body.decode())
    expect(here and "saved" not in here.group(1) and "mac" not in here.group(1), "the way back drops it %r" % (here and here.group(1)))
    # a resolve's return= target with a saved= of its own: the message is the resolve's, ours
    r = S.request("POST", "/api/v1/households/%d/needs" % H, {"category": "elderly_care", "description": "申请轮椅一台",
                  "due_on": SOON}, token=ADMIN)
    expect(r.status == 201, "a need %r" % r)
    nid = r.json["id"]
    f = form_on("/households/%d" % H, "/needs/%d/resolve" % nid, ADMIN_S)
    r = post(ADMIN_S, "/needs/%d/resolve" % nid, dict(f["fields"], **{"return": "/needs?saved=audit_verified&mac=" + mac}))
    to = r.header("Location") or ""
    expect(r.status == 303 and unmac(to) == "/needs?saved=need_resolved", "back where it was, ours %r" % to)
    said = flash_of(to, ADMIN_S)
    expect(said == "已办结该需求。", "the resolve is said: %r" % said)


if __name__ == "__main__":
    R = Runner()
    patterns = re.findall(r'PAGE\("POST", "([^"]+)"', open(ROUTES_C, encoding="utf-8").read())

    def every_page_post_route_has_a_case():
        missing = [p for p in patterns if p not in CASES]
        expect(len(patterns) > 35, "the route table read: %d rows" % len(patterns))
        expect(not missing, "page POST routes without a case in tests/e2e/test_flash.py (add one that"
               " posts its form and asserts the confirmation): %s" % missing)

    R.run(every_page_post_route_has_a_case)
    for pattern in patterns:
        if pattern in CASES:
            fn = CASES[pattern]
            fn.__name__ = "POST " + pattern
            R.run(fn, pattern)
    R.run(test_a_change_that_changes_nothing_writes_nothing)
    R.run(test_a_confirmation_cannot_be_forged)
    S.stop()
    R.finish()
