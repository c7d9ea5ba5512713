/* Unit tests for web/request.c and web/problem.c: response headers (replaced, never
 * silently dropped), the one outcome -> status map, the record reply (ETag, Location),
 * and, through a real libmicrohttpd connection on the loopback, what a client controls:
 * query values (UTF-8, control characters, NUL bytes, integers, codes, enums), JSON
 * bodies (media type, emptiness, encoding, syntax, duplicate keys) and HTTPS detection
 * (a forwarded header believed only behind a trusted proxy). */
#include "tests/unit/cmocka_prelude.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "web/request.h"
#include "web/server.h"

static void request_init(struct request *rq)
{
	memset(rq, 0, sizeof(*rq));
	arena_init(&rq->arena, 0);
	verrors_init(&rq->errs, &rq->arena);
	buf_init(&rq->out);
	rq->lang = LANG_EN;
}

static void request_release(struct request *rq)
{
	buf_release(&rq->out);
	arena_release(&rq->arena);
}

static void set_header_replaces(void **state)
{
	struct request rq;
	(void)state;
	request_init(&rq);
	rq_add_header(&rq, "X-Frame-Options", "DENY");
	rq_add_header(&rq, "ETag", "\"h1-1\"");
	rq_set_header(&rq, "etag", "\"h1-2\"");
	rq_set_header(&rq, "Retry-After", "1");
	assert_int_equal(rq.nheaders, 3);
	assert_string_equal(rq.header_values[0], "DENY");	/* what came before stays */
	assert_string_equal(rq.header_values[1], "\"h1-2\"");
	assert_string_equal(rq.header_names[2], "Retry-After");
	rq_add_header(&rq, "X-None", NULL);	/* no value, no header */
	assert_int_equal(rq.nheaders, 3);
	request_release(&rq);
}

/* Every outcome's problem says the status it is sent with (405 and 416 used to say 400). */
static void problem_status_is_the_http_status(void **state)
{
	(void)state;
	for (int out = OUT_BAD_REQUEST; out <= OUT_INTERNAL; out++) {
		struct request rq;
		request_init(&rq);
		rq_problem(&rq, (enum outcome)out, NULL);
		unsigned status = outcome_status((enum outcome)out);
		assert_int_equal(rq.status, status);
		assert_true(status >= 400 && status <= 599);
		json_t *body = json_loadb(rq.out.data, rq.out.len, 0, NULL);
		assert_non_null(body);
		assert_int_equal(json_integer_value(json_object_get(body, "status")), status);
		assert_string_equal(rq.content_type, "application/problem+json");
		json_decref(body);
		request_release(&rq);
	}
	assert_int_equal(outcome_status(OUT_METHOD_NOT_ALLOWED), 405);
	assert_int_equal(outcome_status(OUT_RANGE_NOT_SATISFIABLE), 416);
	assert_int_equal(outcome_status(OUT_BUSY), 503);
	assert_int_equal(outcome_status(OUT_INVALID), 422);
}

static void busy_says_when_to_retry(void **state)
{
	struct request rq;
	(void)state;
	request_init(&rq);
	rq_problem(&rq, OUT_BUSY, NULL);
	assert_int_equal(rq.nheaders, 1);
	assert_string_equal(rq.header_names[0], "Retry-After");
	assert_string_equal(rq.header_values[0], "1");
	request_release(&rq);
	request_init(&rq);
	rq.retry_after = 30;
	rq_problem(&rq, OUT_RATE_LIMITED, NULL);
	assert_string_equal(rq.header_values[0], "30");
	request_release(&rq);
}

/* ------------------------------------------------------------------ the record reply */

static void etag_of(json_t *record, char out[48])
{
	snprintf(out, 48, "\"r%lld\"", (long long)json_integer_value(json_object_get(record, "id")));
}

static void reply_record_sets_etag_and_location(void **state)
{
	struct request rq;
	(void)state;
	request_init(&rq);
	rq_add_header(&rq, "ETag", "\"old\"");
	rq_reply_record(&rq, OUT_OK, 201, json_pack("{s:i}", "id", 42), etag_of, "/api/v1/things/");
	assert_int_equal(rq.status, 201);
	assert_int_equal(rq.nheaders, 2);	/* the ETag replaced, not doubled */
	assert_string_equal(rq.header_values[0], "\"r42\"");
	assert_string_equal(rq.header_names[1], "Location");
	assert_string_equal(rq.header_values[1], "/api/v1/things/42");
	assert_non_null(strstr(rq.out.data, "\"id\":42"));
	request_release(&rq);

	request_init(&rq);	/* 200: an ETag, no Location */
	rq_reply_record(&rq, OUT_OK, 200, json_pack("{s:i}", "id", 7), etag_of, "/x/");
	assert_int_equal(rq.nheaders, 1);
	assert_string_equal(rq.header_names[0], "ETag");
	request_release(&rq);

	request_init(&rq);	/* a failure: a problem, neither header */
	rq_reply_record(&rq, OUT_PRECONDITION_FAILED, 200, NULL, etag_of, "/x/");
	assert_int_equal(rq.status, 412);
	assert_int_equal(rq.nheaders, 0);
	assert_string_equal(rq.content_type, "application/problem+json");
	request_release(&rq);
}

/* ------------------------------------------------------------------ a live connection */

/* The server side: a libmicrohttpd daemon on the loopback whose one handler builds a
 * request as server.c does and hands it to `probe`, which records what the request.c
 * functions say. The probe runs on the daemon's thread, so it only records; the test
 * thread asserts once the response has come back. */
static struct MHD_Daemon *daemon_;
static uint16_t port_;
static struct server server_;
static void (*probe_)(struct request *rq);

enum { MAXR = 8 };
static struct {
	char text[MAXR][128];		/* a recorded string, or "(null)" */
	long long num[MAXR];
	char errors[256];		/* "field:code " for every field error */
	int calls;			/* domain calls made by a write helper */
	unsigned status;
} R;

static void record(int i, const char *s)
{
	snprintf(R.text[i], sizeof(R.text[i]), "%s", s ? s : "(null)");
}

static void record_errors(struct request *rq)
{
	R.errors[0] = '\0';
	for (int i = 0; i < rq->errs.n; i++) {
		size_t n = strlen(R.errors);
		snprintf(R.errors + n, sizeof(R.errors) - n, "%s:%s ", rq->errs.items[i].field,
			 rq->errs.items[i].code);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)cls, (void)version;
	struct buf *body = *con_cls;
	if (!body) {
		body = malloc(sizeof(*body));
		buf_init(body);
		*con_cls = body;
		return MHD_YES;
	}
	if (*upload_size) {
		buf_add(body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	struct request rq;
	request_init(&rq);
	rq.conn = c;
	rq.server = &server_;
	rq.method = method;
	rq.path = url;
	rq.body = *body;
	probe_(&rq);
	record_errors(&rq);
	R.status = rq.status;
	rq.body = (struct buf)BUF_INIT;
	request_release(&rq);
	buf_release(body);
	free(body);
	*con_cls = NULL;
	struct MHD_Response *resp = MHD_create_response_from_buffer(2, "ok", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result r = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	return r;
}

static int daemon_start(void **state)
{
	struct sockaddr_in sa;
	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_request, NULL,
				   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
	if (!daemon_)
		return -1;
	port_ = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
	return port_ ? 0 : -1;
}

static int daemon_stop(void **state)
{
	(void)state;
	MHD_stop_daemon(daemon_);
	return 0;
}

/* Sends one request (`head` is the request line and headers, without the blank line) with
 * `body` (len bytes), waits for the whole answer and checks it came from the handler. */
static void send_request(void (*probe)(struct request *), const char *head, const char *body,
			 size_t len)
{
	struct sockaddr_in sa;
	char req[8192], resp[4096];
	memset(&R, 0, sizeof(R));
	probe_ = probe;
	int n = snprintf(req, sizeof(req), "%s\r\nHost: localhost\r\nConnection: close\r\n"
			 "Content-Length: %zu\r\n\r\n", head, len);
	assert_true(n > 0 && (size_t)n + len < sizeof(req));
	memcpy(req + n, body, len);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port_);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, req, (size_t)n + len), (ssize_t)((size_t)n + len));
	size_t got = 0;
	ssize_t k;
	while (got < sizeof(resp) - 1 && (k = read(fd, resp + got, sizeof(resp) - 1 - got)) > 0)
		got += (size_t)k;
	resp[got] = '\0';
	close(fd);
	if (strncmp(resp, "HTTP/1.1 200", 12) != 0)
		fail_msg("%s: the handler did not answer: %.80s", head, resp);
}

static void get(void (*probe)(struct request *), const char *target)
{
	char head[2048];
	snprintf(head, sizeof(head), "GET %s HTTP/1.1", target);
	send_request(probe, head, "", 0);
}

/* ------------------------------------------------------------------ query values */

static void probe_query(struct request *rq) { record(0, rq_query(rq, "q")); }

/* `target`'s q: `want` (NULL: none), with `error` ("" none) on q. */
static void query_is(const char *target, const char *want, const char *error)
{
	get(probe_query, target);
	if (strcmp(R.text[0], want ? want : "(null)") != 0)
		fail_msg("%s: q is \"%s\"", target, R.text[0]);
	if (strcmp(R.errors, error) != 0)
		fail_msg("%s: errors \"%s\", want \"%s\"", target, R.errors, error);
}

static void query_text_is_utf8_without_controls(void **state)
{
	(void)state;
	query_is("/s?q=%E5%BC%A0%E4%BC%9F", "张伟", "");
	query_is("/s?q=a+b", "a b", "");
	query_is("/s?other=1", NULL, "");	/* absent */
	query_is("/s?q=", NULL, "");		/* empty is absent */
	query_is("/s?q", NULL, "");		/* so is a name without '=' */
	query_is("/s?q=1&q=2", "1", "");	/* the first of repeated names */
	query_is("/s?q=%FF", NULL, "q:invalid_text ");
	query_is("/s?q=%C0%AF", NULL, "q:invalid_text ");	/* overlong */
	query_is("/s?q=%ED%A0%80", NULL, "q:invalid_text ");	/* surrogate */
	query_is("/s?q=a%0Ab", NULL, "q:invalid_text ");	/* a newline */
	query_is("/s?q=%1B%5B2J", NULL, "q:invalid_text ");	/* a terminal escape */
	query_is("/s?q=%C2%85", NULL, "q:invalid_text ");	/* C1 NEL */
	query_is("/s?q=%7F", NULL, "q:invalid_text ");
	/* a NUL byte would cut the value short: what the handler saw would not be what was
	 * sent (a search for "a\0anything" run as a search for "a") */
	query_is("/s?q=a%00b", NULL, "q:invalid_text ");
	query_is("/s?q=%00", NULL, "q:invalid_text ");
}

static void probe_int(struct request *rq)
{
	R.num[0] = rq_query_int(rq, "n", -5, 100, 42);
}

static void int_is(const char *target, long long want, const char *error)
{
	get(probe_int, target);
	if (R.num[0] != want || strcmp(R.errors, error) != 0)
		fail_msg("%s: %lld \"%s\", want %lld \"%s\"", target, R.num[0], R.errors, want, error);
}

static void query_int_bounds(void **state)
{
	(void)state;
	int_is("/s", 42, "");
	int_is("/s?n=", 42, "");
	int_is("/s?n=7", 7, "");
	int_is("/s?n=-5", -5, "");		/* both ends are in */
	int_is("/s?n=100", 100, "");
	int_is("/s?n=-6", 42, "n:out_of_range ");
	int_is("/s?n=101", 42, "n:out_of_range ");
	int_is("/s?n=7x", 42, "n:out_of_range ");
	int_is("/s?n=x", 42, "n:out_of_range ");
	int_is("/s?n=1e2", 42, "n:out_of_range ");
	int_is("/s?n=0x10", 42, "n:out_of_range ");
	int_is("/s?n=99999999999999999999999", 42, "n:out_of_range ");	/* overflow */
	int_is("/s?n=-9223372036854775808", 42, "n:out_of_range ");
	int_is("/s?n=%FF", 42, "n:invalid_text ");
}

static void probe_code_enum(struct request *rq)
{
	static const int lengths[] = {6, 9, 0};
	static const char *const values[] = {"open", "closed", NULL};
	record(0, rq_query_code(rq, "code", lengths));
	const char *e = rq_query_enum(rq, "state", values);
	record(1, e);
	R.num[0] = e == values[0] ? 0 : e == values[1] ? 1 : -1;	/* the list's own pointer */
}

static void query_code_and_enum(void **state)
{
	(void)state;
	get(probe_code_enum, "/s?code=520628&state=closed");
	assert_string_equal(R.text[0], "520628");
	assert_string_equal(R.text[1], "closed");
	assert_int_equal(R.num[0], 1);
	assert_string_equal(R.errors, "");
	get(probe_code_enum, "/s?code=520628118");
	assert_string_equal(R.text[0], "520628118");
	assert_string_equal(R.text[1], "(null)");
	assert_string_equal(R.errors, "");
	static const char *const bad_codes[] = {"52062", "5206281", "52062a", "520628%20",
						"%EF%BC%95%EF%BC%92%EF%BC%90%EF%BC%96%EF%BC%92%EF%BC%98",
						"-52062"};
	for (size_t i = 0; i < sizeof(bad_codes) / sizeof(bad_codes[0]); i++) {
		char target[200];
		snprintf(target, sizeof(target), "/s?code=%s", bad_codes[i]);
		get(probe_code_enum, target);
		if (strcmp(R.text[0], "(null)") != 0 || strcmp(R.errors, "code:invalid_code ") != 0)
			fail_msg("%s: %s \"%s\"", target, R.text[0], R.errors);
	}
	static const char *const bad_states[] = {"Open", "open%20", "opened", "%20open"};
	for (size_t i = 0; i < sizeof(bad_states) / sizeof(bad_states[0]); i++) {
		char target[200];
		snprintf(target, sizeof(target), "/s?state=%s", bad_states[i]);
		get(probe_code_enum, target);
		if (strcmp(R.text[1], "(null)") != 0 || strcmp(R.errors, "state:unknown_value ") != 0)
			fail_msg("%s: %s \"%s\"", target, R.text[1], R.errors);
	}
}

/* ------------------------------------------------------------------ JSON bodies */

static void probe_json(struct request *rq)
{
	json_t *v = NULL;
	R.num[0] = rq_json_body(rq, &v);
	R.num[1] = v != NULL;
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	record(0, s);
	free(s);
	json_decref(v);
}

static void post(void (*probe)(struct request *), const char *content_type, const char *body,
		 size_t len)
{
	char head[512];
	if (content_type)
		snprintf(head, sizeof(head), "POST /api/v1/things HTTP/1.1\r\nContent-Type: %s",
			 content_type);
	else
		snprintf(head, sizeof(head), "POST /api/v1/things HTTP/1.1");
	send_request(probe, head, body, len);
}

static void body_is(const char *ct, const char *body, size_t len, enum outcome want,
		    const char *error)
{
	post(probe_json, ct, body, len);
	if (R.num[0] != want || strcmp(R.errors, error) != 0)
		fail_msg("%s %.40s: outcome %lld \"%s\", want %d \"%s\"", ct ? ct : "(none)", body,
			 R.num[0], R.errors, want, error);
	assert_int_equal(R.num[1], want == OUT_OK);	/* a value only on success */
}

#define BODY(ct, s, want, error) body_is(ct, s, sizeof(s) - 1, want, error)

static void json_body_checks(void **state)
{
	(void)state;
	BODY("application/json", "{\"a\": \"张\"}", OUT_OK, "");
	assert_string_equal(R.text[0], "{\"a\":\"张\"}");
	BODY("application/json; charset=utf-8", "[1]", OUT_OK, "");
	BODY("Application/JSON", "{}", OUT_OK, "");
	BODY("application/json ;charset=utf-8", "{}", OUT_OK, "");
	/* not JSON by its type, whatever the bytes */
	BODY(NULL, "{}", OUT_UNSUPPORTED, "body:unsupported_media_type ");
	BODY("text/plain", "{}", OUT_UNSUPPORTED, "body:unsupported_media_type ");
	BODY("application/jsonp", "{}", OUT_UNSUPPORTED, "body:unsupported_media_type ");
	BODY("application/json-patch+json", "{}", OUT_UNSUPPORTED, "body:unsupported_media_type ");
	BODY("application/x-www-form-urlencoded", "a=1", OUT_UNSUPPORTED,
	     "body:unsupported_media_type ");
	/* JSON by its type, but not a JSON text */
	BODY("application/json", "", OUT_BAD_REQUEST, "body:body_empty ");
	BODY("application/json", "{\"a\": \"\xFF\"}", OUT_BAD_REQUEST, "body:invalid_utf8 ");
	BODY("application/json", "{\"a\": \"\xED\xA0\x80\"}", OUT_BAD_REQUEST, "body:invalid_utf8 ");
	BODY("application/json", "{\"a\": \"x\0\"}", OUT_BAD_REQUEST, "body:invalid_utf8 ");
	BODY("application/json", "{\"a\": 1", OUT_BAD_REQUEST, "body:malformed_json ");
	BODY("application/json", "{\"a\": 1}x", OUT_BAD_REQUEST, "body:malformed_json ");
	BODY("application/json", "{\"a\": 1, \"a\": 2}", OUT_BAD_REQUEST, "body:malformed_json ");
	BODY("application/json", "{\"a\": \"\\u0000\"}", OUT_BAD_REQUEST, "body:malformed_json ");
	BODY("application/json", "{'a': 1}", OUT_BAD_REQUEST, "body:malformed_json ");
	BODY("application/json", "\xEF\xBB\xBF{}", OUT_BAD_REQUEST, "body:malformed_json ");
}

static enum outcome write0(struct ctx *cx, json_t *body, json_t **out)
{
	(void)cx;
	R.calls++;
	*out = json_pack("{s:O}", "echo", body);
	return OUT_OK;
}

static enum outcome write1(struct ctx *cx, int64_t id, json_t *body, json_t **out)
{
	(void)cx;
	R.calls++;
	R.num[2] = id;
	*out = json_pack("{s:I, s:O}", "id", (json_int_t)id, "echo", body);
	return id == 13 ? OUT_CONFLICT : OUT_OK;
}

static void probe_write_new(struct request *rq)
{
	rq_write_new(rq, write0, 201);
	R.num[0] = rq->status;
	record(0, rq->out.data);
}

static void probe_write_one(struct request *rq)
{
	rq->ids[0] = strstr(rq->path, "/13") ? 13 : 12;
	rq->nids = 1;
	rq_write_one(rq, write1, 200);
	R.num[0] = rq->status;
	record(0, rq->out.data);
}

/* The thin write helpers call the domain only with a well-formed JSON body, and answer
 * with the domain's outcome (status and body) otherwise. */
static void write_helpers_call_the_domain_only_with_a_body(void **state)
{
	(void)state;
	post(probe_write_new, "application/json", "{\"x\": 1}", 8);
	assert_int_equal(R.calls, 1);
	assert_int_equal(R.num[0], 201);
	assert_string_equal(R.text[0], "{\"echo\":{\"x\":1}}\n");
	post(probe_write_new, "text/plain", "{\"x\": 1}", 8);
	assert_int_equal(R.calls, 0);
	assert_int_equal(R.num[0], 415);
	post(probe_write_new, "application/json", "{", 1);
	assert_int_equal(R.calls, 0);
	assert_int_equal(R.num[0], 400);
	assert_non_null(strstr(R.text[0], "malformed_json"));

	send_request(probe_write_one, "PUT /api/v1/things/12 HTTP/1.1\r\nContent-Type: application/json",
		     "[]", 2);
	assert_int_equal(R.calls, 1);
	assert_int_equal(R.num[2], 12);
	assert_int_equal(R.num[0], 200);
	send_request(probe_write_one, "PUT /api/v1/things/13 HTTP/1.1\r\nContent-Type: application/json",
		     "[]", 2);
	assert_int_equal(R.calls, 1);
	assert_int_equal(R.num[0], 409);	/* the domain's refusal, its body dropped */
	assert_null(strstr(R.text[0], "echo"));
}

/* ------------------------------------------------------------------ HTTPS */

static void probe_https(struct request *rq)
{
	R.num[0] = rq_https(rq);
	record(0, rq_cookie_secure(rq));
}

static void https_is(const char *public_url, int trust_proxy, const char *forwarded, bool want)
{
	char head[512];
	snprintf(server_.cfg.public_url, sizeof(server_.cfg.public_url), "%s", public_url);
	server_.cfg.trust_proxy = trust_proxy;
	if (forwarded)
		snprintf(head, sizeof(head), "GET / HTTP/1.1\r\nX-Forwarded-Proto: %s", forwarded);
	else
		snprintf(head, sizeof(head), "GET / HTTP/1.1");
	send_request(probe_https, head, "", 0);
	if (R.num[0] != want)
		fail_msg("%s, trust %d, forwarded %s: https %lld", public_url, trust_proxy,
			 forwarded ? forwarded : "-", R.num[0]);
	assert_string_equal(R.text[0], want ? "; Secure" : "");
}

static void https_is_believed_only_from_a_trusted_proxy(void **state)
{
	(void)state;
	https_is("https://anju.example.cn", 0, NULL, true);
	https_is("HTTPS://anju.example.cn", 0, NULL, true);
	https_is("http://10.0.0.5:8080", 0, NULL, false);
	https_is("http://10.0.0.5:8080", 0, "https", false);	/* anyone can send the header */
	https_is("http://10.0.0.5:8080", 1, "https", true);
	https_is("http://10.0.0.5:8080", 1, "HTTPS", true);
	https_is("http://10.0.0.5:8080", 1, "http", false);
	https_is("http://10.0.0.5:8080", 1, "https, http", false);
	https_is("http://10.0.0.5:8080", 1, NULL, false);
	https_is("", 0, NULL, false);
	server_.cfg.public_url[0] = '\0';
	server_.cfg.trust_proxy = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_header_replaces),
		cmocka_unit_test(problem_status_is_the_http_status),
		cmocka_unit_test(busy_says_when_to_retry),
		cmocka_unit_test(reply_record_sets_etag_and_location),
		cmocka_unit_test(query_text_is_utf8_without_controls),
		cmocka_unit_test(query_int_bounds),
		cmocka_unit_test(query_code_and_enum),
		cmocka_unit_test(json_body_checks),
		cmocka_unit_test(write_helpers_call_the_domain_only_with_a_body),
		cmocka_unit_test(https_is_believed_only_from_a_trusted_proxy),
	};
	return cmocka_run_group_tests(tests, daemon_start, daemon_stop);
}
