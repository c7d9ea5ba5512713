"""The API's contract (web/openapi.json) held against live answers.

The e2e harness records every answer it gets from /api/v1 (harness.Server.request); at the
end of a test program, check() finds each answer's operation in the document (path template,
method), its response (status), and validates the body against that response's schema
(JSON Schema Draft 2020-12, as OpenAPI 3.1 says), naming route, status and the schema's
complaint for each that does not fit.

usage (by hand): contract.py ANSWERS.jsonl [DOCUMENT]   answers as the harness writes them
                                                        with ANJU_API_RECORD=FILE
"""
import json
import os
import re
import sys

DOCUMENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "web",
                        "openapi.json")


class Contract:
    def __init__(self, path=DOCUMENT):
        try:
            import jsonschema  # noqa: F401  (Debian: python3-jsonschema)
        except ImportError:
            raise AssertionError("python3-jsonschema is missing: run scripts/install-deps check")
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        # Each path template as a regex; a literal segment beats a parameter, as in routing.
        self.paths = []
        for template in self.doc["paths"]:
            rx = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
            literal = sum(1 for s in template.split("/") if s and not s.startswith("{"))
            self.paths.append((re.compile(rx), literal, template))
        self.paths.sort(key=lambda p: -p[1])
        self.validators = {}

    def template(self, path):
        """The document's path template for a concrete path, or None."""
        path = path.split("?", 1)[0]
        for rx, _, template in self.paths:
            if rx.match(path):
                return template
        return None

    def _validator(self, pointer, schema):
        """A validator of one response schema whose "#/components/..." references resolve in
        the document: the schema rides in the document's root as an allOf (the root's other
        keys are no JSON Schema keywords, so they validate nothing)."""
        v = self.validators.get(pointer)
        if v is None:
            import jsonschema
            v = jsonschema.Draft202012Validator(dict(self.doc, allOf=[schema]))
            self.validators[pointer] = v
        return v

    def check_one(self, method, path, status, content_type, body, request_body=None,
                  headers=None):
        """The problems of one answer (a list of strings, empty when it fits); with the JSON
        body of the request, also whether a body the server accepted (2xx) fits the
        operation's request schema: the document must not refuse what the server takes;
        with the names of the answer's headers, whether those the document marks required
        (ETag, Location, Retry-After, ...) are there."""
        template = self.template(path)
        route = "%s %s" % (method, template or path.split("?", 1)[0])
        op = self.doc["paths"][template].get(method.lower()) if template else None
        if op is None:
            # The dispatcher's own answers to a path no route has (404) or a method the
            # path does not take (405): no operation of the document, a problem all the same.
            if (status, template is None) in ((404, True), (405, False)):
                return self.check_problem(route, status, content_type, body)
            return ["%s: the %s is not in the document (answered %d)"
                    % (route, "path" if template is None else "method", status)]
        out = []
        if request_body and 200 <= status < 300:
            out = self.check_request(route, method, template, op, status, request_body)
        if "?" in path and 200 <= status < 300:
            out += self.check_query(route, op, status, path.split("?", 1)[1])
        if headers is not None:
            out += self.check_headers(route, op, status, headers)
        return out + self.check_answer(route, method, template, op, status, content_type, body)

    def check_headers(self, route, op, status, headers):
        resp = op.get("responses", {}).get(str(status))
        if resp is None:
            return []           # check_answer says so
        resp = self.resolve(resp["$ref"]) if "$ref" in resp else resp
        have = {h.lower() for h in headers}
        return ["%s %d: header %s is missing (the document says it is always sent)"
                % (route, status, name) for name, h in resp.get("headers", {}).items()
                if h.get("required") and name.lower() not in have]

    def check_request(self, route, method, template, op, status, request_body):
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            return []       # an operation without a body: the server did not read it
        try:
            value = json.loads(request_body.decode("utf-8") if isinstance(request_body, bytes)
                               else request_body)
        except ValueError:
            return []
        pointer = "/paths/%s/%s/requestBody" % (template.replace("~", "~0").replace("/", "~1"),
                                                 method.lower())
        v = self._validator(pointer, content["application/json"]["schema"])
        return ["%s %d: the server took a request body the document refuses: at %s: %s"
                % (route, status, self.where(e), e.message[:300])
                for e in sorted(v.iter_errors(value), key=lambda e: list(e.absolute_path))][:3]

    def check_query(self, route, op, status, query):
        """A request the server answered 2xx names only query parameters the document lists:
        the server ignores others, so one it reads but the document lacks shows here."""
        from urllib.parse import parse_qsl
        names = set()
        for p in op.get("parameters", []):
            p = self.resolve(p["$ref"]) if "$ref" in p else p
            if p.get("in") == "query":
                names.add(p["name"])
        return ["%s %d: query parameter %r is not in the document (it lists %s)"
                % (route, status, k, ", ".join(sorted(names)) or "none")
                for k, _ in parse_qsl(query, keep_blank_values=True) if k not in names][:3]

    @staticmethod
    def where(err):
        return "".join("[%r]" % p if isinstance(p, int) else ".%s" % p
                       for p in err.absolute_path) or "(the body)"

    def check_answer(self, route, method, template, op, status, content_type, body):
        responses = op.get("responses", {})
        key = str(status)
        if key not in responses:
            key = "%dXX" % (status // 100) if "%dXX" % (status // 100) in responses else "default"
        if key not in responses:
            return ["%s: status %d is not in the document (it lists %s)"
                    % (route, status, ", ".join(sorted(responses)))]
        resp = responses[key]
        pointer = "/paths/%s/%s/responses/%s" % (template.replace("~", "~0").replace("/", "~1"),
                                                  method.lower(), key)
        if "$ref" in resp:
            pointer = resp["$ref"][1:]
            resp = self.resolve(resp["$ref"])
        content = resp.get("content")
        media = (content_type or "").split(";")[0].strip().lower()
        if not content:
            if body:
                return ["%s %d: the document says no body, the answer has %d bytes (%s)"
                        % (route, status, len(body), media)]
            return []
        media = self.media_range(media, content)
        if media not in content:
            media = (content_type or "").split(";")[0].strip().lower()
            return ["%s %d: content type %r is not in the document (it lists %s)"
                    % (route, status, media, ", ".join(sorted(content)))]
        schema = content[media].get("schema")
        if schema is None or not (media.endswith("/json") or media.endswith("+json")):
            return []
        try:
            value = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
        except ValueError as e:
            return ["%s %d: the answer is not JSON (%s)" % (route, status, e)]
        v = self._validator(pointer + "/content/" + media.replace("/", "~1") + "/schema", schema)
        out = []
        for err in sorted(v.iter_errors(value), key=lambda e: list(e.absolute_path)):
            out.append("%s %d: at %s: %s" % (route, status, self.where(err), err.message[:300]))
            if len(out) == 3:
                break
        return out

    @staticmethod
    def media_range(media, content):
        """The content key an answer's media type falls under: itself, type/*, or */*."""
        for key in (media, media.split("/")[0] + "/*", "*/*"):
            if key in content:
                return key
        return media

    def check_problem(self, route, status, content_type, body):
        """An answer outside every operation: problem+json of the Problem schema."""
        media = (content_type or "").split(";")[0].strip().lower()
        if media != "application/problem+json":
            return ["%s %d: the dispatcher's answer is %r, not application/problem+json"
                    % (route, status, media)]
        try:
            value = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
        except ValueError as e:
            return ["%s %d: the answer is not JSON (%s)" % (route, status, e)]
        v = self._validator("#Problem", {"$ref": "#/components/schemas/Problem"})
        return ["%s %d: %s" % (route, status, e.message[:300]) for e in v.iter_errors(value)][:3]

    def resolve(self, ref):
        node = self.doc
        for part in ref.lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def check(self, answers):
        """Problems of many answers [(method, path, status, content type, body[, request
        body[, header names]])], each once."""
        seen, problems = set(), []
        for a in answers:
            for p in self.check_one(*a):
                if p not in seen:
                    seen.add(p)
                    problems.append(p)
        return problems


def main():
    answers = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            answers.append((a["method"], a["path"], a["status"], a["content_type"], a["body"],
                            a.get("request"), a.get("headers")))
    c = Contract(sys.argv[2]) if len(sys.argv) > 2 else Contract()
    problems = c.check(answers)
    for p in problems:
        print(p)
    print("%d answers, %d problems" % (len(answers), len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
