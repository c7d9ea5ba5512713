/* service: one-stop service requests, their catalogue of matters and their states (their
 * figures: service_figures.c). */
#include "domain/service.h"

#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/household_guard.h"
#include "domain/division.h"
#include "domain/ledger.h"
#include "domain/record.h"
#include "domain/tx.h"

const char *const service_channels[] = {"window", "phone", "door_to_door", "online", NULL};
const char *const service_statuses[] = {"received", "accepted", "in_progress", "done",
	"referred", "rejected", NULL};

/* ---------------------------------------------------------------- the state machine */

/* Each state with the states it may move to; the final states move nowhere. */
static const struct {
	const char *from;
	const char *to[5];
} moves[] = {
	{"received", {"accepted", "referred", "rejected", NULL}},
	{"accepted", {"in_progress", "done", "referred", "rejected", NULL}},
	{"in_progress", {"done", "referred", "rejected", NULL}},
};

bool service_move_allowed(const char *from, const char *to)
{
	if (!from || !to)
		return false;
	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (strcmp(moves[i].from, from) == 0)
			return jx_in(to, moves[i].to);
	return false;
}

bool service_status_open(const char *status)
{
	return status && (strcmp(status, "received") == 0 || strcmp(status, "accepted") == 0 ||
			  strcmp(status, "in_progress") == 0);
}

long service_due_day(long received, int days)
{
	long day = received;
	while (days > 0) {
		day++;
		if (((day % 7) + 7 + 3) % 7 < 5)	/* 1970-01-01 was a Thursday; Monday is 0 */
			days--;
	}
	return day;
}

/* ---------------------------------------------------------------- the catalogue */

#define MATTER_NAMES "code name_zh name_en department promised_days active"
#define MATTER_SQL "SELECT code, name_zh, name_en, department, promised_days, active" \
	" FROM service_matters"

enum outcome service_matters_list(struct ctx *cx, json_t **out)
{
	return ledger_items(ledger_rows(cx, MATTER_NAMES, "ttttib", MATTER_SQL
					" ORDER BY sort, code", NULL), out);
}

static json_t *matter_load(struct ctx *cx, const char *code)
{
	json_t *rows = ledger_rows(cx, MATTER_NAMES, "ttttib", MATTER_SQL " WHERE code = ?", "t",
				   code);
	json_t *m = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return m;
}

enum outcome service_matter_put(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"code", "name_zh", "name_en", "department",
		"promised_days", "active", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_is_admin(cx->actor->role))
		return OUT_FORBIDDEN;
	jx_only(body, allowed, "", cx->errs);
	const char *code = jx_string(body, "code", "", true, 40, cx->errs);
	const char *zh = jx_string(body, "name_zh", "", true, 60, cx->errs);
	const char *en = jx_string(body, "name_en", "", true, 100, cx->errs);
	const char *dept = jx_string(body, "department", "", true, 40, cx->errs);
	int64_t days = 0;
	jx_int(body, "promised_days", "", true, 1, 60, &days, cx->errs);
	bool active = true;
	jx_bool(body, "active", "", false, &active, cx->errs);
	for (const char *p = code; p && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
			verrors_add(cx->errs, "code", "code_format");
			break;
		}
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	int rc = STORE_OK;
	if (dept && store_one_int(cx->db, &rc, "SELECT count(*) FROM departments WHERE code = ?",
				  "t", dept) == 0 && rc == STORE_OK)
		verrors_add(cx->errs, "department", "unknown_value");
	if (cx->errs->n || rc != STORE_OK)
		return tx_end(cx->db, OUT_INVALID, rc);
	json_t *before = matter_load(cx, code);
	rc = before ? store_exec(cx->db, "UPDATE service_matters SET name_zh = ?, name_en = ?,"
			" department = ?, promised_days = ?, active = ? WHERE code = ?", "tttiit",
			zh, en, dept, days, (int64_t)active, code)
		: store_exec(cx->db, "INSERT INTO service_matters(code, name_zh, name_en, department,"
			" promised_days, active, sort) VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(sort),"
			" 0) + 10 FROM service_matters))", "ttttii", code, zh, en, dept, days,
			(int64_t)active);
	if (rc == STORE_OK) {
		*out = matter_load(cx, code);
		rc = *out ? audit_write(cx, before ? "update" : "create", "service_matter", 0, before,
					*out) : STORE_ERROR;
	}
	json_decref(before);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

/* ---------------------------------------------------------------- requests */

#define REQUEST_NAMES "id community_code household_id household_number person_id person_name" \
	" walk_in_name matter department window_id window_name channel status note received_at" \
	" due_on closed_at done_seconds referred_to receiving_party reason overdue version"
#define REQUEST_KINDS "itititttt" "itttt" "ttti" "tttbi"
#define REQUEST_SQL "SELECT r.id, r.community_code, r.household_id, h.number, r.person_id," \
	" p.name, r.walk_in_name, r.matter, m.department, r.window_id, w.name, r.channel," \
	" r.status, r.note, r.received_at, r.due_on, r.closed_at, r.done_seconds, r.referred_to," \
	" r.receiving_party, r.reason, CASE WHEN r.status IN ('received', 'accepted'," \
	" 'in_progress') AND r.due_on < ? THEN 1 ELSE 0 END, r.version" \
	" FROM service_requests r JOIN service_matters m ON m.code = r.matter" \
	" LEFT JOIN households h ON h.id = r.household_id" \
	" LEFT JOIN persons p ON p.id = r.person_id" \
	" LEFT JOIN service_windows w ON w.id = r.window_id"

/* One request within the scope, with its steps and attachments; NULL when there is none
 * (or on a storage error: store_failed_in_tx tells). */
static json_t *request_load(struct ctx *cx, int64_t id)
{
	char lo[16], hi[17], today[11];
	actor_scope_range(cx->actor, lo, hi);
	date_format(cx->today, today);
	json_t *rows = ledger_rows(cx, REQUEST_NAMES, REQUEST_KINDS, REQUEST_SQL
		" WHERE r.id = ? AND " SERVICE_SCOPE_SQL, "ti" COMMUNITY_SCOPE_TYPES, today, id,
		COMMUNITY_SCOPE_ARGS(lo, hi));
	json_t *r = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!r)
		return NULL;
	json_t *steps = ledger_rows(cx, "status at user note", "tttt", "SELECT status, at,"
		" username, note FROM service_request_steps WHERE request_id = ? ORDER BY id", "i", id);
	json_t *items = ledger_rows(cx, "id title doc_type", "itt", "SELECT i.id, i.title,"
		" i.doc_type FROM service_request_items a JOIN items i ON i.id = a.item_id"
		" WHERE a.request_id = ? ORDER BY i.id", "i", id);
	if (!steps || !items) {
		json_decref(steps);
		json_decref(items);
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "steps", steps);
	json_object_set_new(r, "items", items);
	return r;
}

static json_t *load_for_change(struct ctx *cx, int64_t id)
{
	return request_load(cx, id);
}

void service_request_etag(json_t *request, char out[48])
{
	record_etag('s', request, out);
}

enum outcome service_request_get(struct ctx *cx, int64_t id, json_t **out)
{
	return record_get(cx, request_load, "service_request", id, out);
}

/* Checks the attachments (items of the household's archive) into cx->errs. */
static void check_items(struct ctx *cx, json_t *items, int64_t household_id, int *rc)
{
	size_t i;
	json_t *v;
	if (!items || json_is_null(items))
		return;
	if (!json_is_array(items) || json_array_size(items) > 20) {
		verrors_add(cx->errs, "items", json_is_array(items) ? "too_many" : "type_array");
		return;
	}
	json_array_foreach(items, i, v) {
		const char *field = arena_printf(cx->arena, "items[%zu]", i);
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			verrors_add(cx->errs, field, "type_integer");
			continue;
		}
		if (!household_id || store_one_int(cx->db, rc, "SELECT count(*) FROM items WHERE id = ?"
				" AND household_id = ? AND status = 'active'", "ii",
				(int64_t)json_integer_value(v), household_id) == 0)
			verrors_add(cx->errs, field, "item_other_household");
	}
}

enum outcome service_request_create(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"person_id", "household_id", "walk_in_name",
		"matter", "channel", "window_id", "community", "note", "items", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	int64_t person_id = 0, household_id = 0, window_id = 0;
	jx_int(body, "person_id", "", false, 1, INT64_MAX, &person_id, cx->errs);
	jx_int(body, "household_id", "", false, 1, INT64_MAX, &household_id, cx->errs);
	jx_int(body, "window_id", "", false, 1, INT64_MAX, &window_id, cx->errs);
	const char *walk_in = jx_name(body, "walk_in_name", "", false, 40, cx->errs);
	const char *matter = jx_string(body, "matter", "", true, 40, cx->errs);
	const char *channel = jx_enum(body, "channel", "", true, service_channels, cx->errs);
	const char *community = jx_code(body, "community", "", false, 12, cx->errs);
	const char *note = jx_string(body, "note", "", false, 500, cx->errs);
	bool asked_by = jx_has(body, "person_id") || jx_has(body, "household_id");
	if (!asked_by && !jx_has(body, "walk_in_name"))
		verrors_add(cx->errs, "person_id", "requester_required");
	else if (asked_by && walk_in)
		verrors_add(cx->errs, "walk_in_name", "requester_twice");
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	int rc = STORE_OK;
	int64_t hh = 0;
	char dest[16] = "";
	res = household_guard_asked_by(cx, person_id, household_id, &hh, dest);
	if (res != OUT_OK)	/* outside the scope, the person does not exist */
		return tx_end(cx->db, res, STORE_OK);
	int64_t days = 0;
	if (matter) {
		days = store_one_int(cx->db, &rc, "SELECT promised_days FROM service_matters"
				     " WHERE code = ? AND active = 1", "t", matter);
		if (rc == STORE_OK && days == 0)
			verrors_add(cx->errs, "matter", "unknown_value");
	}
	char where[16] = "";
	if (window_id) {
		char lo[16], hi[17];
		actor_scope_range(cx->actor, lo, hi);
		struct store_rows *r = store_query(cx->db, "SELECT f.community_code FROM service_windows w"
			" JOIN facilities f ON f.id = w.facility_id WHERE w.id = ? AND f.status <> 'closed'"
			" AND (? = '' OR (f.community_code >= ? AND f.community_code < ?))", "ittt",
			window_id, lo, lo, hi);
		if (store_next(r))
			snprintf(where, sizeof(where), "%s", store_text(r, 0));
		else
			verrors_add(cx->errs, "window_id", "unknown_value");
		if (store_finish(r) != STORE_OK)
			rc = STORE_ERROR;
	}
	if (community && *where && strcmp(community, where) != 0)
		verrors_add(cx->errs, "window_id", "window_other_community");
	/* where: the community named, else the window's, else the household's destination,
	 * else the community of a community worker's own scope */
	const char *place = community ? community : *where ? where : *dest ? dest
		: strlen(cx->actor->scope) == 12 ? cx->actor->scope : NULL;
	if (!place && !cx->errs->n)
		verrors_add(cx->errs, "community", "required");
	else if (place && !actor_covers(cx->actor, place))
		verrors_add(cx->errs, "community", "out_of_scope");
	else if (place && !division_exists(cx->db, place, 5))
		verrors_add(cx->errs, "community", "unknown_division");
	check_items(cx, json_object_get(body, "items"), hh, &rc);
	if (cx->errs->n || rc != STORE_OK)
		return tx_end(cx->db, OUT_INVALID, rc);

	char now[21], today[11], due[11];
	audit_now(now);
	date_format(cx->today, today);
	date_format(service_due_day(cx->today, (int)days), due);
	rc = store_exec(cx->db, "INSERT INTO service_requests(community_code, household_id,"
		" person_id, walk_in_name, matter, window_id, channel, status, note, received_at,"
		" received_on, due_on) VALUES (?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?)",
		"tnnttnttttt", place, hh ? &hh : NULL, person_id ? &person_id : NULL, walk_in, matter,
		window_id ? &window_id : NULL, channel, note, now, today, due);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO service_request_steps(request_id, status, at,"
				" user_id, username, note) VALUES (?, 'received', ?, ?, ?, ?)", "itntt", id,
				now, cx->actor->user_id ? &cx->actor->user_id : NULL, cx->actor->username,
				note);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(body, "items"), i, v)
		if (rc == STORE_OK && store_one_int(cx->db, &rc, "SELECT count(*) FROM"
				" service_request_items WHERE request_id = ? AND item_id = ?", "ii", id,
				(int64_t)json_integer_value(v)) == 0 && rc == STORE_OK)
			rc = store_exec(cx->db, "INSERT INTO service_request_items(request_id, item_id)"
					" VALUES (?, ?)", "ii", id, (int64_t)json_integer_value(v));
	if (rc == STORE_OK) {
		*out = request_load(cx, id);
		rc = *out ? audit_write(cx, "create", "service_request", id, NULL, *out) : STORE_ERROR;
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

static enum outcome request_writable(struct ctx *cx, json_t *record)
{
	(void)record;
	return role_can_edit_registry(cx->actor->role) ? OUT_OK : OUT_FORBIDDEN;
}

enum outcome service_request_move(struct ctx *cx, int64_t id, const char *if_match,
				  json_t *body, json_t **out)
{
	static const char *const allowed[] = {"status", "note", "referred_to", "receiving_party",
		"reason", NULL};
	static const struct tx_record kind = {.load = load_for_change,
		.etag = service_request_etag, .writable = request_writable};
	json_t *before = NULL;
	*out = NULL;
	/* the state machine itself refuses a move from a state the request has left, so a
	 * move without If-Match is checked against the state it is in now */
	enum outcome res = tx_begin_change(cx, &kind, id, if_match ? if_match : "*", body, &before);
	if (res != OUT_OK)
		return res;
	jx_only(body, allowed, "", cx->errs);
	const char *status = jx_enum(body, "status", "", true, service_statuses, cx->errs);
	const char *note = jx_string(body, "note", "", false, 500, cx->errs);
	const char *dept = jx_string(body, "referred_to", "", false, 40, cx->errs);
	const char *party = jx_string(body, "receiving_party", "", false, 60, cx->errs);
	const char *reason = jx_string(body, "reason", "", false, 200, cx->errs);
	const char *from = json_string_value(json_object_get(before, "status"));
	int rc = STORE_OK;
	if (status && !service_move_allowed(from, status))
		verrors_add(cx->errs, "status", "transition_not_allowed");
	bool referred = status && strcmp(status, "referred") == 0;
	if (referred && !dept && !jx_has(body, "referred_to"))
		verrors_add(cx->errs, "referred_to", "required");
	else if (referred && dept && store_one_int(cx->db, &rc, "SELECT count(*) FROM departments"
						   " WHERE code = ?", "t", dept) == 0 && rc == STORE_OK)
		verrors_add(cx->errs, "referred_to", "unknown_value");
	if (referred && !party && !jx_has(body, "receiving_party"))
		verrors_add(cx->errs, "receiving_party", "required");
	if (status && strcmp(status, "rejected") == 0 && !reason && !jx_has(body, "reason"))
		verrors_add(cx->errs, "reason", "required");
	if (!referred && (dept || party))
		verrors_add(cx->errs, dept ? "referred_to" : "receiving_party", "only_when_referred");
	if (reason && status && strcmp(status, "rejected") != 0)
		verrors_add(cx->errs, "reason", "only_when_rejected");
	if (cx->errs->n || rc != STORE_OK) {
		json_decref(before);
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	char now[21], today[11];
	audit_now(now);
	date_format(cx->today, today);
	bool closes = !service_status_open(status);
	long long received = 0, at = 0;
	int64_t seconds = 0;
	if (date_parse_instant(json_string_value(json_object_get(before, "received_at")), &received)
	    && date_parse_instant(now, &at))
		seconds = at > received ? (int64_t)(at - received) : 0;
	bool done = strcmp(status, "done") == 0;
	rc = store_exec(cx->db, "UPDATE service_requests SET status = ?,"
		" closed_at = CASE WHEN ? THEN ? ELSE closed_at END,"
		" closed_on = CASE WHEN ? THEN ? ELSE closed_on END,"
		" done_seconds = CASE WHEN ? THEN ? ELSE done_seconds END,"
		" referred_to = ?, receiving_party = ?, reason = ?, version = version + 1 WHERE id = ?",
		"t" "it" "it" "ii" "ttti", status, (int64_t)closes, now, (int64_t)closes, today,
		(int64_t)done, seconds, referred ? dept : NULL, referred ? party : NULL, reason, id);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO service_request_steps(request_id, status, at,"
				" user_id, username, note) VALUES (?, ?, ?, ?, ?, ?)", "ittntt", id, status,
				now, cx->actor->user_id ? &cx->actor->user_id : NULL, cx->actor->username,
				note);
	if (rc == STORE_OK) {
		*out = request_load(cx, id);
		rc = *out ? audit_write(cx, "update", "service_request", id, before, *out) : STORE_ERROR;
	}
	json_decref(before);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

enum outcome service_request_list(struct ctx *cx, const struct service_filter *f, json_t **out)
{
	char lo[16], hi[17], today[11];
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	date_format(cx->today, today);
	const char *prefix = f->community && *f->community ? f->community : "";
	char plo[16] = "", phi[17] = "";
	if (*prefix) {
		snprintf(plo, sizeof(plo), "%s", prefix);
		snprintf(phi, sizeof(phi), "%s:", prefix);
	}
	bool open = f->status && strcmp(f->status, "open") == 0;
	const char *status = open ? NULL : f->status;
	json_t *rows = ledger_rows(cx, REQUEST_NAMES, REQUEST_KINDS, REQUEST_SQL
		" WHERE " SERVICE_SCOPE_SQL
		" AND (? = '' OR (r.community_code >= ? AND r.community_code < ?))"
		" AND (? IS NULL OR r.status = ?) AND (? = 0 OR r.status IN ('received', 'accepted',"
		" 'in_progress')) AND (? = 0 OR (r.status IN ('received', 'accepted', 'in_progress')"
		" AND r.due_on < ?)) AND (? IS NULL OR r.matter = ?) AND (? = 0 OR r.window_id = ?)"
		" AND (? = 0 OR r.household_id = ?) AND (? = 0 OR r.id < ?) ORDER BY r.id DESC LIMIT ?",
		"t" COMMUNITY_SCOPE_TYPES "ttt" "tt" "i" "it" "tt" "ii" "ii" "ii" "i", today,
		COMMUNITY_SCOPE_ARGS(lo, hi), plo, plo, phi,
		status, status, (int64_t)open, (int64_t)f->overdue, today, f->matter, f->matter,
		f->window_id, f->window_id, f->household_id, f->household_id, f->after, f->after,
		(int64_t)f->limit + 1);
	return record_page(cx, rows, f->limit, "id", out);
}
