/* business: the start-up register (致富大家干), its founders, support and figures. */
#include "domain/business.h"

#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/division.h"
#include "domain/household_guard.h"
#include "domain/ledger.h"
#include "domain/record.h"
#include "domain/tx.h"

const char *const business_kinds[] = {"retail", "catering", "handicraft", "farming", "services",
	"transport", "ecommerce", "workshop", "other", NULL};
const char *const business_statuses[] = {"operating", "suspended", "closed", NULL};
const char *const business_support_kinds[] = {"loan", "subsidy", "training", NULL};

#define IN_SCOPE "(? = '' OR (b.community_code >= ? AND b.community_code < ?))"
#define MAX_FOUNDERS 20

#define BUSINESS_NAMES "id community_code community_name name kind address founded_on status" \
	" employees jobs support_amount version created_at"
#define BUSINESS_KINDS "itttttttii" "iit"
#define BUSINESS_SQL "SELECT b.id, b.community_code, d.short_name, b.name, b.kind, b.address," \
	" b.founded_on, b.status, b.employees, (SELECT count(*) FROM jobs j WHERE" \
	" j.business_id = b.id AND (j.end_date IS NULL OR j.end_date >= ?)), (SELECT coalesce(sum(s.amount), 0) FROM business_support s WHERE" \
	" s.business_id = b.id), b.version, b.created_at FROM businesses b" \
	" JOIN divisions d ON d.code = b.community_code"

/* Adds "founders", the founders' names joined by 、, to each row of an id-ordered page:
 * one query for the page. false on a storage error. */
static bool founder_names(struct ctx *cx, json_t *rows)
{
	size_t n = json_array_size(rows);
	if (!n)
		return true;
	int64_t first = json_integer_value(json_object_get(json_array_get(rows, 0), "id"));
	int64_t last = json_integer_value(json_object_get(json_array_get(rows, n - 1), "id"));
	if (first > last) {
		int64_t t = first;
		first = last;
		last = t;
	}
	json_t *names = json_object();
	struct store_rows *r = store_query(cx->db, "SELECT f.business_id, p.name FROM"
		" business_founders f JOIN persons p ON p.id = f.person_id WHERE f.business_id >= ?"
		" AND f.business_id <= ? ORDER BY f.business_id, p.id", "ii", first, last);
	while (r && store_next(r)) {
		const char *key = arena_printf(cx->arena, "%lld", (long long)store_int(r, 0));
		const char *had = json_string_value(json_object_get(names, key));
		json_object_set_new(names, key, json_string(had ? arena_printf(cx->arena, "%s、%s",
			had, store_text(r, 1)) : store_text(r, 1)));
	}
	bool ok = r && store_finish(r) == STORE_OK;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		json_t *v = json_object_get(names, arena_printf(cx->arena, "%lld", (long long)
			json_integer_value(json_object_get(row, "id"))));
		json_object_set_new(row, "founders", v ? json_incref(v) : json_string(""));
	}
	json_decref(names);
	return ok;
}

static json_t *business_load(struct ctx *cx, int64_t id)
{
	char lo[16], hi[17], today[11];
	actor_scope_range(cx->actor, lo, hi);
	date_format(cx->today, today);
	json_t *rows = ledger_rows(cx, BUSINESS_NAMES, BUSINESS_KINDS, BUSINESS_SQL
		" WHERE b.id = ? AND " IN_SCOPE, "tittt", today, id, lo, lo, hi);
	if (rows && !founder_names(cx, rows)) {
		json_decref(rows);
		return NULL;
	}
	json_t *r = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!r)
		return NULL;
	json_t *founders = ledger_rows(cx, "person_id name household_id household_number", "itit",
		"SELECT p.id, p.name, h.id, h.number FROM business_founders f JOIN persons p ON"
		" p.id = f.person_id JOIN households h ON h.id = p.household_id WHERE"
		" f.business_id = ? ORDER BY p.id", "i", id);
	json_t *support = ledger_rows(cx, "id kind amount granted_on source", "ititt", "SELECT id,"
		" kind, amount, granted_on, source FROM business_support WHERE business_id = ?"
		" ORDER BY granted_on, id", "i", id);
	json_t *jobs = ledger_rows(cx, "id person_id name type start_date end_date", "iittt" "t",
		"SELECT j.id, j.person_id, p.name, j.type, j.start_date, j.end_date FROM jobs j JOIN"
		" persons p ON p.id = j.person_id WHERE j.business_id = ? ORDER BY j.start_date, j.id",
		"i", id);
	if (!founders || !support || !jobs) {
		json_decref(founders);
		json_decref(support);
		json_decref(jobs);
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "founder_list", founders);
	json_object_set_new(r, "support", support);
	json_object_set_new(r, "job_list", jobs);
	return r;
}

void business_etag(json_t *business, char out[48])
{
	record_etag('b', business, out);
}

enum outcome business_get(struct ctx *cx, int64_t id, json_t **out)
{
	return record_get(cx, business_load, "business", id, out);
}

/* The founders of the body: each a person within the scope (else OUT_NOT_FOUND), at least
 * one, none twice; their ids in ids[], the first one's destination in dest. */
static enum outcome founders_of(struct ctx *cx, json_t *body, int64_t *ids, size_t *n,
				char dest[16])
{
	json_t *list = json_object_get(body, "founders"), *v;
	size_t i;
	*n = 0;
	if (!list || json_is_null(list) || (json_is_array(list) && json_array_size(list) == 0)) {
		verrors_add(cx->errs, "founders", "business_needs_founder");
		return OUT_OK;
	}
	if (!json_is_array(list) || json_array_size(list) > MAX_FOUNDERS) {
		verrors_add(cx->errs, "founders", json_is_array(list) ? "too_many" : "type_array");
		return OUT_OK;
	}
	json_array_foreach(list, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			verrors_addf(cx->errs, "founders", arena_printf(cx->arena, "%zu", i),
				     "type_integer");
			continue;
		}
		int64_t id = json_integer_value(v), hh = 0;
		for (size_t k = 0; k < *n; k++)
			if (ids[k] == id)
				verrors_add(cx->errs, "founders", "duplicate_founder");
		char d[16];
		enum outcome res = household_guard_requester(cx, id, 0, &hh, d);
		if (res != OUT_OK)	/* outside the scope, the person does not exist */
			return res;
		if (*n == 0)
			snprintf(dest, 16, "%s", d);
		ids[(*n)++] = id;
	}
	return OUT_OK;
}

enum outcome business_create(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"name", "kind", "community", "address", "founded_on",
		"founders", "status", "employees", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	jx_only(body, allowed, "", cx->errs);
	const char *name = jx_string(body, "name", "", true, 100, cx->errs);
	const char *kind = jx_enum(body, "kind", "", true, business_kinds, cx->errs);
	const char *community = jx_code(body, "community", "", false, 12, cx->errs);
	const char *address = jx_string(body, "address", "", false, 100, cx->errs);
	const char *founded = ledger_date(cx, body, "founded_on", "", true, DATE_PAST);
	const char *status = jx_enum(body, "status", "", false, business_statuses, cx->errs);
	int64_t employees = 0;
	jx_int(body, "employees", "", false, 0, 100000, &employees, cx->errs);
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	int64_t founders[MAX_FOUNDERS];
	size_t nf = 0;
	char dest[16] = "";
	res = founders_of(cx, body, founders, &nf, dest);
	if (res != OUT_OK)
		return tx_end(cx->db, res, STORE_OK);
	const char *place = community ? community : *dest ? dest
		: strlen(cx->actor->scope) == 12 ? cx->actor->scope : NULL;
	int rc = STORE_OK;
	if (!place && !cx->errs->n)
		verrors_add(cx->errs, "community", "required");
	else if (place && !actor_covers(cx->actor, place))
		verrors_add(cx->errs, "community", "out_of_scope");
	else if (place && !division_exists(cx->db, place, 5))
		verrors_add(cx->errs, "community", "unknown_division");
	else if (place && name && store_one_int(cx->db, &rc, "SELECT count(*) FROM businesses WHERE"
			" community_code = ? AND name = ?", "tt", place, name) > 0)
		verrors_add(cx->errs, "name", "business_name_taken");
	if (cx->errs->n || rc != STORE_OK)
		return tx_end(cx->db, OUT_INVALID, rc);
	char now[21];
	audit_now(now);
	rc = store_exec(cx->db, "INSERT INTO businesses(community_code, name, kind, address,"
		" founded_on, status, employees, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		"tttttt" "it", place, name, kind, address, founded, status ? status : "operating",
		employees, now);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	for (size_t k = 0; rc == STORE_OK && k < nf; k++)
		rc = store_exec(cx->db, "INSERT INTO business_founders(business_id, person_id)"
				" VALUES (?, ?)", "ii", id, founders[k]);
	if (rc == STORE_OK) {
		*out = business_load(cx, id);
		rc = *out ? audit_write(cx, "create", "business", id, NULL, *out) : STORE_ERROR;
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

static enum outcome business_writable(struct ctx *cx, json_t *record)
{
	(void)record;
	return role_can_edit_registry(cx->actor->role) ? OUT_OK : OUT_FORBIDDEN;
}

enum outcome business_patch(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			    json_t **out)
{
	static const char *const allowed[] = {"name", "address", "status", "employees", NULL};
	static const struct tx_record kind = {.load = business_load, .etag = business_etag,
					       .writable = business_writable};
	json_t *before = NULL;
	*out = NULL;
	enum outcome res = tx_begin_change(cx, &kind, id, if_match, body, &before);
	if (res != OUT_OK)
		return res;
	jx_only(body, allowed, "", cx->errs);
	const char *name = jx_string(body, "name", "", false, 100, cx->errs);
	const char *address = jx_string(body, "address", "", false, 100, cx->errs);
	const char *status = jx_enum(body, "status", "", false, business_statuses, cx->errs);
	int64_t employees = 0;
	bool has_employees = jx_int(body, "employees", "", false, 0, 100000, &employees, cx->errs);
	static const char *const not_null[] = {"name", "status", "employees", NULL};
	for (int k = 0; not_null[k]; k++)
		if (json_is_null(json_object_get(body, not_null[k])))
			verrors_add(cx->errs, not_null[k], "required");
	int rc = STORE_OK;
	if (name && store_one_int(cx->db, &rc, "SELECT count(*) FROM businesses WHERE"
			" community_code = ? AND name = ? AND id <> ?", "tti",
			json_string_value(json_object_get(before, "community_code")), name, id) > 0)
		verrors_add(cx->errs, "name", "business_name_taken");
	if (cx->errs->n || rc != STORE_OK) {
		json_decref(before);
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	rc = store_exec(cx->db, "UPDATE businesses SET"
		" name = CASE WHEN ? THEN ? ELSE name END,"
		" address = CASE WHEN ? THEN ? ELSE address END,"
		" status = CASE WHEN ? THEN ? ELSE status END,"
		" employees = CASE WHEN ? THEN ? ELSE employees END,"
		" version = version + 1 WHERE id = ?", "it" "it" "it" "ii" "i",
		(int64_t)(name != NULL), name, tx_given(body, "address"), address,
		(int64_t)(status != NULL), status, (int64_t)has_employees, employees, id);
	if (rc == STORE_OK) {
		*out = business_load(cx, id);
		rc = *out ? audit_write(cx, "update", "business", id, before, *out) : STORE_ERROR;
	}
	res = tx_end_change(cx, OUT_OK, rc, before, out);	/* the same again: nothing kept */
	json_decref(before);
	return res;
}

enum outcome business_add_support(struct ctx *cx, int64_t id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"kind", "amount", "granted_on", "source", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	json_t *before = business_load(cx, id);
	if (!before)
		return tx_end(cx->db, OUT_NOT_FOUND, store_failed_in_tx(cx->db) ? STORE_ERROR : STORE_OK);
	jx_only(body, allowed, "", cx->errs);
	const char *kind = jx_enum(body, "kind", "", true, business_support_kinds, cx->errs);
	int64_t amount = 0;
	jx_int(body, "amount", "", true, 0, 100000000, &amount, cx->errs);
	const char *granted = ledger_date(cx, body, "granted_on", "", true, DATE_PAST);
	const char *source = jx_string(body, "source", "", true, 100, cx->errs);
	const char *founded = json_string_value(json_object_get(before, "founded_on"));
	if (granted && founded && strcmp(granted, founded) < 0)
		verrors_add(cx->errs, "granted_on", DATE_ORDER);
	if (cx->errs->n) {
		json_decref(before);
		return tx_end(cx->db, OUT_INVALID, STORE_OK);
	}
	char now[21];
	audit_now(now);
	int rc = store_exec(cx->db, "INSERT INTO business_support(business_id, kind, amount,"
			    " granted_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?)", "itittt",
			    id, kind, amount, granted, source, now);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "UPDATE businesses SET version = version + 1 WHERE id = ?",
				"i", id);
	if (rc == STORE_OK) {
		*out = business_load(cx, id);
		rc = *out ? audit_write(cx, "update", "business", id, before, *out) : STORE_ERROR;
	}
	res = tx_end_change(cx, OUT_OK, rc, before, out);	/* the same again: nothing kept */
	json_decref(before);
	return res;
}

enum outcome business_list(struct ctx *cx, const struct business_filter *f, json_t **out)
{
	char lo[16], hi[17], plo[16] = "", phi[17] = "", today[11];
	actor_scope_range(cx->actor, lo, hi);
	date_format(cx->today, today);
	*out = NULL;
	if (f->community && *f->community) {
		snprintf(plo, sizeof(plo), "%s", f->community);
		snprintf(phi, sizeof(phi), "%s:", f->community);
	}
	json_t *rows = ledger_rows(cx, BUSINESS_NAMES, BUSINESS_KINDS, BUSINESS_SQL
		" WHERE " IN_SCOPE " AND (? = '' OR (b.community_code >= ? AND b.community_code < ?))"
		" AND (? IS NULL OR b.kind = ?) AND (? IS NULL OR b.status = ?) AND (? = 0 OR b.id IN"
		" (SELECT f.business_id FROM business_founders f WHERE f.person_id = ?))"
		" AND b.id > ? ORDER BY b.id LIMIT ?", "t" "ttt" "ttt" "tt" "tt" "ii" "ii", today,
		lo, lo, hi, plo, plo, phi, f->kind, f->kind, f->status, f->status, f->person_id,
		f->person_id, f->after, (int64_t)f->limit + 1);
	if (!rows || !founder_names(cx, rows)) {
		json_decref(rows);
		return OUT_INTERNAL;
	}
	return record_page(cx, rows, f->limit, "id", out);
}

/* ---------------------------------------------------------------- figures */

static const char *const figure_keys[] = {"businesses", "operating", "founders", "employees",
	"jobs", "support", "support_amount", NULL};
enum { F_BUSINESSES, F_OPERATING, F_FOUNDERS, F_EMPLOYEES, F_JOBS, F_SUPPORT, F_AMOUNT, F_COUNT };

static json_t *figure_json(const int64_t *g, const char *key)
{
	json_t *row = json_object();
	for (int i = 0; i < F_COUNT; i++)
		json_object_set_new(row, figure_keys[i], json_integer(g[i]));
	if (key)
		json_object_set_new(row, "key", json_string(key));
	return row;
}

enum outcome business_figures(struct ctx *cx, const char *community, json_t **out)
{
	char lo[16], hi[17], plo[16] = "", phi[17] = "", today[11];
	actor_scope_range(cx->actor, lo, hi);
	date_format(cx->today, today);
	*out = NULL;
	if (community && *community) {
		snprintf(plo, sizeof(plo), "%s", community);
		snprintf(phi, sizeof(phi), "%s:", community);
	}
	enum { NKIND = sizeof(business_kinds) / sizeof(business_kinds[0]) - 1 };
	int64_t all[F_COUNT] = {0}, by_kind[NKIND][F_COUNT];
	memset(by_kind, 0, sizeof(by_kind));
	struct store_rows *r = store_query(cx->db, "SELECT b.kind, b.status, b.employees,"
		" (SELECT count(*) FROM business_founders f WHERE f.business_id = b.id),"
		" (SELECT count(*) FROM jobs j WHERE j.business_id = b.id AND (j.end_date IS NULL OR"
		" j.end_date >= ?)), (SELECT count(*) FROM business_support s WHERE s.business_id ="
		" b.id), (SELECT coalesce(sum(s.amount), 0) FROM business_support s WHERE"
		" s.business_id = b.id) FROM businesses b WHERE " IN_SCOPE
		" AND (? = '' OR (b.community_code >= ? AND b.community_code < ?))", "t" "ttt" "ttt",
		today, lo, lo, hi, plo, plo, phi);
	while (r && store_next(r)) {
		int64_t v[F_COUNT] = {1, strcmp(store_text(r, 1), "operating") == 0, store_int(r, 3),
			store_int(r, 2), store_int(r, 4), store_int(r, 5), store_int(r, 6)};
		int k = 0;
		while (k < NKIND && strcmp(business_kinds[k], store_text(r, 0)) != 0)
			k++;
		for (int i = 0; i < F_COUNT; i++) {
			all[i] += v[i];
			if (k < NKIND)
				by_kind[k][i] += v[i];
		}
	}
	if (!r || store_finish(r) != STORE_OK)
		return OUT_INTERNAL;
	int rc = STORE_OK;
	int64_t home = store_one_int(cx->db, &rc, "SELECT count(*) FROM jobs j JOIN persons p ON"
		" p.id = j.person_id JOIN households h ON h.id = p.household_id WHERE j.type = 'home'"
		" AND j.start_date <= ? AND (j.end_date IS NULL OR j.end_date >= ?) AND " SCOPE_SQL
		" AND (? = '' OR (h.dest_community >= ? AND h.dest_community < ?))",
		"tt" SCOPE_TYPES "ttt", today, today, SCOPE_ARGS(lo, hi), plo, plo, phi);
	if (rc != STORE_OK)
		return OUT_INTERNAL;
	json_t *kinds = json_array();
	for (int k = 0; k < NKIND; k++)
		if (by_kind[k][F_BUSINESSES])
			json_array_append_new(kinds, figure_json(by_kind[k], business_kinds[k]));
	*out = json_pack("{s:o, s:o, s:I}", "totals", figure_json(all, NULL), "by_kind", kinds,
			 "home_jobs", (json_int_t)home);
	return OUT_OK;
}
