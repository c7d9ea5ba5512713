"""End-to-end tests of community activities (邻里大家走, issue 13 part 5) and start-ups with
home employment (致富大家干, part 7): the API, scope, attendance, participation by household,
the start-up register linked to the jobs ledger, bad input that stores nothing, the figures,
the downloads and the pages.

usage: test_activities.py PATH/TO/anju
"""
import datetime
import os
import re
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Runner, Server, expect, id_number, unmac  # noqa: E402

JUBAO, TUANSHAN, YUCAI = "520628118201", "520628002030", "520628002031"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()

S = Server()
S.cli("migrate")
S.add_user("admin", "admin")
S.add_user("tuanshan", "community", TUANSHAN)
S.add_user("yucai", "community", YUCAI)
S.add_user("helper", "volunteer", TUANSHAN)
S.add_user("jubao", "community", JUBAO)	# a village's officer: scope by origin
S.start()
ADMIN = S.login("admin")
TS = S.login("tuanshan")
YC = S.login("yucai")
seq = [300]


def get(path, token=TS):
    return S.request("GET", path, token=token)


def post(path, body, token=TS):
    return S.request("POST", path, body, token=token)


def count(table):
    db = sqlite3.connect(S.db)
    n = db.execute("SELECT count(*) FROM %s" % table).fetchone()[0]
    db.close()
    return n


def family(dest=TUANSHAN, members=1):
    first, seq[0] = seq[0], seq[0] + members
    born = "%04d0101" % (TODAY.year - 40)
    r = post("/api/v1/households", {
        "category": "registered_poor", "origin_village": JUBAO, "dest_community": dest, "status": "settled",
        "members": [{"id_number": id_number("520628%s%03d" % (born, (first + k) % 1000)), "name": "杨%d" % k,
                     "relation": "head" if k == 0 else "spouse", "labor_capacity": "ordinary"}
                    for k in range(members)]}, ADMIN)
    expect(r.status == 201, "household %r" % r)
    return r.json["id"], [m["id"] for m in r.json["members"]]


def activity(token=TS, **more):
    body = {"kind": "festival", "title": "端午包粽子", "held_on": TODAY.isoformat(), "place": "团山社区广场",
            "organiser": "社区居委会"}
    body.update(more)
    return post("/api/v1/activities", body, token)


def test_activities_and_attendance():
    kinds = get("/api/v1/activity-kinds").json["items"]
    expect({"festival", "sports", "culture"} <= {k["code"] for k in kinds}, "the kinds %r" % kinds)
    r = activity()
    expect(r.status == 201 and r.json["community_code"] == TUANSHAN and r.json["attendees"] == 0,
           "a community worker's activity is their community's %r" % r)
    expect(r.header("Location") == "/api/v1/activities/%d" % r.json["id"], "Location")
    aid = r.json["id"]
    hh, (head, child) = family(members=2)
    r = post("/api/v1/activities/%d/attendees" % aid, {"person_id": head})
    expect(r.status == 201 and r.json["household_id"] == hh and r.json["name"] == "杨0", "an attendee %r" % r)
    expect(post("/api/v1/activities/%d/attendees" % aid, {"person_id": child}).status == 201, "a second")
    r = post("/api/v1/activities/%d/attendees" % aid, {"person_id": head})
    expect(r.status == 422 and r.field_codes().get("person_id") == "already_attending", "not twice %r" % r)
    one = get("/api/v1/activities/%d" % aid).json
    expect(one["attendees"] == 2 and [a["person_id"] for a in one["attendee_list"]] == [head, child], "listed %r" % one)
    expect([a["id"] for a in get("/api/v1/activities?person=%d" % head).json["items"]] == [aid], "a person's activities")
    r = S.request("DELETE", "/api/v1/activities/%d/attendees?person_id=%d" % (aid, child), token=TS)
    expect(r.status == 204 and get("/api/v1/activities/%d" % aid).json["attendees"] == 1, "removed %r" % r)
    expect(S.request("DELETE", "/api/v1/activities/%d/attendees?person_id=%d" % (aid, child), token=TS).status == 404,
           "an attendance not there is 404")
    trail = get("/api/v1/households/%d/trail" % hh).json["items"]
    mine = [t for t in trail if t.get("entity") == "attendance"]
    expect(len(mine) == 3 and {t.get("action") for t in mine} == {"create", "remove"},
           "the attendance in the household's change trail %r" % trail[:4])


def test_scope():
    aid = activity().json["id"]
    other, (person,) = family(dest=YUCAI)
    before = count("activity_attendance")
    r = post("/api/v1/activities/%d/attendees" % aid, {"person_id": person})
    expect(r.status == 404, "a person outside the scope is 404 %r" % r)
    expect(count("activity_attendance") == before, "nothing stored")
    expect(get("/api/v1/activities/%d" % aid, YC).status == 404, "another community's activity is 404")
    expect(post("/api/v1/activities/%d/attendees" % aid, {"person_id": person}, YC).status == 404, "and no attendance")
    expect(aid not in [a["id"] for a in get("/api/v1/activities?limit=500", YC).json["items"]], "not listed")
    r = activity(community=YUCAI)
    expect(r.status == 422 and r.field_codes().get("community") == "out_of_scope", "not in another's community %r" % r)
    expect(activity(token=S.login("helper")).status == 403, "a volunteer records none")


def test_bad_activities_store_nothing():
    before = count("activities")
    for day, code in (("2026-02-30", "invalid_date"), ("2026-13-01", "invalid_date"),
                      ((TODAY + datetime.timedelta(days=400)).isoformat(), "date_too_far_ahead")):
        r = activity(held_on=day)
        expect(r.status == 422 and r.field_codes().get("held_on") == code, "%s: %r" % (day, r))
    r = activity(kind="rave", title="", place=None)
    codes = r.field_codes()
    expect(r.status == 422 and codes.get("kind") == "unknown_value" and "title" in codes and "place" in codes,
           "every bad field %r" % codes)
    r = activity(token=ADMIN)
    expect(r.status == 422 and r.field_codes().get("community") == "required", "an admin says where %r" % r)
    expect(count("activities") == before, "nothing stored")
    r = get("/api/v1/activities?from=2026-02-31")
    expect(r.status == 422 and r.field_codes().get("from") == "invalid_date", "a bad filter %r" % r)


def test_participation():
    start = (TODAY - datetime.timedelta(days=40)).isoformat()
    a1 = activity(community=TUANSHAN, held_on=start, token=ADMIN).json["id"]
    a2 = activity(held_on=(TODAY - datetime.timedelta(days=10)).isoformat()).json["id"]
    busy, (p1, p2) = family(members=2)
    idle, _ = family()
    for aid, p in ((a1, p1), (a2, p1), (a2, p2)):
        expect(post("/api/v1/activities/%d/attendees" % aid, {"person_id": p}).status == 201, "attended")
    frm = (TODAY - datetime.timedelta(days=60)).isoformat()
    base = "/api/v1/reports/participation?community=%s&from=%s&to=%s" % (TUANSHAN, frm, TODAY.isoformat())
    r = get(base + "&limit=500")
    expect(r.status == 200, "participation %r" % r)
    rows = {x["household_id"]: x["attendances"] for x in r.json["items"]}
    expect(rows.get(busy) == 3 and rows.get(idle) == 0, "by household %r" % rows)
    dist = {d["attendances"]: d["households"] for d in r.json["distribution"]}
    expect(sum(dist.values()) == len(rows) and dist[3] >= 1 and dist[0] >= 1, "the distribution %r" % dist)
    none = get(base + "&attendances=0&limit=500").json["items"]
    expect(idle in [x["household_id"] for x in none] and busy not in [x["household_id"] for x in none],
           "the households with none")
    late = get("/api/v1/reports/participation?from=%s" % (TODAY - datetime.timedelta(days=20)).isoformat()).json
    expect({x["household_id"]: x["attendances"] for x in late["items"]}.get(busy) == 2, "the period counts")
    expect(busy not in [x["household_id"] for x in get(base.replace(TUANSHAN, YUCAI), YC).json["items"]],
           "another community's households are not there")
    village = get("/api/v1/reports/participation?limit=500", S.login("jubao")).json
    expect({busy, idle} <= {x["household_id"] for x in village["items"]} and sum(
        d["households"] for d in village["distribution"]) == len(village["items"]),
        "a village's scope: its households relocated anywhere %r" % village["distribution"])
    figures = get("/api/v1/reports/activities?from=%s" % frm).json
    months = {m["key"]: m for m in figures["by_month"]}
    expect(months[start[:7]]["activities"] >= 1 and figures["totals"]["attendances"] >= 3, "by month %r" % figures)
    comm = {c["key"]: c for c in figures["by_community"]}
    expect(comm[TUANSHAN]["attendances"] >= 3 and comm[TUANSHAN]["name"], "by community %r" % comm)


def business(token=TS, **more):
    body = {"name": "杨家小卖部", "kind": "retail", "founded_on": "2025-03-01", "employees": 2}
    body.update(more)
    return post("/api/v1/businesses", body, token)


def test_businesses_jobs_and_home_employment():
    hh, (founder, helper) = family(members=2)
    r = business(founders=[founder], address="团山安置区3栋1号")
    expect(r.status == 201 and r.json["community_code"] == TUANSHAN and r.json["status"] == "operating"
           and r.json["founders"] == "杨0", "a start-up %r" % r)
    bid, etag = r.json["id"], r.header("ETag")
    job = post("/api/v1/persons/%d/jobs" % founder, {"type": "self_employed", "business_id": bid,
                                                    "start_date": "2025-03-01", "main": True})
    expect(job.status == 201 and job.json["business_id"] == bid and job.json["employer"] == "杨家小卖部",
           "the founder's self-employment points to it %r" % job)
    work = post("/api/v1/persons/%d/jobs" % helper, {"type": "county", "business_id": bid, "start_date": "2025-05-01"})
    expect(work.status == 201 and work.json["business_name"] == "杨家小卖部", "work in it %r" % work)
    home = post("/api/v1/persons/%d/jobs" % helper, {"type": "home", "employer": "来料加工（居家）",
                                                    "start_date": "2025-06-01", "main": True})
    expect(home.status == 201 and home.json["type"] == "home", "home employment %r" % home)
    one = get("/api/v1/businesses/%d" % bid).json
    expect(one["jobs"] == 2 and {j["person_id"] for j in one["job_list"]} == {founder, helper}, "its jobs %r" % one)
    r = post("/api/v1/businesses/%d/support" % bid, {"kind": "loan", "amount": 50000, "granted_on": "2025-04-01",
                                                     "source": "创业担保贷款"})
    expect(r.status == 201 and r.json["support_amount"] == 50000 and r.json["support"][0]["kind"] == "loan",
           "support %r" % r)
    r = S.request("PATCH", "/api/v1/businesses/%d" % bid, {"employees": 3}, token=TS, headers={"If-Match": etag})
    expect(r.status == 412, "a stale ETag %r" % r)
    r = S.request("PATCH", "/api/v1/businesses/%d" % bid, {"employees": 3}, token=TS,
                  headers={"If-Match": get("/api/v1/businesses/%d" % bid).header("ETag")})
    expect(r.status == 200 and r.json["employees"] == 3, "changed %r" % r)
    figures = get("/api/v1/reports/businesses").json
    expect(figures["totals"]["businesses"] >= 1 and figures["totals"]["jobs"] >= 2 and figures["home_jobs"] >= 1
           and figures["totals"]["support_amount"] >= 50000, "the figures %r" % figures)
    report = get("/api/v1/reports/employment").json
    expect(report["county"]["employed_home"] >= 1, "home employment in the report %r" % report["county"])
    behind = get("/api/v1/reports/employment/records?figure=employed_home&limit=500")
    expect(behind.status == 200 and helper in [x.get("person_id", x.get("id")) for x in behind.json["items"]],
           "the figure's records name the person %r" % behind)
    listed = get("/api/v1/businesses?person=%d" % founder).json["items"]
    expect([b["id"] for b in listed] == [bid], "a founder's start-ups %r" % listed)
    trail = get("/api/v1/households/%d/trail" % hh).json["items"]
    expect(any(t.get("entity") == "business" for t in trail), "the start-up in the founder's household trail")
    expect(get("/api/v1/businesses/%d" % bid, YC).status == 404, "another community's start-up is 404")


def test_bad_businesses_store_nothing():
    hh, (founder, other) = family(members=2)
    before = (count("businesses"), count("business_founders"))
    r = business(name="无人店")
    expect(r.status == 422 and r.field_codes().get("founders") == "business_needs_founder", "no founder %r" % r)
    r = business(name="无人店", founders=[])
    expect(r.status == 422 and r.field_codes().get("founders") == "business_needs_founder", "an empty list %r" % r)
    r = business(kind="casino", founded_on="2026-02-30", employees=-1, founders=[founder])
    codes = r.field_codes()
    expect(r.status == 422 and codes.get("kind") == "unknown_value" and codes.get("founded_on") == "invalid_date"
           and "employees" in codes, "every bad field %r" % codes)
    _, (outsider,) = family(dest=YUCAI)
    expect(business(founders=[founder, outsider]).status == 404, "a founder outside the scope is 404")
    expect((count("businesses"), count("business_founders")) == before, "nothing stored")
    bid = business(name="杨家面馆", kind="catering", founders=[founder]).json["id"]
    jobs = count("jobs")
    r = post("/api/v1/persons/%d/jobs" % other, {"type": "self_employed", "business_id": bid, "start_date": "2025-03-01"})
    expect(r.status == 422 and r.field_codes().get("business_id") == "business_not_founded",
           "self-employment in another person's business %r" % r)
    r = post("/api/v1/persons/%d/jobs" % other, {"type": "home", "business_id": bid, "start_date": "2025-03-01"})
    expect(r.status == 422 and r.field_codes().get("business_id") == "business_not_founded", "home too %r" % r)
    r = post("/api/v1/persons/%d/jobs" % other, {"type": "county", "business_id": 999999, "start_date": "2025-03-01"})
    expect(r.status == 422 and r.field_codes().get("business_id") == "unknown_value", "no such business %r" % r)
    expect(count("jobs") == jobs, "no job stored")
    support = count("business_support")
    r = post("/api/v1/businesses/%d/support" % bid, {"kind": "subsidy", "amount": -500, "granted_on": "2025-04-01",
                                                     "source": "县人社局"})
    expect(r.status == 422 and "amount" in r.field_codes(), "a negative amount %r" % r)
    r = post("/api/v1/businesses/%d/support" % bid, {"kind": "gift", "amount": 5, "granted_on": "2020-01-01",
                                                     "source": ""})
    codes = r.field_codes()
    expect(r.status == 422 and codes.get("kind") == "unknown_value" and codes.get("granted_on") == "end_before_start"
           and "source" in codes, "every bad field %r" % codes)
    expect(count("business_support") == support, "no support stored")


def number_of(hh):
    db = sqlite3.connect(S.db)
    n = db.execute("SELECT number FROM households WHERE id = ?", (hh,)).fetchone()[0]
    db.close()
    return n


def id_of(person):
    db = sqlite3.connect(S.db)
    n = db.execute("SELECT id_number FROM persons WHERE id = ?", (person,)).fetchone()[0]
    db.close()
    return n


def test_pages():
    import html as htmlmod
    session = S.page_session("tuanshan")
    hh, (head, spouse) = family(members=2)
    r = S.submit("/activities", session, {"kind": "sports", "title": "广场舞比赛", "held_on": "2026-02-30",
                                          "place": "广场", "organiser": "妇联"})
    body = r.body.decode()
    expect(r.status == 422 and 'id="held_on-error"' in body and "广场舞比赛" in body, "an impossible day, shown %r" % r)
    before = count("activities")
    r = S.submit("/activities", session, {"kind": "sports", "title": "广场舞比赛", "held_on": TODAY.isoformat(),
                                          "place": "广场", "organiser": "妇联"})
    expect(r.status == 303 and count("activities") == before + 1, "saved %r" % r)
    where, saved = unmac(r.header("Location")).split("?")
    expect(saved == "saved=activity", "said %r" % saved)
    aid = int(where.rsplit("/", 1)[1])
    r = S.submit(where + "/attendees", session, {"id_number": id_of(head)}, form_page=where)
    expect(r.status == 303 and unmac(r.header("Location")) == where + "?saved=attendance", "an attendee added by ID number %r" % r)
    # or by the household's number, then its member picked from the list the page then offers
    r = S.submit(where + "/attendees", session, {"household": number_of(hh)}, form_page=where)
    body = r.body.decode()
    expect(r.status == 422 and 'id="member-error"' in body and '<option value="%d">' % spouse in body
           and 'value="%s"' % number_of(hh) in body, "the household's members to choose from %r" % r)
    r = S.submit(where + "/attendees", session, {"household": number_of(hh), "member": str(spouse)}, form_page=where)
    expect(r.status == 303 and get("/api/v1/activities/%d" % aid).json["attendees"] == 2, "a member picked %r" % r)
    r = S.submit(where + "/attendees/remove", session, {"person_id": str(spouse)}, form_page=where)
    expect(r.status == 303, "removed again %r" % r)
    _, (outsider,) = family(dest=YUCAI)
    attending = count("activity_attendance")
    for fields in ({"id_number": id_of(outsider)}, {"id_number": "52062819800101001X"}):
        r = S.submit(where + "/attendees", session, fields, form_page=where)
        body = r.body.decode()
        expect(r.status == 422 and 'id="id_number-error"' in body and "没有找到这个身份证号的人" in body
               and 'value="%s"' % fields["id_number"] in body, "elsewhere or nowhere: the same field error %r" % r)
    r = S.submit(where + "/attendees", session, {"household": "no-such"}, form_page=where)
    expect(r.status == 422 and "没有找到户编号为 no-such 的户" in r.body.decode(), "a wrong household number %r" % r)
    expect(count("activity_attendance") == attending, "nothing stored")
    one = S.page(where, session).body.decode()
    expect('href="/persons/%d"' % head in one and 'id="attendee-count">1<' in one and "群众体育" in one, "the page")
    r = S.submit(where + "/attendees/remove", session, {"person_id": str(head)}, form_page=where)
    expect(r.status == 303 and get("/api/v1/activities/%d" % aid).json["attendees"] == 0, "removed %r" % r)
    r = S.submit(where + "/attendees/remove", session, {"person_id": str(head)}, form_page=where)
    body = r.body.decode()
    expect(r.status == 404 and "不再是）该活动的参加人员" in body and 'role="alert"' in body and "群众体育" in body,
           "removed twice: the activity's page says the person is no longer an attendee %r" % r)
    listing = S.page("/activities", session).body.decode()
    expect('href="/activities/%d"' % aid in listing and 'href="/activities?community=%s"' % TUANSHAN in listing
           and "各社区、各月活动情况" in listing, "the list with figures linking to their records")
    month = TODAY.isoformat()[:7]
    expect('href="/activities?from=%s-01&amp;to=' % month in listing, "a month links to its activities")
    expect("Activities by community and month" in S.page("/activities", session, "en").body.decode(), "in English")
    for where_from in ("/activities", "/activities/participation?from=2026-01-01", "/businesses"):
        links = re.findall(r'href="(/api/v1/[^"]+format=(?:csv|xlsx))"', S.page(where_from, session).body.decode())
        expect(len(links) == 2, "download links on %s %r" % (where_from, links))
        for link in links:
            got = S.page(htmlmod.unescape(link), session)
            expect(got.status == 200 and len(got.body) > 50, "the download %s answers %r" % (link, got))
    part = S.page("/activities/participation?attendances=0", session).body.decode()
    expect('href="/households/%d"' % hh in part and "未参加活动的户" in part, "households with none, by page")
    r = S.submit("/businesses", session, {"name": "杨家豆腐坊", "kind": "workshop", "founders": "",
                                          "founded_on": "2025-01-10", "employees": "1"})
    expect(r.status == 422 and 'id="founders-error"' in r.body.decode(), "a start-up with no founder %r" % r)
    before = count("businesses")
    for wrong in ("%d, %d" % (head, spouse), "%s，%s" % (id_of(head), id_of(outsider))):
        r = S.submit("/businesses", session, {"name": "杨家豆腐坊", "kind": "workshop", "founders": wrong,
                                              "founded_on": "2025-01-10", "employees": "1"})
        body = r.body.decode()
        unknown = wrong.split(", ")[0] if "," in wrong else id_of(outsider)
        expect(r.status == 422 and 'id="founders-error"' in body and "没有找到身份证号为 %s 的人" % unknown in body
               and "杨家豆腐坊" in body, "founders that name no one here %r" % r)
    expect(count("businesses") == before, "no start-up stored")
    r = S.submit("/businesses", session, {"name": "杨家豆腐坊", "kind": "workshop",
                                          "founders": "%s、%s" % (id_of(head), id_of(spouse).lower()),
                                          "founded_on": "2025-01-10", "employees": "1"})
    expect(r.status == 303, "a start-up saved, its founders by ID number %r" % r)
    fresh = S.page("/businesses", session).body.decode()
    expect('<option value="%s" selected>' % TUANSHAN in fresh, "the worker's community chosen")
    bwhere, saved = unmac(r.header("Location")).split("?")
    expect(saved == "saved=business", "said %r" % saved)
    r = S.submit(bwhere + "/support", session, {"kind": "subsidy", "amount": "-5", "granted_on": "2025-02-01",
                                                 "source": "县人社局"}, form_page=bwhere)
    expect(r.status == 422 and 'id="amount-error"' in r.body.decode(), "a negative amount on the page %r" % r)
    r = S.submit(bwhere + "/support", session, {"kind": "subsidy", "amount": "3000", "granted_on": "2025-02-01",
                                                 "source": "县人社局"}, form_page=bwhere)
    expect(r.status == 303, "support saved %r" % r)
    one = S.page(bwhere, session).body.decode()
    expect('id="support-amount">3000<' in one and "补贴" in one and 'href="/persons/%d"' % spouse in one, "the start-up")
    biz = S.page("/businesses", session).body.decode()
    expect('href="/businesses?kind=workshop"' in biz and "居家就业" in biz, "figures linking to their records")
    dash = S.page("/", session).body.decode()
    expect('href="/activities?from=%s-01-01"' % TODAY.year in dash and 'href="/businesses"' in dash,
           "the dashboard's figures link to their records")
    expect(S.page(where, S.page_session("yucai")).status == 404, "404 outside the scope")
    seen = S.page(where, S.page_session("helper")).body.decode()
    expect('action="%s/attendees"' % where not in seen, "a volunteer only reads")


if __name__ == "__main__":
    Runner().run_module(globals(), S)
