/* hall: the two halls, their sections, exhibits and visits, and the visitors' figures. */
#include "domain/hall.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/jsonx.h"
#include "core/sniff.h"
#include "domain/audit.h"
#include "domain/household_guard.h"
#include "domain/ledger.h"
#include "domain/record.h"
#include "domain/privacy.h"
#include "domain/tx.h"

const char *const hall_kinds[] = {"homesickness_hall", "experience_hall", NULL};
const char *const hall_exhibit_kinds[] = {"picture", "object", "audio", "video", NULL};

/* The halls within the scope: facilities f (with divisions d) of a hall kind whose
 * community is in [lo, hi); parameters "ttttt" lo, lo, hi, hall_kinds[0], hall_kinds[1]. */
#define HALL_FROM " FROM facilities f JOIN divisions d ON d.code = f.community_code" \
	" WHERE (? = '' OR (f.community_code >= ? AND f.community_code < ?))" \
	" AND f.kind IN (?, ?)"
#define HALL_SCOPE_TYPES "ttttt"
#define HALL_SCOPE_ARGS(lo, hi) (lo), (lo), (hi), hall_kinds[0], hall_kinds[1]
#define HALL_NAMES "id community_code community_name kind name address area_m2" \
	" opening_hours status"
#define HALL_KINDS "itttttitt"
#define HALL_COLS "f.id, f.community_code, d.short_name, f.kind, f.name, f.address," \
	" f.area_m2, f.opening_hours, f.status"

#define EXHIBIT_NAMES "id hall_id section_id section_name position kind title description" \
	" item_id household_id household_number item_reference_code file_id mime thumbnail"
#define EXHIBIT_KINDS "iiitittt" "iitti" "tt"
#define EXHIBIT_SQL "SELECT e.id, s.facility_id, e.section_id, s.name, e.position, e.kind," \
	" e.title, e.description, i.id, i.household_id, h.number, i.reference_code, fl.id," \
	" b.mime, b.thumbnail FROM hall_exhibits e" \
	" JOIN hall_sections s ON s.id = e.section_id" \
	" JOIN facilities f ON f.id = s.facility_id JOIN divisions d ON d.code = f.community_code" \
	" LEFT JOIN items i ON i.id = e.item_id AND i.status = 'active'" \
	" LEFT JOIN households h ON h.id = i.household_id" \
	" LEFT JOIN files fl ON fl.id = (SELECT max(x.id) FROM files x WHERE x.item_id = i.id" \
	"   AND x.superseded = 0)" \
	" LEFT JOIN blobs b ON b.sha256 = fl.sha256" \
	" WHERE (? = '' OR (f.community_code >= ? AND f.community_code < ?)) AND f.kind IN (?, ?)"

#define VISIT_NAMES "id hall_id hall_name hall_kind visited_on group_name people guide note" \
	" created_at"
#define VISIT_KINDS "iittttittt"
#define VISIT_SQL "SELECT v.id, v.facility_id, f.name, f.kind, v.visited_on, v.group_name," \
	" v.people, v.guide, v.note, v.created_at FROM hall_visits v" \
	" JOIN facilities f ON f.id = v.facility_id JOIN divisions d ON d.code = f.community_code" \
	" WHERE (? = '' OR (f.community_code >= ? AND f.community_code < ?)) AND f.kind IN (?, ?)"

/* ---------------------------------------------------------------- shared parts */

/* The community prefix of a filter as a range [plo, phi), "" when none. */
static void prefix_range(const char *community, char plo[16], char phi[17])
{
	*plo = *phi = '\0';
	if (community && *community) {
		snprintf(plo, 16, "%s", community);
		snprintf(phi, 17, "%s:", community);
	}
}

/* One hall within the scope (its facility's facts); NULL when there is none. */
static json_t *hall_row(struct ctx *cx, int64_t id)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	json_t *rows = ledger_rows(cx, HALL_NAMES, HALL_KINDS, "SELECT " HALL_COLS HALL_FROM
		" AND f.id = ?", HALL_SCOPE_TYPES "i", HALL_SCOPE_ARGS(lo, hi), id);
	json_t *h = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return h;
}

/* The start of a write on a hall: the body an object, the actor one who edits, the hall
 * within the scope (*hall, the caller's). */
static enum outcome write_begin(struct ctx *cx, int64_t hall_id, json_t *body,
				const char *const *allowed, json_t **hall)
{
	*hall = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	jx_only(body, allowed, "", cx->errs);
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	*hall = hall_row(cx, hall_id);
	if (!*hall)
		return tx_end(cx->db, OUT_NOT_FOUND, STORE_OK);
	return OUT_OK;
}

/* Each exhibit's media as the archive's file routes serve them. */
static void exhibit_media(struct ctx *cx, json_t *rows)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		json_int_t file = json_integer_value(json_object_get(r, "file_id"));
		const char *mime = json_string_value(json_object_get(r, "mime"));
		json_object_set_new(r, "media", mime ? json_string(sniff_kind(mime)) : json_null());
		json_object_set_new(r, "file_url", file ? json_string(arena_printf(cx->arena,
			"/api/v1/files/%lld", (long long)file)) : json_null());
		json_object_set_new(r, "thumbnail_url", file && json_is_string(json_object_get(r,
			"thumbnail")) ? json_string(arena_printf(cx->arena,
			"/api/v1/files/%lld/thumbnail", (long long)file)) : json_null());
		json_object_del(r, "thumbnail");
	}
}

/* ---------------------------------------------------------------- halls */

enum outcome hall_list(struct ctx *cx, const struct hall_filter *f, json_t **out)
{
	char lo[16], hi[17], plo[16], phi[17];
	actor_scope_range(cx->actor, lo, hi);
	prefix_range(f->community, plo, phi);
	json_t *rows = ledger_rows(cx, HALL_NAMES " sections exhibits visits visitors",
		HALL_KINDS "iiii", "SELECT " HALL_COLS ","
		" (SELECT count(*) FROM hall_sections s WHERE s.facility_id = f.id),"
		" (SELECT count(*) FROM hall_exhibits e JOIN hall_sections s ON s.id = e.section_id"
		"   WHERE s.facility_id = f.id),"
		" (SELECT count(*) FROM hall_visits v WHERE v.facility_id = f.id"
		"   AND (? = '' OR v.visited_on >= ?) AND (? = '' OR v.visited_on <= ?)),"
		" (SELECT coalesce(sum(v.people), 0) FROM hall_visits v WHERE v.facility_id = f.id"
		"   AND (? = '' OR v.visited_on >= ?) AND (? = '' OR v.visited_on <= ?))"
		HALL_FROM " AND (? = '' OR (f.community_code >= ? AND f.community_code < ?))"
		" AND (? IS NULL OR f.kind = ?) AND f.id > ? ORDER BY f.id LIMIT ?",
		"tttt" "tttt" HALL_SCOPE_TYPES "ttt" "tt" "ii", f->from, f->from, f->to, f->to,
		f->from, f->from, f->to, f->to, HALL_SCOPE_ARGS(lo, hi), plo, plo, phi, f->kind,
		f->kind, f->after, (int64_t)f->limit + 1);
	return record_page(cx, rows, f->limit, "id", out);
}

enum outcome hall_visible(struct ctx *cx, int64_t id)
{
	json_t *h = hall_row(cx, id);
	enum outcome res = h ? OUT_OK : store_failed_in_tx(cx->db) ? OUT_INTERNAL : OUT_NOT_FOUND;
	json_decref(h);
	return res;
}

enum outcome hall_get(struct ctx *cx, int64_t id, json_t **out)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	*out = hall_row(cx, id);
	if (!*out)
		return store_failed_in_tx(cx->db) ? OUT_INTERNAL : OUT_NOT_FOUND;
	json_t *sections = ledger_rows(cx, "id position name description", "iitt", "SELECT id,"
		" position, name, description FROM hall_sections WHERE facility_id = ?"
		" ORDER BY position, id", "i", id);
	json_t *exhibits = ledger_rows(cx, EXHIBIT_NAMES, EXHIBIT_KINDS, EXHIBIT_SQL
		" AND s.facility_id = ? ORDER BY e.position, e.id", HALL_SCOPE_TYPES "i",
		HALL_SCOPE_ARGS(lo, hi), id);
	if (!sections || !exhibits) {
		json_decref(sections);
		json_decref(exhibits);
		json_decref(*out);
		*out = NULL;
		return OUT_INTERNAL;
	}
	exhibit_media(cx, exhibits);
	size_t i, j;
	json_t *s, *e;
	json_array_foreach(sections, i, s) {
		json_t *list = json_array();
		json_array_foreach(exhibits, j, e)
			if (json_integer_value(json_object_get(e, "section_id")) ==
			    json_integer_value(json_object_get(s, "id")))
				json_array_append(list, e);
		json_object_set_new(s, "exhibits", list);
	}
	json_decref(exhibits);
	json_object_set_new(*out, "sections", sections);
	audit_read(cx, "read", "hall", id, 1, NULL);
	return OUT_OK;
}

/* ---------------------------------------------------------------- sections */

enum outcome hall_section_create(struct ctx *cx, int64_t hall_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"name", "description", "position", NULL};
	json_t *hall;
	*out = NULL;
	enum outcome res = write_begin(cx, hall_id, body, allowed, &hall);
	if (res != OUT_OK)
		return res;
	json_decref(hall);
	const char *name = jx_string(body, "name", "", true, 40, cx->errs);
	const char *description = jx_string(body, "description", "", false, 1000, cx->errs);
	int64_t position = 0;
	bool placed = jx_int(body, "position", "", false, 1, 1000, &position, cx->errs);
	int rc = STORE_OK;
	if (name && store_one_int(cx->db, &rc, "SELECT count(*) FROM hall_sections WHERE"
				  " facility_id = ? AND name = ?", "it", hall_id, name) > 0)
		verrors_add(cx->errs, "name", "hall_section_taken");
	if (cx->errs->n || rc != STORE_OK)
		return tx_end(cx->db, OUT_INVALID, rc);
	if (!placed)
		position = store_one_int(cx->db, &rc, "SELECT coalesce(max(position), 0) + 1 FROM"
					 " hall_sections WHERE facility_id = ?", "i", hall_id);
	else	/* placed before the section in its place: those from there move one on */
		rc = store_exec(cx->db, "UPDATE hall_sections SET position = position + 1 WHERE"
				" facility_id = ? AND position >= ?", "ii", hall_id, position);
	char now[21];
	audit_now(now);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO hall_sections(facility_id, position, name,"
				" description, created_at) VALUES (?, ?, ?, ?, ?)", "iittt", hall_id,
				position, name, description, now);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	if (rc == STORE_OK) {
		*out = json_pack("{s:I, s:I, s:I, s:s, s:o}", "id", (json_int_t)id, "hall_id",
				 (json_int_t)hall_id, "position", (json_int_t)position, "name", name,
				 "description", description ? json_string(description) : json_null());
		rc = audit_write(cx, "create", "hall_section", id, NULL, *out);
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

/* ---------------------------------------------------------------- exhibits */

/* The media an exhibit of `kind` needs its item's file to be ("" any, or none). */
static const char *media_of(const char *kind)
{
	return strcmp(kind, "picture") == 0 ? "image" : strcmp(kind, "object") == 0 ? "" : kind;
}

/* Checks the item an exhibit of the hall points to, adding item_id's error. */
static int check_item(struct ctx *cx, json_t *hall, const char *kind, int64_t item_id)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT i.status, i.doc_type,"
		" coalesce(h.dest_community, ''), (SELECT b.mime FROM files x JOIN blobs b"
		"   ON b.sha256 = x.sha256 WHERE x.item_id = i.id AND x.superseded = 0"
		"   ORDER BY x.id DESC LIMIT 1)"
		" FROM items i JOIN households h ON h.id = i.household_id WHERE i.id = ? AND "
		READ_SCOPE_SQL, "i" READ_SCOPE_TYPES, item_id, READ_SCOPE_ARGS(cx, lo, hi));
	const char *code = "hall_item_unknown";	/* none, or not one the actor may see */
	if (store_next(r)) {
		bool withheld = false;
		for (int role = 0; role < ROLE_COUNT; role++)
			withheld |= privacy_withholds_doc_type((enum role)role, store_text(r, 1));
		const char *want = media_of(kind);
		const char *media = store_null(r, 3) ? NULL : sniff_kind(store_text(r, 3));
		if (strcmp(store_text(r, 0), "active") != 0)
			code = "hall_item_removed";
		else if (strcmp(store_text(r, 2), json_string_value(json_object_get(hall,
				"community_code"))) != 0)
			code = "hall_item_other_community";
		else if (withheld)
			code = "hall_item_withheld";
		else if (*want && (!media || strcmp(media, want) != 0))
			code = "hall_exhibit_kind_mismatch";
		else
			code = NULL;
	}
	int rc = store_finish(r);
	if (code && rc == STORE_OK)
		verrors_add(cx->errs, "item_id", code);
	return rc;
}

enum outcome hall_exhibit_create(struct ctx *cx, int64_t hall_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"section_id", "kind", "title", "description",
		"item_id", "position", NULL};
	json_t *hall;
	*out = NULL;
	enum outcome res = write_begin(cx, hall_id, body, allowed, &hall);
	if (res != OUT_OK)
		return res;
	int64_t section = 0, item = 0, position = 0;
	jx_int(body, "section_id", "", true, 1, INT64_MAX, &section, cx->errs);
	const char *kind = jx_enum(body, "kind", "", true, hall_exhibit_kinds, cx->errs);
	const char *title = jx_string(body, "title", "", true, 100, cx->errs);
	const char *description = jx_string(body, "description", "", false, 2000, cx->errs);
	bool has_item = jx_int(body, "item_id", "", false, 1, INT64_MAX, &item, cx->errs);
	bool placed = jx_int(body, "position", "", false, 1, 10000, &position, cx->errs);
	int rc = STORE_OK;
	if (section) {
		int64_t of = store_one_int(cx->db, &rc, "SELECT facility_id FROM hall_sections"
					   " WHERE id = ?", "i", section);
		if (rc == STORE_OK && of != hall_id)
			verrors_add(cx->errs, "section_id", of ? "hall_section_other_hall"
				    : "hall_section_unknown");
	}
	if (kind && !has_item && strcmp(kind, "object") != 0 && !jx_has(body, "item_id"))
		verrors_add(cx->errs, "item_id", "hall_exhibit_needs_item");
	if (kind && has_item && rc == STORE_OK)
		rc = check_item(cx, hall, kind, item);
	json_decref(hall);
	if (cx->errs->n || rc != STORE_OK)
		return tx_end(cx->db, OUT_INVALID, rc);
	if (!placed)
		position = store_one_int(cx->db, &rc, "SELECT coalesce(max(position), 0) + 1 FROM"
					 " hall_exhibits WHERE section_id = ?", "i", section);
	else
		rc = store_exec(cx->db, "UPDATE hall_exhibits SET position = position + 1 WHERE"
				" section_id = ? AND position >= ?", "ii", section, position);
	char now[21];
	audit_now(now);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO hall_exhibits(section_id, position, kind, title,"
			" description, item_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", "iitttnt",
			section, position, kind, title, description, has_item ? &item : NULL, now);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	if (rc == STORE_OK) {
		char lo[16], hi[17];
		actor_scope_range(cx->actor, lo, hi);
		json_t *rows = ledger_rows(cx, EXHIBIT_NAMES, EXHIBIT_KINDS, EXHIBIT_SQL
			" AND e.id = ?", HALL_SCOPE_TYPES "i", HALL_SCOPE_ARGS(lo, hi), id);
		exhibit_media(cx, rows);
		*out = json_incref(json_array_get(rows, 0));
		json_decref(rows);
		rc = *out ? audit_write(cx, "create", "hall_exhibit", id, NULL, *out) : STORE_ERROR;
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

enum outcome hall_exhibit_list(struct ctx *cx, const struct hall_filter *f, json_t **out)
{
	char lo[16], hi[17], plo[16], phi[17];
	actor_scope_range(cx->actor, lo, hi);
	prefix_range(f->community, plo, phi);
	json_t *rows = ledger_rows(cx, EXHIBIT_NAMES, EXHIBIT_KINDS, EXHIBIT_SQL
		" AND (? = 0 OR s.facility_id = ?) AND (? = '' OR (f.community_code >= ?"
		" AND f.community_code < ?)) AND (? IS NULL OR e.kind = ?) AND e.id > ?"
		" ORDER BY e.id LIMIT ?", HALL_SCOPE_TYPES "ii" "ttt" "tt" "ii",
		HALL_SCOPE_ARGS(lo, hi), f->hall_id, f->hall_id, plo, plo, phi, f->kind, f->kind,
		f->after, (int64_t)f->limit + 1);
	exhibit_media(cx, rows);
	return record_page(cx, rows, f->limit, "id", out);
}

/* ---------------------------------------------------------------- visits */

/* Each visit's households that the actor sees: [{id, number}] and their numbers as one
 * text (for the downloads). */
static bool visit_households(struct ctx *cx, json_t *rows)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		json_t *hh = ledger_rows(cx, "id number", "it", "SELECT h.id, h.number FROM"
			" hall_visit_households vh JOIN households h ON h.id = vh.household_id"
			" WHERE vh.visit_id = ? AND " SCOPE_SQL " ORDER BY h.number", "i" SCOPE_TYPES,
			(int64_t)json_integer_value(json_object_get(r, "id")), SCOPE_ARGS(lo, hi));
		if (!hh)
			return false;
		struct buf b = BUF_INIT;
		size_t j;
		json_t *h;
		json_array_foreach(hh, j, h)
			buf_printf(&b, "%s%s", j ? " " : "", json_string_value(json_object_get(h,
				   "number")));
		json_object_set_new(r, "household_numbers", json_string(b.failed ? "" : b.data));
		buf_release(&b);
		json_object_set_new(r, "households", hh);
	}
	return true;
}

enum outcome hall_visit_create(struct ctx *cx, int64_t hall_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"visited_on", "group_name", "people", "households",
		"guide", "note", NULL};
	json_t *hall;
	*out = NULL;
	enum outcome res = write_begin(cx, hall_id, body, allowed, &hall);
	if (res != OUT_OK)
		return res;
	json_decref(hall);
	const char *day = jx_date(body, "visited_on", "", true, cx->errs);
	const char *group = jx_string(body, "group_name", "", true, 60, cx->errs);
	const char *guide = jx_string(body, "guide", "", false, 40, cx->errs);
	const char *note = jx_string(body, "note", "", false, 500, cx->errs);
	int64_t people = 0;
	if (jx_int(body, "people", "", true, INT32_MIN, 100000, &people, cx->errs) && people < 1)
		verrors_add(cx->errs, "people", "hall_people_at_least_one");
	int y, m, d;
	if (day && date_parse(day, &y, &m, &d) && date_days(y, m, d) > cx->today)
		verrors_add(cx->errs, "visited_on", "date_in_future");
	json_t *households = json_object_get(body, "households");
	if (households && !json_is_null(households) && (!json_is_array(households) ||
						       json_array_size(households) > 200))
		verrors_add(cx->errs, "households", json_is_array(households) ? "too_many"
			    : "type_array");
	int64_t *ids = NULL;
	size_t n = json_is_array(households) ? json_array_size(households) : 0, i;
	json_t *v;
	if (n && n <= 200)
		ids = arena_alloc(cx->arena, n * sizeof(*ids));
	int rc = STORE_OK;
	json_array_foreach(ids ? households : NULL, i, v) {
		const char *field = arena_printf(cx->arena, "households[%zu]", i);
		char dest[16];
		ids[i] = 0;
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			verrors_add(cx->errs, field, "type_integer");
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (ids[k] == json_integer_value(v))
				verrors_add(cx->errs, field, "hall_household_twice");
		res = household_guard_requester(cx, 0, json_integer_value(v), &ids[i], dest);
		if (res == OUT_NOT_FOUND)
			verrors_add(cx->errs, field, "hall_household_unknown");
		else if (res != OUT_OK)
			rc = STORE_ERROR;
	}
	if (cx->errs->n || rc != STORE_OK)
		return tx_end(cx->db, OUT_INVALID, rc);
	char now[21];
	audit_now(now);
	rc = store_exec(cx->db, "INSERT INTO hall_visits(facility_id, visited_on, group_name, people,"
			" guide, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", "ittittt", hall_id,
			day, group, people, guide, note, now);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	for (i = 0; ids && i < n && rc == STORE_OK; i++)
		rc = store_exec(cx->db, "INSERT INTO hall_visit_households(visit_id, household_id)"
				" VALUES (?, ?)", "ii", id, ids[i]);
	if (rc == STORE_OK) {
		char lo[16], hi[17];
		actor_scope_range(cx->actor, lo, hi);
		json_t *rows = ledger_rows(cx, VISIT_NAMES, VISIT_KINDS, VISIT_SQL " AND v.id = ?",
					   HALL_SCOPE_TYPES "i", HALL_SCOPE_ARGS(lo, hi), id);
		if (rows && !visit_households(cx, rows))
			rc = STORE_ERROR;
		*out = json_incref(json_array_get(rows, 0));
		json_decref(rows);
		if (rc == STORE_OK)
			rc = *out ? audit_write(cx, "create", "hall_visit", id, NULL, *out) : STORE_ERROR;
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

enum outcome hall_visit_list(struct ctx *cx, const struct hall_filter *f, json_t **out)
{
	char lo[16], hi[17], plo[16], phi[17];
	actor_scope_range(cx->actor, lo, hi);
	prefix_range(f->community, plo, phi);
	json_t *rows = ledger_rows(cx, VISIT_NAMES, VISIT_KINDS, VISIT_SQL
		" AND (? = 0 OR v.facility_id = ?) AND (? = '' OR (f.community_code >= ?"
		" AND f.community_code < ?)) AND (? IS NULL OR f.kind = ?)"
		" AND (? = '' OR v.visited_on >= ?) AND (? = '' OR v.visited_on <= ?)"
		" AND (? = 0 OR v.id IN (SELECT vh.visit_id FROM hall_visit_households vh"
		"   WHERE vh.household_id = ?)) AND (? = 0 OR v.id < ?)"
		" ORDER BY v.id DESC LIMIT ?", HALL_SCOPE_TYPES "ii" "ttt" "tt" "tttt" "ii" "ii" "i",
		HALL_SCOPE_ARGS(lo, hi), f->hall_id, f->hall_id, plo, plo, phi, f->kind, f->kind,
		f->from, f->from, f->to, f->to, f->household_id, f->household_id, f->after, f->after,
		(int64_t)f->limit + 1);
	if (rows && !visit_households(cx, rows)) {
		json_decref(rows);
		rows = NULL;
	}
	return record_page(cx, rows, f->limit, "id", out);
}

/* ---------------------------------------------------------------- figures */

enum outcome hall_figures(struct ctx *cx, const char *from, const char *to, json_t **out)
{
	char lo[16], hi[17], first[11], last[11];
	int y, m, d;
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	if (to && *to)
		snprintf(last, sizeof(last), "%s", to);
	else
		date_format(cx->today, last);
	if (from && *from) {
		snprintf(first, sizeof(first), "%s", from);
	} else {	/* the first day of the month eleven months before the last */
		date_parse(last, &y, &m, &d);
		m -= 11;
		if (m < 1) {
			m += 12;
			y--;
		}
		date_format(date_days(y, m, 1), first);
	}
	json_t *halls = ledger_rows(cx, "id name kind community_name", "ittt", "SELECT f.id,"
		" f.name, f.kind, d.short_name" HALL_FROM " ORDER BY f.id LIMIT 100",
		HALL_SCOPE_TYPES, HALL_SCOPE_ARGS(lo, hi));
	json_t *counts = ledger_rows(cx, "hall_id month visits visitors", "itii", "SELECT"
		" v.facility_id, substr(v.visited_on, 1, 7), count(*), sum(v.people) FROM hall_visits v"
		" JOIN facilities f ON f.id = v.facility_id WHERE (? = '' OR (f.community_code >= ?"
		" AND f.community_code < ?)) AND f.kind IN (?, ?) AND v.visited_on >= ?"
		" AND v.visited_on <= ? GROUP BY v.facility_id, substr(v.visited_on, 1, 7)",
		HALL_SCOPE_TYPES "tt", HALL_SCOPE_ARGS(lo, hi), first, last);
	if (!halls || !counts || !date_parse(first, &y, &m, &d) || !date_parse(last, &y, &m, &d)) {
		json_decref(halls);
		json_decref(counts);
		return halls && counts ? OUT_INVALID : OUT_INTERNAL;
	}
	size_t i, j;
	json_t *h, *c;
	json_array_foreach(halls, i, h) {
		json_int_t visits = 0, visitors = 0;
		json_t *months = json_array();
		date_parse(first, &y, &m, &d);
		for (int guard = 0; guard < 240; guard++) {	/* month by month, first to last */
			char month[8], mfrom[11], mto[11];
			int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
			date_format(date_days(y, m, 1), mfrom);
			date_format(date_days(ny, nm, 1) - 1, mto);
			memcpy(month, mfrom, 7);
			month[7] = '\0';
			if (strncmp(month, last, 7) > 0)
				break;
			if (strcmp(mfrom, first) < 0)
				memcpy(mfrom, first, sizeof(mfrom));
			if (strcmp(mto, last) > 0)
				memcpy(mto, last, sizeof(mto));
			json_int_t mv = 0, mp = 0;
			json_array_foreach(counts, j, c)
				if (json_integer_value(json_object_get(c, "hall_id")) ==
				    json_integer_value(json_object_get(h, "id")) &&
				    strcmp(json_string_value(json_object_get(c, "month")), month) == 0) {
					mv = json_integer_value(json_object_get(c, "visits"));
					mp = json_integer_value(json_object_get(c, "visitors"));
				}
			visits += mv;
			visitors += mp;
			json_array_append_new(months, json_pack("{s:s, s:s, s:s, s:I, s:I}", "month",
				month, "from", mfrom, "to", mto, "visits", mv, "visitors", mp));
			y = ny;
			m = nm;
		}
		json_object_set_new(h, "visits", json_integer(visits));
		json_object_set_new(h, "visitors", json_integer(visitors));
		json_object_set_new(h, "by_month", months);
	}
	json_decref(counts);
	*out = json_pack("{s:s, s:s, s:o}", "from", first, "to", last, "halls", halls);
	return OUT_OK;
}

int64_t hall_visitors(struct ctx *cx, const char *kind, const char *lo, const char *hi)
{
	int rc;
	int64_t n = store_one_int(cx->db, &rc, "SELECT coalesce(sum(v.people), 0) FROM hall_visits v"
		" JOIN facilities f ON f.id = v.facility_id WHERE f.kind = ?"
		" AND (? = '' OR (f.community_code >= ? AND f.community_code < ?))", "tttt", kind, lo,
		lo, hi);
	return rc == STORE_OK ? n : -1;
}
