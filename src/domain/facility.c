/* facility: the facilities of a community and the windows of its service centres. */
#include "domain/facility.h"

#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/division.h"
#include "domain/ledger.h"
#include "domain/record.h"
#include "domain/tx.h"

const char *const facility_statuses[] = {"open", "planned", "closed", NULL};

#define FACILITY_NAMES "id community_code community_name kind name address area_m2" \
	" opening_hours contact status window_count version"
#define FACILITY_KINDS "itttttittti" "i"
#define FACILITY_COLS "f.id, f.community_code, d.short_name, f.kind, f.name, f.address," \
	" f.area_m2, f.opening_hours, f.contact, f.status," \
	" (SELECT count(*) FROM service_windows w WHERE w.facility_id = f.id), f.version" \
	" FROM facilities f JOIN divisions d ON d.code = f.community_code"

/* The range [lo, hi) of communities a filter and the actor's scope both allow: the longer
 * of two codes when one starts with the other; false when they do not meet. */
static bool filter_range(const struct actor *a, const char *community, char lo[16], char hi[17])
{
	actor_scope_range(a, lo, hi);
	if (!community || !*community)
		return true;
	size_t ls = strlen(lo), lc = strlen(community);
	if (lc <= ls)
		return strncmp(lo, community, lc) == 0;
	if (strncmp(community, lo, ls) != 0 || lc > 12)
		return false;
	memcpy(lo, community, lc + 1);
	memcpy(hi, community, lc);
	hi[lc] = ':';
	hi[lc + 1] = '\0';
	return true;
}

static bool kind_exists(struct ctx *cx, const char *kind, bool *windows, int *rc)
{
	struct store_rows *r = store_query(cx->db, "SELECT has_windows FROM facility_kinds"
					   " WHERE code = ?", "t", kind);
	bool found = store_next(r);
	if (found && windows)
		*windows = store_int(r, 0) != 0;
	*rc = store_finish(r);
	return found;
}

enum outcome facility_kinds_list(struct ctx *cx, json_t **out)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	json_t *rows = ledger_rows(cx, "code name_zh name_en has_windows facilities", "tttbi",
		"SELECT k.code, k.name_zh, k.name_en, k.has_windows, (SELECT count(*) FROM facilities f"
		"   WHERE f.kind = k.code AND (? = '' OR (f.community_code >= ? AND f.community_code < ?)))"
		" FROM facility_kinds k ORDER BY k.sort, k.code", "ttt", lo, lo, hi);
	return ledger_items(rows, out);
}

enum outcome facility_kind_put(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"code", "name_zh", "name_en", "has_windows", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_is_admin(cx->actor->role))
		return OUT_FORBIDDEN;
	jx_only(body, allowed, "", cx->errs);
	const char *code = jx_string(body, "code", "", true, 40, cx->errs);
	const char *zh = jx_string(body, "name_zh", "", true, 40, cx->errs);
	const char *en = jx_string(body, "name_en", "", true, 80, cx->errs);
	bool windows = false;
	jx_bool(body, "has_windows", "", false, &windows, cx->errs);
	for (const char *p = code; p && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
			verrors_add(cx->errs, "code", "code_format");
			break;
		}
	if (cx->errs->n)
		return OUT_INVALID;
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	int rc;
	json_t *before = NULL;
	bool known = kind_exists(cx, code, NULL, &rc);
	if (known) {
		json_t *rows = ledger_rows(cx, "code name_zh name_en has_windows", "tttb",
			"SELECT code, name_zh, name_en, has_windows FROM facility_kinds WHERE code = ?",
			"t", code);
		before = json_incref(json_array_get(rows, 0));
		json_decref(rows);
	}
	if (rc == STORE_OK)
		rc = known ? store_exec(cx->db, "UPDATE facility_kinds SET name_zh = ?, name_en = ?,"
					" has_windows = ? WHERE code = ?", "ttit", zh, en,
					(int64_t)windows, code)
			: store_exec(cx->db, "INSERT INTO facility_kinds(code, name_zh, name_en,"
				     " has_windows, sort) VALUES (?, ?, ?, ?, (SELECT coalesce(max(sort), 0)"
				     " + 10 FROM facility_kinds))", "ttti", code, zh, en, (int64_t)windows);
	if (rc == STORE_OK) {
		*out = json_pack("{s:s, s:s, s:s, s:b}", "code", code, "name_zh", zh, "name_en", en,
				 "has_windows", windows);
		rc = audit_write(cx, known ? "update" : "create", "facility_kind", 0, before, *out);
	}
	json_decref(before);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

enum outcome facility_departments(struct ctx *cx, json_t **out)
{
	return ledger_items(ledger_rows(cx, "code name_zh name_en", "ttt",
		"SELECT code, name_zh, name_en FROM departments ORDER BY sort, code", NULL), out);
}

enum outcome facility_list(struct ctx *cx, const struct facility_filter *f, json_t **out)
{
	char lo[16], hi[17];
	int rc = STORE_OK;
	*out = NULL;
	if (f->kind && !kind_exists(cx, f->kind, NULL, &rc) && rc == STORE_OK) {
		verrors_add(cx->errs, "kind", "unknown_value");
		return OUT_INVALID;
	}
	if (rc != STORE_OK)
		return OUT_INTERNAL;
	json_t *rows;
	if (!filter_range(cx->actor, f->community, lo, hi))
		rows = json_array();
	else
		rows = ledger_rows(cx, FACILITY_NAMES, FACILITY_KINDS, "SELECT " FACILITY_COLS
			" WHERE (? = '' OR (f.community_code >= ? AND f.community_code < ?))"
			" AND (? IS NULL OR f.kind = ?) AND f.id > ? ORDER BY f.id LIMIT ?",
			"tttttii", lo, lo, hi, f->kind, f->kind, f->after, (int64_t)f->limit + 1);
	return record_page(cx, rows, f->limit, "id", out);
}

/* One facility within the scope, with its windows; NULL when there is none. */
static json_t *facility_load(struct ctx *cx, int64_t id)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	json_t *rows = ledger_rows(cx, FACILITY_NAMES, FACILITY_KINDS, "SELECT " FACILITY_COLS
		" WHERE f.id = ? AND (? = '' OR (f.community_code >= ? AND f.community_code < ?))",
		"ittt", id, lo, lo, hi);
	json_t *f = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!f)
		return NULL;
	json_t *windows = ledger_rows(cx, "id name", "it", "SELECT id, name FROM service_windows"
				      " WHERE facility_id = ? ORDER BY id", "i", id);
	json_t *deps = ledger_rows(cx, "window_id department", "it", "SELECT wd.window_id,"
		" wd.department FROM window_departments wd JOIN service_windows w ON w.id = wd.window_id"
		" JOIN departments d ON d.code = wd.department WHERE w.facility_id = ?"
		" ORDER BY wd.window_id, d.sort", "i", id);
	if (!windows || !deps) {
		json_decref(windows);
		json_decref(deps);
		json_decref(f);
		return NULL;
	}
	size_t i, j;
	json_t *w, *d;
	json_array_foreach(windows, i, w) {
		json_t *list = json_array();
		json_array_foreach(deps, j, d)
			if (json_integer_value(json_object_get(d, "window_id")) ==
			    json_integer_value(json_object_get(w, "id")))
				json_array_append(list, json_object_get(d, "department"));
		json_object_set_new(w, "departments", list);
	}
	json_decref(deps);
	json_object_set_new(f, "windows", windows);
	return f;
}

enum outcome facility_get(struct ctx *cx, int64_t id, json_t **out)
{
	return record_get(cx, facility_load, "facility", id, out);
}

enum outcome facility_create(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"community_code", "kind", "name", "address",
		"area_m2", "opening_hours", "contact", "status", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	const char *code = jx_code(body, "community_code", "", true, 12, cx->errs);
	const char *kind = jx_string(body, "kind", "", true, 40, cx->errs);
	const char *name = jx_string(body, "name", "", true, 60, cx->errs);
	const char *address = jx_string(body, "address", "", false, 100, cx->errs);
	const char *hours = jx_string(body, "opening_hours", "", false, 60, cx->errs);
	const char *contact = jx_name(body, "contact", "", false, 30, cx->errs);
	const char *status = jx_enum(body, "status", "", false, facility_statuses, cx->errs);
	int64_t area = 0;
	bool has_area = jx_int(body, "area_m2", "", false, 1, 1000000, &area, cx->errs);
	if (code && !actor_covers(cx->actor, code))
		verrors_add(cx->errs, "community_code", "out_of_scope");
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	int rc = STORE_OK;
	if (code && actor_covers(cx->actor, code) && !division_exists(cx->db, code, 5))
		verrors_add(cx->errs, "community_code", "unknown_division");
	if (kind && !kind_exists(cx, kind, NULL, &rc) && rc == STORE_OK)
		verrors_add(cx->errs, "kind", "unknown_value");
	if (cx->errs->n || rc != STORE_OK)
		return tx_end(cx->db, OUT_INVALID, rc);
	if (store_one_int(cx->db, &rc, "SELECT count(*) FROM facilities WHERE community_code = ?"
			  " AND name = ?", "tt", code, name) > 0) {
		verrors_add(cx->errs, "name", "facility_name_taken");
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	char now[21];
	audit_now(now);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO facilities(community_code, kind, name, address,"
			" area_m2, opening_hours, contact, status, created_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "ttttnttt" "t", code, kind, name, address,
			has_area ? &area : NULL, hours, contact, status ? status : "open", now);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	if (rc == STORE_OK) {
		*out = facility_load(cx, id);
		rc = *out ? audit_write(cx, "create", "facility", id, NULL, *out) : STORE_ERROR;
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

void facility_etag(json_t *facility, char out[48])
{
	record_etag('f', facility, out);
}

static enum outcome facility_writable(struct ctx *cx, json_t *record)
{
	(void)record;
	return role_can_edit_registry(cx->actor->role) ? OUT_OK : OUT_FORBIDDEN;
}

enum outcome facility_patch(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			    json_t **out)
{
	static const char *const allowed[] = {"name", "address", "area_m2", "opening_hours",
		"contact", "status", NULL};
	static const struct tx_record kind = {.load = facility_load, .etag = facility_etag,
					       .writable = facility_writable};
	json_t *before = NULL;
	*out = NULL;
	enum outcome res = tx_begin_change(cx, &kind, id, if_match, body, &before);
	if (res != OUT_OK)
		return res;
	jx_only(body, allowed, "", cx->errs);
	const char *name = jx_string(body, "name", "", false, 60, cx->errs);
	const char *address = jx_string(body, "address", "", false, 100, cx->errs);
	const char *hours = jx_string(body, "opening_hours", "", false, 60, cx->errs);
	const char *contact = jx_name(body, "contact", "", false, 30, cx->errs);
	const char *status = jx_enum(body, "status", "", false, facility_statuses, cx->errs);
	int64_t area = 0;
	bool has_area = jx_int(body, "area_m2", "", false, 1, 1000000, &area, cx->errs);
	if (jx_has(body, "name") && !name && json_is_null(json_object_get(body, "name")))
		verrors_add(cx->errs, "name", "required");
	if (jx_has(body, "status") && !status && json_is_null(json_object_get(body, "status")))
		verrors_add(cx->errs, "status", "required");
	int rc = STORE_OK;
	if (name && store_one_int(cx->db, &rc, "SELECT count(*) FROM facilities WHERE"
			" community_code = ? AND name = ? AND id <> ?", "tti",
			json_string_value(json_object_get(before, "community_code")), name, id) > 0)
		verrors_add(cx->errs, "name", "facility_name_taken");
	if (cx->errs->n || rc != STORE_OK) {
		json_decref(before);
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	rc = store_exec(cx->db, "UPDATE facilities SET"
		" name = CASE WHEN ? THEN ? ELSE name END,"
		" address = CASE WHEN ? THEN ? ELSE address END,"
		" area_m2 = CASE WHEN ? THEN ? ELSE area_m2 END,"
		" opening_hours = CASE WHEN ? THEN ? ELSE opening_hours END,"
		" contact = CASE WHEN ? THEN ? ELSE contact END,"
		" status = CASE WHEN ? THEN ? ELSE status END,"
		" version = version + 1 WHERE id = ?",
		"it" "it" "in" "it" "it" "it" "i",
		(int64_t)(name != NULL), name, tx_given(body, "address"), address,
		tx_given(body, "area_m2"), has_area ? &area : NULL, tx_given(body, "opening_hours"),
		hours, tx_given(body, "contact"), contact, (int64_t)(status != NULL), status, id);
	if (rc == STORE_OK) {
		*out = facility_load(cx, id);
		rc = *out ? audit_write(cx, "update", "facility", id, before, *out) : STORE_ERROR;
	}
	res = tx_end_change(cx, OUT_OK, rc, before, out);	/* the same again: nothing kept */
	json_decref(before);
	return res;
}

enum outcome facility_add_window(struct ctx *cx, int64_t facility_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"name", "departments", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	const char *name = jx_string(body, "name", "", true, 40, cx->errs);
	json_t *deps = json_object_get(body, "departments");
	if (!json_is_array(deps) || json_array_size(deps) == 0 || json_array_size(deps) > 12)
		verrors_add(cx->errs, "departments", json_is_array(deps) || !deps || json_is_null(deps)
			    ? "required" : "type_array");
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	json_t *f = facility_load(cx, facility_id);
	if (!f)
		return tx_end(cx->db, OUT_NOT_FOUND, STORE_OK);
	int rc = STORE_OK;
	bool windows = false;
	kind_exists(cx, json_string_value(json_object_get(f, "kind")), &windows, &rc);
	json_decref(f);
	if (rc == STORE_OK && !windows)
		verrors_add(cx->errs, "name", "facility_has_no_windows");
	size_t i;
	json_t *d;
	if (json_is_array(deps) && json_array_size(deps) <= 12)
		json_array_foreach(deps, i, d) {
			const char *field = arena_printf(cx->arena, "departments[%zu]", i);
			if (!json_is_string(d) || store_one_int(cx->db, &rc, "SELECT count(*) FROM"
					" departments WHERE code = ?", "t", json_string_value(d)) == 0)
				verrors_add(cx->errs, field, "unknown_value");
		}
	if (cx->errs->n || rc != STORE_OK)
		return tx_end(cx->db, OUT_INVALID, rc);
	if (store_one_int(cx->db, &rc, "SELECT count(*) FROM service_windows WHERE facility_id = ?"
			  " AND name = ?", "it", facility_id, name) > 0) {
		verrors_add(cx->errs, "name", "window_name_taken");
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	char now[21];
	audit_now(now);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO service_windows(facility_id, name, created_at)"
				" VALUES (?, ?, ?)", "itt", facility_id, name, now);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	json_array_foreach(deps, i, d)
		if (rc == STORE_OK && store_one_int(cx->db, &rc, "SELECT count(*) FROM window_departments"
				" WHERE window_id = ? AND department = ?", "it", id, json_string_value(d)) == 0
		    && rc == STORE_OK)
			rc = store_exec(cx->db, "INSERT INTO window_departments(window_id, department)"
					" VALUES (?, ?)", "it", id, json_string_value(d));
	if (rc == STORE_OK) {
		*out = json_pack("{s:I, s:I, s:s, s:O}", "id", (json_int_t)id, "facility_id",
				 (json_int_t)facility_id, "name", name, "departments", deps);
		rc = audit_write(cx, "create", "service_window", id, NULL, *out);
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

json_t *facility_window_options(struct ctx *cx)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	return ledger_rows(cx, "id name facility", "itt", "SELECT w.id, w.name, f.name"
		" FROM service_windows w JOIN facilities f ON f.id = w.facility_id"
		" WHERE (? = '' OR (f.community_code >= ? AND f.community_code < ?))"
		" ORDER BY f.community_code, f.id, w.id LIMIT 500", "ttt", lo, lo, hi);
}

int64_t facility_count_open(struct ctx *cx, const char *kind, const char *lo, const char *hi)
{
	int rc;
	int64_t n = store_one_int(cx->db, &rc, "SELECT count(*) FROM facilities f WHERE f.kind = ?"
		" AND f.status = 'open' AND (? = '' OR (f.community_code >= ? AND f.community_code < ?))",
		"tttt", kind, lo, lo, hi);
	return rc == STORE_OK ? n : -1;
}
