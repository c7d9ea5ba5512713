/* Unit tests for web/routes.c pattern matching. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "domain/ledger.h"
#include "web/routes.h"

static void matches_literal_and_captures(void **state)
{
	int64_t ids[MAX_CAPTURES];
	int n;
	(void)state;
	assert_true(route_match("/api/v1/households", "/api/v1/households", ids, &n));
	assert_int_equal(n, 0);
	assert_true(route_match("/api/v1/households/{id}", "/api/v1/households/42", ids, &n));
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 42);
	assert_true(route_match("/api/v1/persons/{id}/move", "/api/v1/persons/7/move", ids, &n));
	assert_int_equal(ids[0], 7);
}

static void rejects_near_misses(void **state)
{
	int64_t ids[MAX_CAPTURES];
	int n;
	(void)state;
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/", ids, &n));
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/0", ids, &n));
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/012", ids, &n));
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/1x", ids, &n));
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/-1", ids, &n));
	assert_false(route_match("/api/v1/households/{id}", "/api/v1/households/../users", ids, &n));
	assert_false(route_match("/api/v1/households/{id}",
				 "/api/v1/households/1234567890123456789", ids, &n));
	assert_false(route_match("/api/v1/households", "/api/v1/households/", ids, &n));
	assert_false(route_match("/healthz", "/healthz/x", ids, &n));
}

/* The table's promise, row by row: every state-changing route with a session needs the
 * CSRF token; only public rows may be exempt; uploads check their target first. */
static void every_state_changing_row_is_protected(void **state)
{
	int writes = 0;
	(void)state;
	for (const struct route *r = routes_table(); r->method; r++) {
		if (route_changes_state(r->method) && r->perm != PERM_PUBLIC) {
			if (!route_needs_csrf(r))
				fail_msg("%s %s is not CSRF-checked", r->method, r->pattern);
			writes++;
		}
		if (r->csrf == CSRF_EXEMPT && r->perm != PERM_PUBLIC)
			fail_msg("%s %s: only public rows may be exempt", r->method, r->pattern);
		/* a public write has no session token to check: its row must say how it is
		 * protected instead (a new public POST cannot slip through by default) */
		if (route_changes_state(r->method) && r->perm == PERM_PUBLIC &&
		    r->csrf == CSRF_BY_METHOD)
			fail_msg("%s %s: a public write must name its CSRF rule", r->method,
				 r->pattern);
		if (r->upload && (!r->precheck || !route_changes_state(r->method)))
			fail_msg("%s %s: an upload without a precheck", r->method, r->pattern);
		assert_non_null(r->handler);
	}
	assert_true(writes > 40);
	assert_false(route_changes_state("GET"));
	assert_true(route_changes_state("PATCH"));
}

/* A form's GET row carries its POST row's perm, so who may not save a form is refused by
 * the dispatcher before it is drawn (no handler checks a role). The exception is a page
 * that lists for every reader and holds a form for those who may add. */
static void a_form_is_drawn_only_for_who_may_save_it(void **state)
{
	static const char *const lists_for_all[] = {"/employers", "/facilities", "/services",
		"/services/{id}", "/petitions", "/petitions/{id}", "/volunteers/{id}", "/evaluations",
		"/evaluations/{id}", "/activities", "/businesses", NULL};
	int forms = 0;
	(void)state;
	for (const struct route *get = routes_table(); get->method; get++) {
		if (!get->page || strcmp(get->method, "GET") != 0)
			continue;
		for (const struct route *post = routes_table(); post->method; post++) {
			if (!post->page || strcmp(post->method, "POST") != 0 ||
			    strcmp(post->pattern, get->pattern) != 0 || post->key_ok != get->key_ok)
				continue;
			bool listed = false;
			for (int i = 0; lists_for_all[i]; i++)
				listed |= strcmp(lists_for_all[i], get->pattern) == 0;
			if (!listed && get->perm != post->perm)
				fail_msg("GET %s is drawn for perm %d, saved for perm %d", get->pattern,
					 (int)get->perm, (int)post->perm);
			forms++;
		}
	}
	assert_true(forms >= 12);
}

/* Replaces "{id}" by 1 and "{key}" by `key` in `pattern`. */
static void concrete(const char *pattern, const char *key, char *out, size_t size)
{
	size_t n = 0;
	for (const char *p = pattern; *p && n + 32 < size;) {
		if (strncmp(p, "{id}", 4) == 0) {
			n += (size_t)snprintf(out + n, size - n, "1");
			p += 4;
		} else if (strncmp(p, "{key}", 5) == 0) {
			n += (size_t)snprintf(out + n, size - n, "%s", key);
			p += 5;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = 0;
}

/* A ledger's name never takes the place of a fixed path: the first row a path matches is
 * the route, so a ledger named "items" or "trail" would shadow (or be shadowed by) the
 * fixed row of the same method. */
static void no_ledger_name_is_a_fixed_path(void **state)
{
	int64_t ids[MAX_CAPTURES];
	int n, checked = 0;
	char path[256];
	(void)state;
	for (int i = 0; ledgers[i]; i++) {
		for (const struct route *r = routes_table(); r->method; r++) {
			if (!r->key_ok || !r->key_ok(ledgers[i]->name))
				continue;
			concrete(r->pattern, ledgers[i]->name, path, sizeof(path));
			for (const struct route *f = routes_table(); f->method; f++)
				if (!f->key_ok && strcmp(f->method, r->method) == 0 &&
				    route_match(f->pattern, path, ids, &n))
					fail_msg("ledger %s: %s %s is also %s", ledgers[i]->name,
						 r->method, path, f->pattern);
			checked++;
		}
	}
	assert_true(checked > 20);
	/* and the check can fail: a fixed row's last segment, as if a ledger were named so */
	concrete("/api/v1/households/{id}/{key}", "trail", path, sizeof(path));
	bool found = false;
	for (const struct route *f = routes_table(); f->method; f++)
		found |= !f->key_ok && strcmp(f->method, "GET") == 0 &&
			 route_match(f->pattern, path, ids, &n);
	assert_true(found);
}

/* The page rows of a ledger replaced whole answer only the ledgers that have such a form:
 * visits take an API PUT (it appends) but have no whole form, so no page row is theirs. */
static void whole_form_rows_answer_only_ledgers_with_a_form(void **state)
{
	(void)state;
	assert_false(api_ledger_key_household_put("visits"));	/* a PUT replaces: rows are POSTed */
	assert_true(api_ledger_key_household_put("plots"));
	assert_true(api_ledger_key_person_put("schooling"));
	assert_false(page_key_household_whole("visits"));
	assert_true(page_key_household_whole("plots"));
	assert_true(page_key_household_whole("steps"));
	assert_true(page_key_person_whole("schooling"));
	assert_true(page_key_person_whole("family-doctor"));
	assert_false(page_key_person_whole("jobs"));
	assert_false(page_key_person_whole("plots"));
}

/* A download is the row's rule: the handlers that answer files (export.c asserts the right,
 * it no longer checks it) sit on rows that say which formats are files, or on PERM_EXPORT. */
static void every_download_row_says_it_needs_the_export_right(void **state)
{
	(void)state;
	static const handler_fn by_format[] = {api_worklist, api_report_employment,
		api_report_employment_records, api_audit, page_audit_export, NULL};
	static const handler_fn always[] = {api_household_bag, api_household_dossier,
		api_household_label, NULL};
	int seen = 0;
	for (const struct route *r = routes_table(); r->method; r++) {
		for (int i = 0; by_format[i]; i++) {
			if (r->handler != by_format[i])
				continue;
			seen++;
			if (!r->export_formats)
				fail_msg("%s %s answers files by ?format= without .export_formats",
					 r->method, r->pattern);
			bool csv = false, xlsx = false;
			for (int k = 0; r->export_formats[k]; k++) {
				csv |= strcmp(r->export_formats[k], "csv") == 0;
				xlsx |= strcmp(r->export_formats[k], "xlsx") == 0;
			}
			assert_true(csv && xlsx);
		}
		for (int i = 0; always[i]; i++)
			if (r->handler == always[i] && ++seen && r->perm != PERM_EXPORT)
				fail_msg("%s %s answers a file without PERM_EXPORT", r->method, r->pattern);
	}
	assert_int_equal(seen, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_form_is_drawn_only_for_who_may_save_it),
		cmocka_unit_test(no_ledger_name_is_a_fixed_path),
		cmocka_unit_test(whole_form_rows_answer_only_ledgers_with_a_form),
		cmocka_unit_test(every_download_row_says_it_needs_the_export_right),
		cmocka_unit_test(every_state_changing_row_is_protected),
		cmocka_unit_test(matches_literal_and_captures),
		cmocka_unit_test(rejects_near_misses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
