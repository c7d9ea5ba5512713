/* Unit tests for dispatch (web/routes.c) with a real server on the loopback: CSRF, over
 * every row of the route table, is enforced by the dispatcher alone. A state-changing page
 * or cookie-authenticated API request with a wrong token is refused before its body is
 * read (the test declares a body and never sends it: the answer must come all the same);
 * one without a token is refused before the handler runs (an API request before its body,
 * a page form once its form arrives without the field, a page upload before any file part
 * is stored); a Bearer request is not subject to CSRF. And a download needs the export
 * right, by the row's rule, whatever the handler. */
#include "tests/unit/cmocka_prelude.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/config.h"
#include "core/idnumber.h"
#include "domain/household.h"
#include "domain/ledger.h"
#include "domain/session.h"
#include "domain/user.h"
#include "domain/volunteer.h"
#include "web/page.h"
#include "web/routes.h"
#include "web/server.h"
#include "tests/unit/testdb.h"

static struct server srv;
static int port;
static char token[SESSION_TOKEN_LEN + 1];
static char volunteer[SESSION_TOKEN_LEN + 1];	/* a role that may read, never export */
static char csrf[33];
static int64_t household;	/* {id} in the paths: a household that exists (1 for the rest) */

/* A household for the rows whose target is checked before the body (uploads). */
static int64_t make_household(struct testdb *t)
{
	char a[19] = "52062819800101001";
	a[17] = idnumber_check_char(a);
	a[18] = '\0';
	json_t *out = NULL, *body = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}",
		"category", "registered_poor", "origin_village", "520628118201", "dest_community",
		"520628002030", "members", "id_number", a, "name", "张伟", "relation", "head");
	testdb_reset(t);
	enum outcome res = household_create(&t->cx, body, &out);
	int64_t id = res == OUT_OK ? json_integer_value(json_object_get(out, "id")) : 0;
	json_decref(body);
	json_decref(out);
	return id;
}

static int setup(void **state)
{
	const struct session_limits lim = {8, 1000, 1000, 60};
	const char *err;
	char msg[256];
	int retry;
	struct config cfg;
	if (testdb_setup(state))
		return -1;
	struct testdb *t = *state;
	testdb_reset(t);
	if (user_add(&t->cx, "root", "admin", "520628", "root's own password", &err))
		return -1;
	testdb_reset(t);
	if (session_login(&t->cx, &lim, "root", "root's own password", token, &retry) != OUT_OK)
		return -1;
	testdb_reset(t);
	if (user_add(&t->cx, "vol", "volunteer", "520628002030", "vol's own password", &err))
		return -1;
	testdb_reset(t);
	if (session_login(&t->cx, &lim, "vol", "vol's own password", volunteer, &retry) != OUT_OK)
		return -1;
	page_csrf(token, csrf);
	if (!(household = make_household(t)))
		return -1;
	/* the volunteer reads the household assigned to it (a volunteer's scope) */
	json_t *vol = user_find(&t->cx, 0, "vol"), *assigned = NULL;
	json_t *body = json_pack("{s:[I]}", "households", (json_int_t)household);
	testdb_reset(t);
	enum outcome res = volunteer_assignments_put(&t->cx, json_integer_value(json_object_get(vol,
		"id")), body, &assigned);
	json_decref(vol);
	json_decref(body);
	json_decref(assigned);
	if (res != OUT_OK)
		return -1;
	config_defaults(&cfg);
	cfg.port = 0;
	cfg.fixity_interval = 0;
	snprintf(cfg.data_dir, sizeof(cfg.data_dir), "%s", t->dir);
	if (server_start(&srv, &cfg, t->store, msg, sizeof(msg)))
		return -1;
	port = server_port(&srv);
	return port > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	server_stop(&srv);
	return testdb_teardown(state);
}

static int connect_server(void)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Sends `head` and the first `len` bytes of a body, and leaves the connection open. */
static int open_request(const char *head, const char *body, size_t len)
{
	char req[4096];
	int n = snprintf(req, sizeof(req), "%s\r\nHost: localhost\r\nAccept-Language: en\r\n\r\n", head);
	assert_true(n > 0 && (size_t)n + len < sizeof(req));
	memcpy(req + n, body, len);
	int fd = connect_server();
	assert_int_equal(write(fd, req, (size_t)n + len), (ssize_t)((size_t)n + len));
	return fd;
}

/* Sends `head` (request line and headers, without the blank line) and `body`, and reads the
 * answer for up to five seconds: "" when none came (the server waited for more body). */
static void exchange(const char *head, const char *body, size_t len, char *resp, size_t cap)
{
	char req[4096];
	int n = snprintf(req, sizeof(req), "%s\r\nHost: localhost\r\nAccept-Language: en\r\nConnection: close\r\n\r\n", head);
	assert_true(n > 0 && (size_t)n + len < sizeof(req));
	memcpy(req + n, body, len);
	int fd = connect_server();
	assert_int_equal(write(fd, req, (size_t)n + len), (ssize_t)((size_t)n + len));
	size_t got = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (got < cap - 1 && poll(&p, 1, 5000) == 1) {
		ssize_t k = read(fd, resp + got, cap - 1 - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	resp[got] = '\0';
	close(fd);
}

/* The row's pattern as a path: {id} is the household, {key} the first ledger's name the row takes. */
static bool path_of(const struct route *r, char *out, size_t cap)
{
	const char *key = NULL;
	for (int i = 0; r->key_ok && ledgers[i] && !key; i++)
		if (r->key_ok(ledgers[i]->name))
			key = ledgers[i]->name;
	if (r->key_ok && !key)
		return false;
	size_t o = 0;
	for (const char *p = r->pattern; *p && o < cap - 20;) {
		if (strncmp(p, "{id}", 4) == 0) {
			o += (size_t)snprintf(out + o, cap - o, "%lld", (long long)household);
			p += 4;
		} else if (strncmp(p, "{key}", 5) == 0) {
			o += (size_t)snprintf(out + o, cap - o, "%s", key);
			p += 5;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return true;
}

/* The dispatcher's own refusal, not a handler's answer (nor a role's). */
static void assert_csrf_refused(const struct route *r, const char *path, const char *resp,
				const char *what)
{
	const char *marker = r->page ? "The form has expired" : "csrf_token_required";
	if (!*resp)
		fail_msg("%s %s (%s): no answer: the server waited for the body", r->method, path, what);
	if (strncmp(resp, "HTTP/1.1 403", 12) != 0 || !strstr(resp, marker))
		fail_msg("%s %s (%s): not the CSRF refusal: %.120s", r->method, path, what, resp);
}

/* Files in the blob store's temporary folder: an upload being received. */
static int tmp_files(struct testdb *t)
{
	char path[512];
	int n = 0;
	snprintf(path, sizeof(path), "%s/tmp", t->dir);
	DIR *d = opendir(path);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void every_cookie_write_is_refused_by_dispatch(void **state)
{
	struct testdb *t = *state;
	char path[256], head[1024], resp[8192];
	int rows = 0;
	for (const struct route *r = routes_table(); r->method; r++) {
		if (!route_needs_csrf(r))
			continue;
		if (!path_of(r, path, sizeof(path)))
			fail_msg("%s %s: no name its {key} takes", r->method, r->pattern);
		rows++;
		/* a wrong token in the header: refused on the headers, the body never read */
		snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nCookie: anju_session=%s\r\n"
			 "X-CSRF-Token: %032d\r\nContent-Type: application/json\r\n"
			 "Content-Length: 100000", r->method, path, token, 0);
		exchange(head, "", 0, resp, sizeof(resp));
		assert_csrf_refused(r, path, resp, "wrong header");
		if (!r->page) {	/* no token at all: the API refuses on the headers too */
			snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nCookie: anju_session=%s\r\n"
				 "Content-Type: application/json\r\nContent-Length: 100000",
				 r->method, path, token);
			exchange(head, "", 0, resp, sizeof(resp));
			assert_csrf_refused(r, path, resp, "no token");
		} else if (r->upload) {
			/* a wrong token in the form's action: refused on the headers */
			snprintf(head, sizeof(head), "%s %s?csrf=%032d HTTP/1.1\r\nCookie: anju_session=%s\r\n"
				 "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000",
				 r->method, path, 0, token);
			exchange(head, "", 0, resp, sizeof(resp));
			assert_csrf_refused(r, path, resp, "wrong token in the URL");
			/* none at all: the form's field is checked as the first file part begins, and
			 * a file without it is refused before a byte of it is stored: while the rest of
			 * the body is still to come, no temporary file exists */
			static const char body[] = "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n"
				"x\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
				"Content-Type: text/plain\r\n\r\nhello, more is coming";
			snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nCookie: anju_session=%s\r\n"
				 "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000",
				 r->method, path, token);
			int fd = open_request(head, body, sizeof(body) - 1);
			usleep(300 * 1000);
			assert_int_equal(tmp_files(t), 0);
			close(fd);
			static const char whole[] = "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n"
				"x\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
				"Content-Type: text/plain\r\n\r\nhello\r\n--b--\r\n";
			snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nCookie: anju_session=%s\r\n"
				 "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %zu",
				 r->method, path, token, sizeof(whole) - 1);
			exchange(head, whole, sizeof(whole) - 1, resp, sizeof(resp));
			assert_csrf_refused(r, path, resp, "no token, a file");
		} else {	/* a form without its field: refused before the handler */
			snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nCookie: anju_session=%s\r\n"
				 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3",
				 r->method, path, token);
			exchange(head, "x=1", 3, resp, sizeof(resp));
			assert_csrf_refused(r, path, resp, "no field");
		}
	}
	assert_true(rows > 40);	/* the whole table, not a sample */
}

static void bearer_needs_no_token_and_the_right_one_passes(void **state)
{
	(void)state;
	char head[1024], resp[8192];
	/* Bearer: no ambient credential, no CSRF; the handler runs (and validates the body) */
	snprintf(head, sizeof(head), "POST /api/v1/households HTTP/1.1\r\nAuthorization: Bearer %s\r\n"
		 "Content-Type: application/json\r\nContent-Length: 2", token);
	exchange(head, "{}", 2, resp, sizeof(resp));
	assert_memory_equal(resp, "HTTP/1.1 422", 12);
	/* the cookie with the session's token: the handler runs */
	snprintf(head, sizeof(head), "POST /api/v1/households HTTP/1.1\r\nCookie: anju_session=%s\r\n"
		 "X-CSRF-Token: %s\r\nContent-Type: application/json\r\nContent-Length: 2", token, csrf);
	exchange(head, "{}", 2, resp, sizeof(resp));
	assert_memory_equal(resp, "HTTP/1.1 422", 12);
	/* a page form with its field: past the dispatcher (the handler's own 404) */
	char form[64];
	snprintf(form, sizeof(form), "csrf=%s&x=1", csrf);
	snprintf(head, sizeof(head), "POST /households/999/edit HTTP/1.1\r\nCookie: anju_session=%s\r\n"
		 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu", token,
		 strlen(form));
	exchange(head, form, strlen(form), resp, sizeof(resp));
	assert_memory_equal(resp, "HTTP/1.1 404", 12);
}

/* The status of a GET as `who`. */
static void get_as(const char *who, const char *target, char *resp, size_t cap)
{
	char head[1024];
	snprintf(head, sizeof(head), "GET %s HTTP/1.1\r\nAuthorization: Bearer %s", target, who);
	exchange(head, "", 0, resp, cap);
}

/* A download is a row's rule (PERM_EXPORT, .export_formats), checked by dispatch: a role
 * without the export right reads the JSON and is refused the file. */
static void downloads_need_the_export_right(void **state)
{
	(void)state;
	char audit[128];
	snprintf(audit, sizeof(audit), "/api/v1/audit?entity=household&id=%lld", (long long)household);
	const char *const reads[] = {"/api/v1/worklists/zero_employment?limit=5",
		"/api/v1/reports/employment?table=county", audit, NULL};
	char resp[8192], target[256];
	for (int i = 0; reads[i]; i++) {
		get_as(volunteer, reads[i], resp, sizeof(resp));
		if (strncmp(resp, "HTTP/1.1 200", 12) != 0)
			fail_msg("%s: %.60s", reads[i], resp);
		snprintf(target, sizeof(target), "%s&format=json", reads[i]);
		get_as(volunteer, target, resp, sizeof(resp));
		assert_memory_equal(resp, "HTTP/1.1 200", 12);
		for (int f = 0; f < 2; f++) {
			snprintf(target, sizeof(target), "%s&format=%s", reads[i], f ? "xlsx" : "csv");
			get_as(volunteer, target, resp, sizeof(resp));
			if (strncmp(resp, "HTTP/1.1 403", 12) != 0 || !strstr(resp, "may not export records"))
				fail_msg("%s: a volunteer's download: %.600s", target, resp);
			get_as(token, target, resp, sizeof(resp));
			if (strncmp(resp, "HTTP/1.1 200", 12) != 0)
				fail_msg("%s: the admin's download: %.80s", target, resp);
		}
	}
	snprintf(target, sizeof(target), "/api/v1/households/%lld/bag", (long long)household);
	get_as(volunteer, target, resp, sizeof(resp));
	assert_true(strncmp(resp, "HTTP/1.1 403", 12) == 0 && strstr(resp, "may not export records"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_cookie_write_is_refused_by_dispatch),
		cmocka_unit_test(bearer_needs_no_token_and_the_right_one_passes),
		cmocka_unit_test(downloads_need_the_export_right),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
