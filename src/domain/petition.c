/* petition: suggestions and petitions (有话大家说), their catalogue, steps and figures. */
#include "domain/petition.h"

#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/household_guard.h"
#include "domain/division.h"
#include "domain/ledger.h"
#include "domain/record.h"
#include "domain/tx.h"

const char *const petition_channels[] = {"speaking_room", "letters_and_visits",
	"suggestion_box", "integration_office", "talk_booth", NULL};
const char *const petition_satisfactions[] = {"satisfied", "basically_satisfied",
	"dissatisfied", NULL};
const char *const petition_states[] = {"on_track", "at_risk", "breached", NULL};

/* ---------------------------------------------------------------- the state rule */

const char *petition_state(long today, long opened, long deadline, long replied)
{
	if (replied >= 0)
		return replied <= deadline ? "on_track" : "breached";
	if (today > deadline)
		return "breached";
	long period = deadline > opened ? deadline - opened : 0;
	return deadline - today <= period / 5 ? "at_risk" : "on_track";
}

static long day_of(json_t *v)
{
	int y, m, d;
	const char *s = json_string_value(v);
	return s && date_parse(s, &y, &m, &d) ? date_days(y, m, d) : -1;
}

/* Adds "state" to each row (with opened_on, deadline and replied_on). */
static void add_states(struct ctx *cx, json_t *rows)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		long replied = day_of(json_object_get(r, "replied_on"));
		json_object_set_new(r, "state", json_string(petition_state(cx->today,
			day_of(json_object_get(r, "opened_on")), day_of(json_object_get(r, "deadline")),
			replied)));
	}
}

/* ---------------------------------------------------------------- the catalogue */

#define CATEGORY_NAMES "code name_zh name_en deadline_days active"
#define CATEGORY_SQL "SELECT code, name_zh, name_en, deadline_days, active FROM petition_categories"

enum outcome petition_categories_list(struct ctx *cx, json_t **out)
{
	return ledger_items(ledger_rows(cx, CATEGORY_NAMES, "tttib", CATEGORY_SQL
					" ORDER BY sort, code", NULL), out);
}

static json_t *category_load(struct ctx *cx, const char *code)
{
	json_t *rows = ledger_rows(cx, CATEGORY_NAMES, "tttib", CATEGORY_SQL " WHERE code = ?",
				   "t", code);
	json_t *c = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return c;
}

enum outcome petition_category_put(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"code", "name_zh", "name_en", "deadline_days",
		"active", NULL};
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
	int64_t days = 0;
	jx_int(body, "deadline_days", "", true, 1, 90, &days, cx->errs);
	bool active = true;
	jx_bool(body, "active", "", false, &active, cx->errs);
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
	json_t *before = category_load(cx, code);
	int rc = before ? store_exec(cx->db, "UPDATE petition_categories SET name_zh = ?,"
			" name_en = ?, deadline_days = ?, active = ? WHERE code = ?", "ttiit", zh, en,
			days, (int64_t)active, code)
		: store_exec(cx->db, "INSERT INTO petition_categories(code, name_zh, name_en,"
			" deadline_days, active, sort) VALUES (?, ?, ?, ?, ?, (SELECT coalesce(max(sort),"
			" 0) + 10 FROM petition_categories))", "tttii", code, zh, en, days,
			(int64_t)active);
	if (rc == STORE_OK) {
		*out = category_load(cx, code);
		rc = *out ? audit_write(cx, before ? "update" : "create", "petition_category", 0,
					before, *out) : STORE_ERROR;
	}
	json_decref(before);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

/* ---------------------------------------------------------------- petitions */

#define PETITION_NAMES "id community_code household_id household_number person_id" \
	" person_name requester_name anonymous channel category content status received_at" \
	" received_on opened_on deadline reply replied_at replied_on replied_by satisfaction" \
	" appeals version"
#define PETITION_KINDS "itititt" "bttttttt" "ttttttii"
#define PETITION_SQL "SELECT t.id, t.community_code, t.household_id, h.number, t.person_id," \
	" p.name, t.requester_name, t.anonymous, t.channel, t.category, t.content, t.status," \
	" t.received_at, t.received_on, t.opened_on, t.deadline, t.reply, t.replied_at," \
	" t.replied_on, t.replied_by, t.satisfaction, t.appeals, t.version FROM petitions t" \
	" LEFT JOIN households h ON h.id = t.household_id" \
	" LEFT JOIN persons p ON p.id = t.person_id"
#define IN_SCOPE COMMUNITY_SCOPE_SQL("t.community_code", "t.household_id")

/* One petition within the scope, with its steps; NULL when there is none (or on a storage
 * error: store_failed_in_tx tells). */
static json_t *petition_load(struct ctx *cx, int64_t id)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	json_t *rows = ledger_rows(cx, PETITION_NAMES, PETITION_KINDS, PETITION_SQL
		" WHERE t.id = ? AND " IN_SCOPE, "i" COMMUNITY_SCOPE_TYPES, id,
		COMMUNITY_SCOPE_ARGS(lo, hi));
	add_states(cx, rows);
	json_t *r = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!r)
		return NULL;
	json_t *steps = ledger_rows(cx, "kind at user text", "tttt", "SELECT kind, at, username,"
		" text FROM petition_steps WHERE petition_id = ? ORDER BY id", "i", id);
	if (!steps) {
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "steps", steps);
	return r;
}

void petition_etag(json_t *petition, char out[48])
{
	record_etag('t', petition, out);
}

enum outcome petition_get(struct ctx *cx, int64_t id, json_t **out)
{
	return record_get(cx, petition_load, "petition", id, out);
}

static int step(struct ctx *cx, int64_t id, const char *kind, const char *now, const char *text)
{
	return store_exec(cx->db, "INSERT INTO petition_steps(petition_id, kind, at, user_id,"
			  " username, text) VALUES (?, ?, ?, ?, ?, ?)", "ittntt", id, kind, now,
			  cx->actor->user_id ? &cx->actor->user_id : NULL, cx->actor->username, text);
}

enum outcome petition_create(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"person_id", "household_id", "requester_name",
		"anonymous", "channel", "category", "content", "community", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	jx_only(body, allowed, "", cx->errs);
	int64_t person_id = 0, household_id = 0;
	jx_int(body, "person_id", "", false, 1, INT64_MAX, &person_id, cx->errs);
	jx_int(body, "household_id", "", false, 1, INT64_MAX, &household_id, cx->errs);
	const char *name = jx_name(body, "requester_name", "", false, 40, cx->errs);
	bool anonymous = false;
	jx_bool(body, "anonymous", "", true, &anonymous, cx->errs);
	const char *channel = jx_enum(body, "channel", "", true, petition_channels, cx->errs);
	const char *category = jx_string(body, "category", "", true, 40, cx->errs);
	const char *content = jx_string(body, "content", "", true, 2000, cx->errs);
	const char *community = jx_code(body, "community", "", false, 12, cx->errs);
	if (anonymous && (person_id || household_id || name))
		verrors_add(cx->errs, person_id ? "person_id" : household_id ? "household_id"
			    : "requester_name", "anonymous_with_requester");
	if (name && (person_id || household_id))
		verrors_add(cx->errs, "requester_name", "requester_twice");
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
	if (category) {
		days = store_one_int(cx->db, &rc, "SELECT deadline_days FROM petition_categories"
				     " WHERE code = ? AND active = 1", "t", category);
		if (rc == STORE_OK && days == 0)
			verrors_add(cx->errs, "category", "unknown_value");
	}
	/* where: the community named, else the household's destination, else the community of
	 * a community worker's own scope */
	const char *place = community ? community : *dest ? dest
		: strlen(cx->actor->scope) == 12 ? cx->actor->scope : NULL;
	if (!place && !cx->errs->n)
		verrors_add(cx->errs, "community", "required");
	else if (place && !actor_covers(cx->actor, place))
		verrors_add(cx->errs, "community", "out_of_scope");
	else if (place && !division_exists(cx->db, place, 5))
		verrors_add(cx->errs, "community", "unknown_division");
	if (cx->errs->n || rc != STORE_OK)
		return tx_end(cx->db, OUT_INVALID, rc);

	char now[21], today[11], deadline[11];
	audit_now(now);
	date_format(cx->today, today);
	date_format(cx->today + (long)days, deadline);
	rc = store_exec(cx->db, "INSERT INTO petitions(community_code, household_id, person_id,"
		" requester_name, anonymous, channel, category, content, status, received_at,"
		" received_on, opened_on, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)",
		"tnntitttt" "ttt", place, hh ? &hh : NULL, person_id ? &person_id : NULL, name,
		(int64_t)anonymous, channel, category, content, now, today, today, deadline);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	if (rc == STORE_OK)
		rc = step(cx, id, "received", now, NULL);
	if (rc == STORE_OK) {
		*out = petition_load(cx, id);
		rc = *out ? audit_write(cx, "create", "petition", id, NULL, *out) : STORE_ERROR;
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

static enum outcome petition_writable(struct ctx *cx, json_t *record)
{
	(void)record;
	return role_can_edit_registry(cx->actor->role) ? OUT_OK : OUT_FORBIDDEN;
}

enum outcome petition_act(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			  json_t **out)
{
	static const char *const allowed[] = {"action", "content", "satisfaction", "reason", NULL};
	static const char *const actions[] = {"reply", "rate", "appeal", NULL};
	static const struct tx_record kind = {.load = petition_load, .etag = petition_etag,
		.writable = petition_writable};
	json_t *before = NULL;
	*out = NULL;
	enum outcome res = tx_begin_change(cx, &kind, id, if_match ? if_match : "*", body, &before);
	if (res != OUT_OK)
		return res;
	jx_only(body, allowed, "", cx->errs);
	const char *action = jx_enum(body, "action", "", true, actions, cx->errs);
	const char *status = json_string_value(json_object_get(before, "status"));
	bool replied = status && strcmp(status, "replied") == 0;
	const char *text = NULL, *satisfaction = NULL;
	if (action && strcmp(action, "reply") == 0) {
		text = jx_string(body, "content", "", true, 2000, cx->errs);
		if (replied)
			verrors_add(cx->errs, "action", "petition_already_replied");
	} else if (action && strcmp(action, "rate") == 0) {
		satisfaction = jx_enum(body, "satisfaction", "", true, petition_satisfactions,
				       cx->errs);
		if (!replied)
			verrors_add(cx->errs, "action", "petition_not_replied");
	} else if (action) {
		text = jx_string(body, "reason", "", true, 500, cx->errs);
		if (!replied)
			verrors_add(cx->errs, "action", "petition_not_replied");
	}
	if (action && strcmp(action, "reply") != 0 && jx_has(body, "content"))
		verrors_add(cx->errs, "content", "only_when_replying");
	if (action && strcmp(action, "rate") != 0 && jx_has(body, "satisfaction"))
		verrors_add(cx->errs, "satisfaction", "only_when_rating");
	if (action && strcmp(action, "appeal") != 0 && jx_has(body, "reason"))
		verrors_add(cx->errs, "reason", "only_when_appealing");
	int rc = STORE_OK;
	int64_t days = 0;
	if (action && strcmp(action, "appeal") == 0 && !cx->errs->n) {
		days = store_one_int(cx->db, &rc, "SELECT deadline_days FROM petition_categories"
			" WHERE code = ?", "t", json_string_value(json_object_get(before, "category")));
		if (rc == STORE_OK && days == 0)
			rc = STORE_ERROR;	/* a category is never deleted */
	}
	if (cx->errs->n || rc != STORE_OK) {
		json_decref(before);
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	char now[21], today[11], deadline[11];
	audit_now(now);
	date_format(cx->today, today);
	date_format(cx->today + (long)days, deadline);
	if (strcmp(action, "reply") == 0) {
		rc = store_exec(cx->db, "UPDATE petitions SET status = 'replied', reply = ?,"
			" replied_at = ?, replied_on = ?, replied_by = ?, version = version + 1"
			" WHERE id = ?", "tttti", text, now, today, cx->actor->username, id);
		if (rc == STORE_OK)
			rc = step(cx, id, "replied", now, text);
	} else if (strcmp(action, "rate") == 0) {
		rc = store_exec(cx->db, "UPDATE petitions SET satisfaction = ?, version = version + 1"
				" WHERE id = ?", "ti", satisfaction, id);
		if (rc == STORE_OK)
			rc = step(cx, id, "rated", now, satisfaction);
	} else {
		/* the appeal reopens it: a reply is due again, in the category's days from today;
		 * the earlier reply stays in the steps */
		rc = store_exec(cx->db, "UPDATE petitions SET status = 'open', reply = NULL,"
			" replied_at = NULL, replied_on = NULL, replied_by = NULL, satisfaction = NULL,"
			" opened_on = ?, deadline = ?, appeals = appeals + 1, version = version + 1"
			" WHERE id = ?", "tti", today, deadline, id);
		if (rc == STORE_OK)
			rc = step(cx, id, "appealed", now, text);
	}
	if (rc == STORE_OK) {
		*out = petition_load(cx, id);
		rc = *out ? audit_write(cx, "update", "petition", id, before, *out) : STORE_ERROR;
	}
	json_decref(before);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

enum outcome petition_list(struct ctx *cx, const struct petition_filter *f, json_t **out)
{
	char lo[16], hi[17], today[11], plo[16] = "", phi[17] = "";
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	date_format(cx->today, today);
	if (f->community && *f->community) {
		snprintf(plo, sizeof(plo), "%s", f->community);
		snprintf(phi, sizeof(phi), "%s:", f->community);
	}
	json_t *rows = ledger_rows(cx, PETITION_NAMES, PETITION_KINDS, PETITION_SQL
		" WHERE " IN_SCOPE " AND (? = '' OR (t.community_code >= ? AND t.community_code < ?))"
		" AND (? IS NULL OR t.status = ?) AND (? = 0 OR (t.status = 'open' AND t.deadline < ?))"
		" AND (? IS NULL OR t.category = ?) AND (? IS NULL OR t.channel = ?)"
		" AND (? = 0 OR t.household_id = ?) AND (? = 0 OR t.id < ?) ORDER BY t.id DESC LIMIT ?",
		COMMUNITY_SCOPE_TYPES "ttt" "tt" "it" "tt" "tt" "ii" "ii" "i", COMMUNITY_SCOPE_ARGS(lo, hi),
		plo, plo, phi, f->status,
		f->status, (int64_t)f->overdue, today, f->category, f->category, f->channel, f->channel,
		f->household_id, f->household_id, f->after, f->after, (int64_t)f->limit + 1);
	add_states(cx, rows);	/* none when NULL */
	return record_page(cx, rows, f->limit, "id", out);
}

/* ---------------------------------------------------------------- figures */

static const char *const figure_keys[] = {"petitions", "open", "on_track", "at_risk",
	"breached", "overdue", "replied", "replied_in_time", "satisfied", "dissatisfied",
	"appealed", NULL};
enum { F_PETITIONS, F_OPEN, F_ON_TRACK, F_AT_RISK, F_BREACHED, F_OVERDUE, F_REPLIED,
	F_IN_TIME, F_SATISFIED, F_DISSATISFIED, F_APPEALED, F_COUNT };

/* The counts of one petition, added to a group's row of counts. */
static void figure_add(int64_t *g, const char *state, bool open, const char *satisfaction,
		       int64_t appeals)
{
	g[F_PETITIONS]++;
	g[F_OPEN] += open;
	g[F_REPLIED] += !open;
	g[F_ON_TRACK] += strcmp(state, "on_track") == 0;
	g[F_AT_RISK] += strcmp(state, "at_risk") == 0;
	g[F_BREACHED] += strcmp(state, "breached") == 0;
	g[F_OVERDUE] += open && strcmp(state, "breached") == 0;
	g[F_IN_TIME] += !open && strcmp(state, "on_track") == 0;
	g[F_SATISFIED] += satisfaction && strcmp(satisfaction, "dissatisfied") != 0;
	g[F_DISSATISFIED] += satisfaction && strcmp(satisfaction, "dissatisfied") == 0;
	g[F_APPEALED] += appeals > 0;
}

/* The counts as JSON (the schema PetitionFigures), with key and name for a group. */
static json_t *figure_json(const int64_t *g, const char *key, const char *name)
{
	json_t *row = json_object();
	for (int i = 0; i < F_COUNT; i++)
		json_object_set_new(row, figure_keys[i], json_integer(g[i]));
	if (key) {
		json_object_set_new(row, "key", json_string(key));
		json_object_set_new(row, "name", json_string(name ? name : key));
	}
	return row;
}

enum outcome petition_figures(struct ctx *cx, const char *community, json_t **out)
{
	char lo[16], hi[17], plo[16] = "", phi[17] = "";
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	if (community && *community) {
		snprintf(plo, sizeof(plo), "%s", community);
		snprintf(phi, sizeof(phi), "%s:", community);
	}
	json_t *cats = ledger_rows(cx, "code name", "tt", "SELECT code, name_zh FROM"
				   " petition_categories ORDER BY sort, code", NULL);
	if (!cats)
		return OUT_INTERNAL;
	size_t ncat = json_array_size(cats), nch = 0;
	while (petition_channels[nch])
		nch++;
	int64_t all[F_COUNT] = {0};
	int64_t *by_cat = calloc((ncat + 1) * F_COUNT, sizeof(int64_t));
	int64_t *by_ch = calloc(nch * F_COUNT, sizeof(int64_t));
	json_t *index = json_object();
	size_t i;
	json_t *c;
	json_array_foreach(cats, i, c)
		json_object_set_new(index, json_string_value(json_object_get(c, "code")),
				    json_integer((json_int_t)i));
	/* one pass over the petitions in the scope, grouped here */
	struct store_rows *r = by_cat && by_ch ? store_query(cx->db, "SELECT t.category, t.channel,"
		" t.status, t.opened_on, t.deadline, t.replied_on, t.satisfaction, t.appeals"
		" FROM petitions t WHERE " IN_SCOPE
		" AND (? = '' OR (t.community_code >= ? AND t.community_code < ?))",
		COMMUNITY_SCOPE_TYPES "ttt", COMMUNITY_SCOPE_ARGS(lo, hi), plo, plo, phi) : NULL;
	while (r && store_next(r)) {
		int y, m, d;
		long opened = date_parse(store_text(r, 3), &y, &m, &d) ? date_days(y, m, d) : 0;
		long deadline = date_parse(store_text(r, 4), &y, &m, &d) ? date_days(y, m, d) : 0;
		long replied = !store_null(r, 5) && date_parse(store_text(r, 5), &y, &m, &d)
			? date_days(y, m, d) : -1;
		const char *state = petition_state(cx->today, opened, deadline, replied);
		bool open = strcmp(store_text(r, 2), "open") == 0;
		const char *sat = store_null(r, 6) ? NULL : store_text(r, 6);
		int64_t appeals = store_int(r, 7);
		figure_add(all, state, open, sat, appeals);
		json_t *at = json_object_get(index, store_text(r, 0));
		figure_add(by_cat + (at ? (size_t)json_integer_value(at) : ncat) * F_COUNT, state, open,
			   sat, appeals);
		for (size_t k = 0; k < nch; k++)
			if (strcmp(petition_channels[k], store_text(r, 1)) == 0)
				figure_add(by_ch + k * F_COUNT, state, open, sat, appeals);
	}
	enum outcome res = r && store_finish(r) == STORE_OK ? OUT_OK : OUT_INTERNAL;
	if (res == OUT_OK) {
		json_t *cat_rows = json_array(), *ch_rows = json_array();
		json_array_foreach(cats, i, c)
			if (by_cat[i * F_COUNT + F_PETITIONS])
				json_array_append_new(cat_rows, figure_json(by_cat + i * F_COUNT,
					json_string_value(json_object_get(c, "code")),
					json_string_value(json_object_get(c, "name"))));
		for (size_t k = 0; k < nch; k++)
			if (by_ch[k * F_COUNT + F_PETITIONS])
				json_array_append_new(ch_rows, figure_json(by_ch + k * F_COUNT,
					petition_channels[k], NULL));
		*out = json_pack("{s:o, s:o, s:o}", "totals", figure_json(all, NULL, NULL),
				 "by_category", cat_rows, "by_channel", ch_rows);
	}
	free(by_cat);
	free(by_ch);
	json_decref(index);
	json_decref(cats);
	return res;
}
