"""The checker of live answers (tests/e2e/contract.py) can fail: planted wrong answers are
caught, each named by route, status and the schema's complaint, and the e2e harness's
closing check fails on them; right answers pass.

usage: test_contract.py
"""
import json
import os
import sys

E2E = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e")
sys.path.insert(0, E2E)
import contract  # noqa: E402
import harness   # noqa: E402

C = contract.Contract()
ME = {"id": 1, "username": "admin", "role": "admin", "scope": ""}
PROBLEM = {"type": "about:blank", "title": "Invalid", "status": 422,
           "errors": [{"field": "q", "code": "too_long", "message": "Too long."}]}
JSON, PROBLEM_JSON = "application/json", "application/problem+json"
passed = failed = 0


def check(method, path, status, ctype, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return C.check_one(method, path, status, ctype, raw)


def case(fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print("ok   %s" % fn.__name__)
    except AssertionError as e:
        failed += 1
        print("FAIL %s: %s" % (fn.__name__, e))


def expect_problem(problems, *parts):
    assert problems, "a wrong answer passed"
    text = "\n".join(problems)
    for p in parts:
        assert p in text, "%r not in %r" % (p, text)


def test_right_answers_pass():
    assert check("GET", "/api/v1/session", 200, JSON, ME) == []
    assert check("GET", "/api/v1/households?q=x", 422, PROBLEM_JSON, PROBLEM) == []
    assert check("GET", "/api/v1/households/7", 304, JSON, b"") == []
    assert check("GET", "/api/v1/files/3", 200, "image/png", b"\x89PNG") == []
    assert check("GET", "/api/v1/nothing", 404, PROBLEM_JSON, dict(PROBLEM, status=404)) == []
    assert check("GET", "/api/v1/persons/3/jobs", 200, JSON, {"items": []}) == []


def test_a_wrong_value_is_named_with_route_status_and_field():
    expect_problem(check("GET", "/api/v1/session", 200, JSON, dict(ME, role="wizard")),
                   "GET /api/v1/session 200", "at .role", "'wizard' is not one of")


def test_a_missing_field_is_named():
    bad = dict(ME)
    del bad["username"]
    expect_problem(check("GET", "/api/v1/session", 200, JSON, bad),
                   "GET /api/v1/session 200", "'username' is a required property")


def test_a_wrong_type_deep_in_a_list_is_named():
    body = {"items": [{"id": 1, "person_id": 2, "type": "county", "start_date": "2024-01-01",
                       "created_at": "2026-01-01T00:00:00Z", "main": "yes"}]}
    expect_problem(check("GET", "/api/v1/persons/2/jobs", 200, JSON, body),
                   "GET /api/v1/persons/{id}/jobs 200", "at .items[0].main", "not of type 'boolean'")


def test_a_problem_without_its_errors_is_caught():
    bad = dict(PROBLEM)
    del bad["errors"]
    expect_problem(check("POST", "/api/v1/households", 422, PROBLEM_JSON, bad),
                   "POST /api/v1/households 422", "'errors' is a required property")


def test_an_undocumented_status_or_type_or_route_is_caught():
    expect_problem(check("GET", "/api/v1/session", 418, JSON, ME),
                   "GET /api/v1/session: status 418 is not in the document")
    expect_problem(check("GET", "/api/v1/session", 200, "text/html", b"<p>"),
                   "GET /api/v1/session 200: content type 'text/html' is not in the document")
    expect_problem(check("GET", "/api/v1/nowhere", 200, JSON, {}),
                   "GET /api/v1/nowhere: the path is not in the document")
    expect_problem(check("DELETE", "/api/v1/session", 204, JSON, b"{}"),
                   "DELETE /api/v1/session 204: the document says no body")


def test_a_body_the_server_took_but_the_document_refuses_is_caught():
    site = {"id": 1, "name": "团山二期", "community_code": "520628002030", "community_name": "团山社区",
            "buildings": 0, "rooms": 0, "households": 0}
    body = {"name": "团山二期", "community_code": "520628002030"}
    ok = C.check_one("POST", "/api/v1/sites", 201, JSON, json.dumps(site).encode(),
                     json.dumps(body).encode())
    assert ok == [], ok
    expect_problem(C.check_one("POST", "/api/v1/sites", 201, JSON, json.dumps(site).encode(),
                               json.dumps(dict(body, floors=3)).encode()),
                   "POST /api/v1/sites 201: the server took a request body the document refuses",
                   "'floors' was unexpected")
    # a refused body is the server's business: its 422 is checked as an answer only
    assert C.check_one("POST", "/api/v1/sites", 422, PROBLEM_JSON, json.dumps(PROBLEM).encode(),
                       json.dumps(dict(body, floors=3)).encode()) == []


def test_a_query_parameter_the_document_lacks_is_caught():
    page = {"items": [], "next": None}
    assert check("GET", "/api/v1/households?q=zhang&limit=5", 200, JSON, page) == []
    expect_problem(check("GET", "/api/v1/households?q=zhang&sort=name", 200, JSON, page),
                   "GET /api/v1/households 200: query parameter 'sort' is not in the document")


def test_a_header_the_document_promises_is_checked():
    hh = {"id": 1, "number": "5206281182010001", "category": "registered_poor", "status": "planned",
          "version": 1, "members": [], "events": [], "archive": {"complete": False, "items": 0, "missing": []}}
    raw = json.dumps(hh).encode()
    assert C.check_one("POST", "/api/v1/households", 201, JSON, raw, None,
                       ["Content-Type", "ETag", "Location"]) == []
    expect_problem(C.check_one("POST", "/api/v1/households", 201, JSON, raw, None,
                               ["Content-Type", "ETag"]),
                   "POST /api/v1/households 201: header Location is missing")
    expect_problem(C.check_one("GET", "/api/v1/households", 503, PROBLEM_JSON,
                               json.dumps(dict(PROBLEM, status=503)).encode(), None, ["Content-Type"]),
                   "GET /api/v1/households 503: header Retry-After is missing")


def test_the_harness_fails_on_a_planted_answer():
    harness.ANSWERS[:] = [("GET", "/api/v1/session", 200, JSON, json.dumps(ME).encode(), None, [])]
    harness.answers_match_the_contract()        # right: passes
    harness.ANSWERS.append(("GET", "/api/v1/session", 200, JSON,
                            json.dumps(dict(ME, id="one")).encode(), None, []))
    try:
        harness.answers_match_the_contract()
    except AssertionError as e:
        assert "1 of 2 answers do not fit web/openapi.json" in str(e), str(e)
        assert "GET /api/v1/session 200: at .id: 'one' is not of type 'integer'" in str(e), str(e)
    else:
        raise AssertionError("the harness let a wrong answer through")
    harness.ANSWERS[:] = []


for name, fn in list(globals().items()):
    if name.startswith("test_") and callable(fn):
        case(fn)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
