/* Unit tests of the API's contract (web/openapi.json, as built into the program) against
 * the route table: every /api/v1 row of src/web/routes.c (method and path, a ledger's
 * {key} row once per ledger it answers, as src/domain/ledgers.c lists them) is an
 * operation of the document, every operation of the document is a row, and each says
 * the same about who may call it. A failure names each difference and what to do. */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "domain/ledger.h"
#include "web/api_openapi.h"
#include "web/routes.h"

#define API_PREFIX "/api/v1"

static const char *const methods[] = {"get", "put", "post", "delete", "options", "head",
				      "patch", "trace", NULL};
static const char *const perms[] = {[PERM_PUBLIC] = "public", [PERM_READ] = "read",
	[PERM_EDIT] = "edit", [PERM_ADMIN] = "admin", [PERM_ARCHIVE] = "archive",
	[PERM_REVIEW] = "review", [PERM_REVEAL] = "reveal", [PERM_EXPORT] = "export"};

static void lower(const char *in, char out[16])
{
	size_t i = 0;
	for (; in[i] && i < 15; i++)
		out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] + 32 : in[i]);
	out[i] = 0;
}

/* {"GET /api/v1/households": "edit", ...}: the table's /api/v1 rows, a {key} row expanded
 * once per ledger its key_ok test accepts. */
static json_t *table_operations(const struct route *table)
{
	json_t *ops = json_object();
	for (const struct route *r = table; r->method; r++) {
		if (strncmp(r->pattern, API_PREFIX, strlen(API_PREFIX)) != 0)
			continue;
		const char *key = strstr(r->pattern, "{key}");
		char m[16], name[512];
		lower(r->method, m);
		if (!key || !r->key_ok) {
			snprintf(name, sizeof(name), "%s %s", m, r->pattern);
			json_object_set_new(ops, name, json_string(perms[r->perm]));
			continue;
		}
		/* the names a {key} may stand for: every ledger's, and the import kinds the
		 * templates' row answers (households is no ledger) */
		const char *names[64];
		int n = 0;
		for (int i = 0; ledgers[i] && n < 60; i++)
			names[n++] = ledgers[i]->name;
		names[n++] = "households";
		for (int i = 0; i < n; i++)
			if (r->key_ok(names[i])) {
				snprintf(name, sizeof(name), "%s %.*s%s%s", m, (int)(key - r->pattern),
					 r->pattern, names[i], key + 5);
				if (!json_object_get(ops, name))	/* the first row that matches wins */
					json_object_set_new(ops, name, json_string(perms[r->perm]));
			}
	}
	return ops;
}

/* Every difference between the document and the table, one line each ("" when none). */
static char *coverage(const json_t *doc, const struct route *table)
{
	struct buf out = BUF_INIT;
	json_t *ops = table_operations(table);
	const char *name, *path;
	json_t *perm;
	const json_t *item;
	json_object_foreach(ops, name, perm) {
		char m[16];
		const char *sp = strchr(name, ' ');
		snprintf(m, sizeof(m), "%.*s", (int)(sp - name), name);
		const json_t *op = json_object_get(json_object_get(json_object_get(doc, "paths"),
								    sp + 1), m);
		const char *role = json_string_value(json_object_get(op, "x-anju-role"));
		if (!op)
			buf_printf(&out, "missing from web/openapi.json: %s (a route of src/web/routes.c):"
				   " add the operation under \"paths\" -> \"%s\" -> \"%s\"\n",
				   name, sp + 1, m);
		else if (!role || strcmp(role, json_string_value(perm)) != 0)
			buf_printf(&out, "%s: web/openapi.json says x-anju-role \"%s\", the route table"
				   " says %s\n", name, role ? role : "(none)", json_string_value(perm));
		else if (strcmp(role, "public") == 0 &&
			 json_array_size(json_object_get(op, "security")) != 0)
			buf_printf(&out, "%s: a public route whose operation asks for a session"
				   " (give it \"security\": [])\n", name);
	}
	json_object_foreach((json_t *)json_object_get(doc, "paths"), path, item)
		for (int i = 0; methods[i]; i++) {
			char key[600];
			snprintf(key, sizeof(key), "%s %s", methods[i], path);
			if (json_object_get(item, methods[i]) && !json_object_get(ops, key))
				buf_printf(&out, "in web/openapi.json but no route of src/web/routes.c"
					   " answers it: %s\n", key);
		}
	json_decref(ops);
	char *text = buf_detach(&out, NULL);
	assert_non_null(text);
	return text;
}

static void the_document_parses_as_openapi_3_1(void **state)
{
	(void)state;
	const json_t *doc = api_openapi_document();
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	assert_true(json_object_size(json_object_get(doc, "paths")) > 40);
	assert_non_null(api_openapi_text());
}

static void every_route_is_in_the_document_and_back(void **state)
{
	(void)state;
	char *problems = coverage(api_openapi_document(), routes_table());
	if (problems[0])
		fail_msg("the route table and the API's contract disagree (docs/architecture.md,"
			 " 'Adding a route'):\n%s", problems);
	free(problems);
}

/* The check can fail: a row the document lacks, an operation no row answers, a role that
 * differs, and a ledger's {key} row seen once per ledger. */
static void the_check_names_what_is_missing(void **state)
{
	(void)state;
	json_t *doc = json_deep_copy(api_openapi_document());
	json_t *paths = json_object_get(doc, "paths");
	json_object_del(paths, "/api/v1/sites");
	json_object_del(json_object_get(paths, "/api/v1/persons/{id}/jobs"), "post");
	json_object_set_new(paths, "/api/v1/nowhere", json_pack("{s:{s:s}}", "get", "summary", "x"));
	json_object_set_new(json_object_get(json_object_get(paths, "/api/v1/users"), "get"),
			    "x-anju-role", json_string("read"));
	char *problems = coverage(doc, routes_table());
	assert_non_null(strstr(problems, "missing from web/openapi.json: get /api/v1/sites "));
	assert_non_null(strstr(problems, "missing from web/openapi.json: post /api/v1/sites "));
	assert_non_null(strstr(problems, "missing from web/openapi.json: post /api/v1/persons/{id}/jobs "));
	assert_non_null(strstr(problems, "no route of src/web/routes.c answers it: get /api/v1/nowhere"));
	assert_non_null(strstr(problems, "get /api/v1/users: web/openapi.json says x-anju-role \"read\","
			       " the route table says admin"));
	free(problems);

	/* a new row, as a helper adding /api/v1/repairs would write it */
	static const struct route extra[] = {
		{.method = "POST", .pattern = "/api/v1/repairs", .perm = PERM_EDIT},
		{.method = NULL},
	};
	problems = coverage(api_openapi_document(), extra);
	assert_non_null(strstr(problems, "missing from web/openapi.json: post /api/v1/repairs (a route"
			       " of src/web/routes.c): add the operation under \"paths\" ->"
			       " \"/api/v1/repairs\" -> \"post\""));
	free(problems);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_document_parses_as_openapi_3_1),
		cmocka_unit_test(every_route_is_in_the_document_and_back),
		cmocka_unit_test(the_check_names_what_is_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
