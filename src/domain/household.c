/* household: validation, creation (one at a time or grouped), changes and closing of
 * relocated households (reading them: household_read.c). */
#include "domain/household.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/checklist.h"
#include "domain/tx.h"
#include "domain/division.h"
#include "domain/person.h"

const char *const household_categories[] = {"registered_poor", "synchronous", NULL};
const char *const household_statuses[] = {"planned", "relocated", "settled", "closed", NULL};
static const char *const open_statuses[] = {"planned", "relocated", "settled", NULL};

#define MAX_MEMBERS PERSON_INSERT_MAX

/* ---------------------------------------------------------------- validation */

/* The fields a household carries besides its members; NULL when not given. */
struct household_in {
	const char *number, *category, *status, *origin_village, *dest_community;
	const char *relocation_date, *phone, *note;
	int64_t site_id, room_id;
	bool has_site, has_room;
};

static const char *const household_fields[] = {
	"number", "category", "status", "origin_village", "dest_community", "site_id", "room_id",
	"relocation_date", "phone", "note", "members", NULL,
};

/* Where a household's fields come from: a JSON body (the API) or texts (an import); the
 * same validators judge either (jx_text and its kin under the jx_ getters). */
struct fields_src {
	json_t *body;
	const struct jx_pairs *t;
};

static const char *f_string(const struct fields_src *s, const char *key, bool required,
			    size_t max, struct verrors *e)
{
	return !s->t ? jx_string(s->body, key, "", required, max, e)
		: jx_text(jx_pairs_get(s->t, key), key, "", required, max, e);
}

static const char *f_enum(const struct fields_src *s, const char *key, bool required,
			  const char *const *values, struct verrors *e)
{
	return !s->t ? jx_enum(s->body, key, "", required, values, e)
		: jx_text_enum(jx_pairs_get(s->t, key), key, "", required, values, e);
}

static const char *f_code(const struct fields_src *s, const char *key, bool required,
			  int digits, struct verrors *e)
{
	return !s->t ? jx_code(s->body, key, "", required, digits, e)
		: jx_text_code(jx_pairs_get(s->t, key), key, "", required, digits, e);
}

static const char *f_date(const struct fields_src *s, const char *key, bool required,
			  struct verrors *e)
{
	return !s->t ? jx_date(s->body, key, "", required, e)
		: jx_text_date(jx_pairs_get(s->t, key), key, "", required, e);
}

static void parse_src(struct ctx *cx, const struct fields_src *src, bool create,
		      struct household_in *h)
{
	struct verrors *e = cx->errs;
	memset(h, 0, sizeof(*h));
	h->number = f_string(src, "number", false, 32, e);
	if (h->number && strspn(h->number, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"abcdefghijklmnopqrstuvwxyz-") != strlen(h->number)) {
		verrors_add(e, "number", "invalid_number");
		h->number = NULL;
	}
	h->category = f_enum(src, "category", create, household_categories, e);
	h->status = f_enum(src, "status", false, open_statuses, e);
	const char *status = !src->t ? json_string_value(json_object_get(src->body, "status"))
		: jx_pairs_get(src->t, "status");
	if (!h->status && status && strcmp(status, "closed") == 0)
		e->items[e->n - 1].code = "use_close";
	h->origin_village = f_code(src, "origin_village", create, 12, e);
	if (h->origin_village && !division_exists(cx->db, h->origin_village, 5)) {
		verrors_add(e, "origin_village", "unknown_division");
		h->origin_village = NULL;
	}
	h->dest_community = f_code(src, "dest_community", false, 12, e);
	if (h->dest_community && !division_exists(cx->db, h->dest_community, 5)) {
		verrors_add(e, "dest_community", "unknown_division");
		h->dest_community = NULL;
	}
	if (!src->t) {	/* texts name no site or room (texts_fields refuses them) */
		h->has_site = jx_int(src->body, "site_id", "", false, 1, INT64_MAX, &h->site_id, e);
		h->has_room = jx_int(src->body, "room_id", "", false, 1, INT64_MAX, &h->room_id, e);
	}
	h->relocation_date = f_date(src, "relocation_date", false, e);
	if (h->relocation_date) {
		/* the programme began in the 1980s; a move is planned a few years ahead at most
		 * (9999-12-31, a placeholder someone typed, is not a date anyone moved on) */
		char latest[11];
		date_format(cx->today + HOUSEHOLD_PLAN_AHEAD_DAYS, latest);
		if (strcmp(h->relocation_date, "1980-01-01") < 0 ||
		    strcmp(h->relocation_date, latest) > 0) {
			verrors_add(e, "relocation_date", "out_of_range");
			h->relocation_date = NULL;
		}
	}
	h->phone = f_string(src, "phone", false, 20, e);
	if (h->phone && !person_phone_ok(h->phone)) {
		verrors_add(e, "phone", "invalid_phone");
		h->phone = NULL;
	}
	h->note = f_string(src, "note", false, 500, e);
}

static void parse_fields(struct ctx *cx, json_t *body, bool create, struct household_in *h)
{
	const struct fields_src src = {.body = body};
	parse_src(cx, &src, create, h);
}

/* Site and room must exist and agree with each other and with the destination community;
 * fills dest_community from the site when it was not given. */
static void check_placement(struct ctx *cx, struct household_in *h, int64_t self)
{
	int rc;
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	if (h->has_room) {
		/* A room of a site outside the actor's scope does not exist for them: neither
		 * placing a household there nor learning whether it is taken. */
		int64_t site = store_one_int(cx->db, &rc, "SELECT b.site_id FROM rooms r"
			" JOIN buildings b ON b.id = r.building_id JOIN sites s ON s.id = b.site_id"
			" WHERE r.id = ? AND (? = '' OR (s.community_code >= ? AND s.community_code < ?))",
			"ittt", h->room_id, lo, lo, hi);
		if (!site)
			verrors_add(cx->errs, "room_id", "unknown_room");
		else if (h->has_site && site != h->site_id)
			verrors_add(cx->errs, "room_id", "room_not_in_site");
		else {
			h->has_site = true;
			h->site_id = site;
		}
		if (site && store_one_int(cx->db, &rc, "SELECT count(*) FROM households WHERE"
				" room_id = ? AND status <> 'closed' AND id <> ?", "ii",
				h->room_id, self) > 0)
			verrors_add(cx->errs, "room_id", "room_taken");
	}
	if (h->has_site) {
		struct store_rows *r = store_query(cx->db, "SELECT community_code FROM sites"
			" WHERE id = ? AND (? = '' OR (community_code >= ? AND community_code < ?))",
			"ittt", h->site_id, lo, lo, hi);
		if (!store_next(r)) {
			verrors_add(cx->errs, "site_id", "unknown_site");
		} else {
			const char *code = arena_strdup(cx->arena, store_text(r, 0));
			if (h->dest_community && code && strcmp(code, h->dest_community) != 0)
				verrors_add(cx->errs, "dest_community", "site_not_in_community");
			else
				h->dest_community = code;
		}
		store_finish(r);
	}
}

static bool in_scope(struct ctx *cx, const char *origin, const char *dest)
{
	return actor_covers(cx->actor, origin) || (dest && actor_covers(cx->actor, dest));
}

/* Next free number in the village: village code + 4-digit sequence. */
static const char *next_number(struct ctx *cx, const char *village)
{
	/* One past the last number the village gave out (household_numbers, 007), then the
	 * first that nobody has (a typed number may sit there); the counter moves on in the
	 * same transaction. A village with no counter yet (households from before 007 were
	 * counted by the migration; the demo writes none) starts from its households. */
	int rc;
	int64_t seq = store_one_int(cx->db, &rc, "SELECT last FROM household_numbers"
				    " WHERE village = ?", "t", village);
	if (rc == STORE_OK && seq == 0) {
		char hi[17];
		snprintf(hi, sizeof(hi), "%s:", village);
		seq = store_one_int(cx->db, &rc, "SELECT count(*) FROM households"
				    " WHERE number >= ? AND number < ?", "tt", village, hi);
	}
	for (seq++;; seq++) {
		const char *n = arena_printf(cx->arena, "%s%04lld", village, (long long)seq);
		if (!n || store_one_int(cx->db, &rc, "SELECT count(*) FROM households"
					" WHERE number = ?", "t", n) == 0) {
			if (n)
				store_exec(cx->db, "INSERT INTO household_numbers (village, last)"
					   " VALUES (?, ?) ON CONFLICT (village) DO UPDATE"
					   " SET last = excluded.last", "ti", village, seq);
			return n;
		}
	}
}

/* ---------------------------------------------------------------- operations */

int household_insert(struct ctx *cx, const struct household_row *h, int64_t *id)
{
	char now[21];
	audit_now(now);
	int rc = store_exec(cx->db, "INSERT INTO households(number, category, status,"
		" origin_village, dest_community, site_id, room_id, relocation_date, phone, note,"
		" created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"tttttnnttttt", h->number, h->category, h->status, h->origin_village,
		h->dest_community, h->site_id, h->room_id, h->relocation_date, h->phone, h->note,
		now, now);
	*id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	return rc;
}

static enum outcome finish(struct ctx *cx, enum outcome res, int rc, json_t **out)
{
	return tx_end_out(cx->db, res, rc, out);
}

struct create_args {
	json_t *body;
	json_t **out;
};

/* A new household's source: the API's JSON body, or (an import) the household's texts and
 * its members' (h not NULL). */
struct create_src {
	json_t *body;
	const struct jx_pairs *h;
	const struct jx_pairs *members;
	int nmembers;
};

/* The audit row of a household created from texts: the same JSON the body's copy gave
 * (its fields as given, id, number and status as written, members as given; keys sorted),
 * written straight from the texts rather than built, copied and dumped by jansson. */
static int audit_created(struct ctx *cx, const struct create_src *src, int64_t id,
			 const char *number, const char *status, const char *detail)
{
	struct buf members = BUF_INIT, after = BUF_INIT;
	buf_putc(&members, '[');
	for (int i = 0; i < src->nmembers; i++) {
		if (i)
			buf_putc(&members, ',');
		jx_dump_sorted(&members, src->members[i].n, src->members[i].key,
			       src->members[i].val, NULL);
	}
	buf_putc(&members, ']');
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	const char *key[JX_PAIRS_MAX + 4], *val[JX_PAIRS_MAX + 4];
	bool raw[JX_PAIRS_MAX + 4] = {false};
	int n = 0;
	for (int i = 0; i < src->h->n; i++)
		if (strcmp(src->h->key[i], "number") && strcmp(src->h->key[i], "status") &&
		    strcmp(src->h->key[i], "members") && strcmp(src->h->key[i], "id")) {
			key[n] = src->h->key[i];
			val[n++] = src->h->val[i];
		}
	key[n] = "id", val[n] = idtext, raw[n++] = true;
	key[n] = "number", val[n++] = number;
	key[n] = "status", val[n++] = status;
	key[n] = "members", val[n] = members.data, raw[n++] = true;
	jx_dump_sorted(&after, n, key, val, raw);
	int rc = STORE_ERROR;
	if (!members.failed && !after.failed) {
		char now[21];
		audit_now(now);
		const struct actor *ac = cx->actor;
		struct audit_row arow = {
			.at = now, .user_id = ac->user_id, .username = ac->username,
			.address = ac->address, .action = "create", .entity = "household",
			.entity_id = &id, .after = after.data, .detail = detail,
		};
		rc = audit_chain_append(cx->db, &arow);
	}
	buf_release(&members);
	buf_release(&after);
	return rc;
}

/* The creation inside an open write transaction: validates into cx->errs (OUT_INVALID,
 * nothing written) or inserts the household, its members, its index entry and the audit
 * row; *id is the new household's, *out the household when out is not NULL. */
static enum outcome create_rows(struct ctx *cx, const struct create_src *src,
				struct id_probes *probes, const char *detail, int64_t *idp,
				json_t **out)
{
	struct household_in h;
	struct person_in members[MAX_MEMBERS];
	size_t nmembers = 0;
	json_t *body = src->body;
	const struct fields_src fsrc = {.body = body, .t = src->h};
	parse_src(cx, &fsrc, true, &h);
	check_placement(cx, &h, 0);
	if (h.origin_village && !in_scope(cx, h.origin_village, h.dest_community)) {
		/* neither is in the actor's area: either could be the one to change */
		verrors_add(cx->errs, "origin_village", "out_of_scope");
		if (h.dest_community)
			verrors_add(cx->errs, "dest_community", "out_of_scope");
	}
	if (h.number && !cx->checked) {
		int rc;
		if (store_one_int(cx->db, &rc, "SELECT count(*) FROM households WHERE number = ?",
				  "t", h.number))
			verrors_add(cx->errs, "number", "number_taken");
	}

	json_t *arr = src->h ? NULL : json_object_get(body, "members");
	size_t given = src->h ? (size_t)src->nmembers : json_array_size(arr);
	if ((!src->h && !json_is_array(arr)) || given == 0) {
		verrors_add(cx->errs, "members", arr || src->h ? "members_empty" : "required");
	} else if (given > MAX_MEMBERS) {
		verrors_add(cx->errs, "members", "too_many");
	} else {
		int heads = 0;
		nmembers = given;
		for (size_t i = 0; i < nmembers; i++) {
			char prefix[32];
			snprintf(prefix, sizeof(prefix), "members[%zu].", i);
			static const char *const allowed[] = {"id_number", "name", "gender",
				"birth_date", "relation", "ethnicity", "education", "health",
				"labor_capacity", "phone", NULL};
			if (src->h) {
				jx_pairs_only(&src->members[i], allowed, prefix, cx->errs);
				person_parse_pairs(cx, &src->members[i], prefix, true, &members[i]);
			} else {
				json_t *m = json_array_get(arr, i);
				if (json_is_object(m))
					jx_only(m, allowed, prefix, cx->errs);
				person_parse(cx, m, prefix, true, &members[i]);
			}
			if (members[i].relation && strcmp(members[i].relation, "head") == 0)
				heads++;
			if (!members[i].has_id)
				continue;
			for (size_t j = 0; j < i; j++)
				if (members[j].has_id &&
				    strcmp(members[j].idn.number, members[i].idn.number) == 0)
					verrors_addf(cx->errs, prefix, "id_number", "id_number_duplicate");
			if (!cx->checked && !person_id_available(cx, members[i].idn.number, 0, probes))
				verrors_addf(cx->errs, prefix, "id_number", "id_number_taken");
		}
		if (heads != 1 && cx->errs->n == 0)
			verrors_add(cx->errs, "members", heads ? "several_heads" : "no_head");
	}
	if (cx->errs->n)
		return OUT_INVALID;
	if (cx->check_only)
		return OUT_OK;

	char now[21];
	audit_now(now);
	struct household_row row = {
		.number = h.number ? h.number : next_number(cx, h.origin_village),
		.category = h.category, .status = h.status ? h.status : "planned",
		.origin_village = h.origin_village, .dest_community = h.dest_community,
		.site_id = h.has_site ? &h.site_id : NULL, .room_id = h.has_room ? &h.room_id : NULL,
		.relocation_date = h.relocation_date, .phone = h.phone, .note = h.note,
	};
	int64_t id = 0;
	int rc = household_insert(cx, &row, &id);
	int64_t pids[MAX_MEMBERS];
	if (rc == STORE_OK)	/* the members in one statement, their events in another */
		rc = person_insert_many(cx, id, members, (int)nmembers, "registered",
			h.relocation_date ? h.relocation_date : arena_strndup(cx->arena, now, 10), pids);
	if (rc == STORE_OK)
		rc = household_index(cx, id);
	if (rc == STORE_OK && src->h) {
		/* Given as texts (an import): the audit row keeps what was written, the row and
		 * its members as given, numbered, written as JSON straight from the texts */
		rc = audit_created(cx, src, id, row.number, row.status, detail);
	} else if (rc == STORE_OK) {
		/* Without a caller to answer (an import), the audit row keeps what was written:
		 * the row and its members as given, numbered, without re-reading the household. */
		json_t *made = out ? household_load(cx, id) : json_deep_copy(body);
		if (made && !out) {
			json_object_set_new(made, "id", json_integer(id));
			json_object_set_new(made, "number", json_string(row.number));
			json_object_set_new(made, "status", json_string(row.status));
		}
		rc = made ? audit_write_detail(cx, "create", "household", id, NULL, made, detail)
			: STORE_ERROR;
		if (out)
			*out = made;
		else
			json_decref(made);
	}
	*idp = id;
	return rc == STORE_OK ? OUT_OK : rc == STORE_CONSTRAINT ? OUT_CONFLICT : OUT_INTERNAL;
}

static enum outcome create_op(struct ctx *cx, void *arg)
{
	json_t *body = ((struct create_args *)arg)->body;
	json_t **out = ((struct create_args *)arg)->out;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, household_fields, "", cx->errs);
	enum outcome began = tx_begin(cx->db);
	if (began != OUT_OK)
		return began;
	struct id_probes probes = {.n = 0};
	int64_t id = 0;
	const struct create_src src = {.body = body};
	enum outcome res = create_rows(cx, &src, &probes, NULL, &id, out);
	if (res == OUT_INVALID)	/* a refused create that found a number taken is audited */
		return person_probes_audit(cx, &probes, finish(cx, OUT_INVALID, STORE_OK, out));
	return finish(cx, OUT_OK, res == OUT_OK ? STORE_OK
		      : res == OUT_CONFLICT ? STORE_CONSTRAINT : STORE_ERROR, out);
}

enum outcome household_create_in_tx(struct ctx *cx, json_t *body, const char *detail,
				    int64_t *id)
{
	*id = 0;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, household_fields, "", cx->errs);
	const struct create_src src = {.body = body};
	return create_rows(cx, &src, NULL, detail, id, NULL);
}

enum outcome household_create_texts_in_tx(struct ctx *cx, const struct jx_pairs *h,
					  const struct jx_pairs *members, int nmembers,
					  const char *detail, int64_t *id)
{
	*id = 0;
	static const char *const texts_fields[] = {"number", "category", "status",
		"origin_village", "dest_community", "relocation_date", "phone", "note", NULL};
	jx_pairs_only(h, texts_fields, "", cx->errs);
	const struct create_src src = {.h = h, .members = members, .nmembers = nmembers};
	return create_rows(cx, &src, NULL, detail, id, NULL);
}

/* Creations are the write that comes in crowds (an office entering a village's forms), so
 * they share commits with whatever other creations are waiting (tx_grouped). */
enum outcome household_create(struct ctx *cx, json_t *body, json_t **out)
{
	struct create_args args = {body, out};
	*out = NULL;
	return tx_grouped(cx, create_op, &args, out);
}

void household_create_submit(struct ctx *cx, json_t *body, json_t **out, enum outcome *res,
			     void (*notify)(void *), void *notify_arg)
{
	struct create_args *args = arena_alloc(cx->arena, sizeof(*args));
	*out = NULL;
	if (!args) {
		*res = OUT_INTERNAL;
		notify(notify_arg);
		return;
	}
	*args = (struct create_args){body, out};
	tx_grouped_submit(cx, create_op, args, out, res, notify, notify_arg);
}

int household_index(struct ctx *cx, int64_t id)
{
	int rc = STORE_OK;
	struct store_rows *r = store_query(cx->db, "SELECT h.number,"
		" (SELECT short_name FROM divisions WHERE code = h.origin_village),"
		" (SELECT short_name FROM divisions WHERE code = h.dest_community),"
		" (SELECT name FROM sites WHERE id = h.site_id)"
		" FROM households h WHERE h.id = ?", "i", id);
	if (store_next(r)) {
		const char *text = arena_printf(cx->arena, "%s %s %s %s", store_text(r, 0),
						store_text(r, 1), store_text(r, 2), store_text(r, 3));
		rc = store_finish(r);
		return rc == STORE_OK ? store_index_put(cx->db, STORE_DOC_HOUSEHOLD, id, text) : rc;
	}
	return store_finish(r);
}

/* household_guard_writable for a loaded household (tx_record). */
static enum outcome writable_record(struct ctx *cx, json_t *household)
{
	return household_guard_writable(cx, json_integer_value(json_object_get(household, "id")));
}

/* The change of household `id` (loaded as `before`) inside an open write transaction:
 * validates into cx->errs (OUT_INVALID) or updates, re-indexes and audits (with `detail`);
 * *rc is the store's answer, *out the household after. */
static enum outcome patch_rows(struct ctx *cx, int64_t id, json_t *body, json_t *before,
			       const char *detail, int *rcp, json_t **out)
{
	struct household_in h;
	int rc = STORE_OK;
	enum outcome res = OUT_OK;
	static const char *const patchable[] = {"number", "category", "status", "origin_village",
		"dest_community", "site_id", "room_id", "relocation_date", "phone", "note", NULL};
	jx_only(body, patchable, "", cx->errs);
	parse_fields(cx, body, false, &h);
	if (!h.has_room && !h.has_site && !h.dest_community) {
		/* placement unchanged unless given */
	} else {
		check_placement(cx, &h, id);
	}
	const char *old_status = json_string_value(json_object_get(before, "status"));
	if (h.status) {
		int from = 0, to = 0;
		for (int i = 0; open_statuses[i]; i++) {
			if (strcmp(open_statuses[i], old_status) == 0) from = i;
			if (strcmp(open_statuses[i], h.status) == 0) to = i;
		}
		if (to < from)
			verrors_add(cx->errs, "status", "status_backwards");
	}
	if (h.number && strcmp(h.number, json_string_value(json_object_get(before, "number")))) {
		if (store_one_int(cx->db, &rc, "SELECT count(*) FROM households WHERE number = ?",
				  "t", h.number))
			verrors_add(cx->errs, "number", "number_taken");
	}
	const char *origin = h.origin_village ? h.origin_village
		: json_string_value(json_object_get(before, "origin_village"));
	const char *dest = jx_has(body, "dest_community") || h.has_site ? h.dest_community
		: json_string_value(json_object_get(before, "dest_community"));
	if (!in_scope(cx, origin, dest))
		verrors_add(cx->errs, h.origin_village ? "origin_village" : "dest_community",
			    "out_of_scope");
	if (cx->errs->n) {
		res = OUT_INVALID;
		goto done;
	}
	if (cx->check_only)
		goto done;

	/* Each column keeps its value unless the body names it; a JSON null clears it. */
	char now[21];
	audit_now(now);
#define GIVEN(k) tx_given(body, k)
	rc = store_exec(cx->db, "UPDATE households SET"
		" number = CASE WHEN ? THEN ? ELSE number END,"
		" category = CASE WHEN ? THEN ? ELSE category END,"
		" status = CASE WHEN ? THEN ? ELSE status END,"
		" origin_village = CASE WHEN ? THEN ? ELSE origin_village END,"
		" dest_community = CASE WHEN ? THEN ? ELSE dest_community END,"
		" site_id = CASE WHEN ? THEN ? ELSE site_id END,"
		" room_id = CASE WHEN ? THEN ? ELSE room_id END,"
		" relocation_date = CASE WHEN ? THEN ? ELSE relocation_date END,"
		" phone = CASE WHEN ? THEN ? ELSE phone END,"
		" note = CASE WHEN ? THEN ? ELSE note END,"
		" version = version + 1, updated_at = ? WHERE id = ?",
		"itititititininitititti",
		(int64_t)(h.number != NULL), h.number,
		(int64_t)(h.category != NULL), h.category,
		(int64_t)(h.status != NULL), h.status,
		(int64_t)(h.origin_village != NULL), h.origin_village,
		(int64_t)(GIVEN("dest_community") || h.has_site), h.dest_community,
		(int64_t)(GIVEN("site_id") || h.has_site),
		h.has_site ? &h.site_id : NULL,
		(int64_t)GIVEN("room_id"), h.has_room ? &h.room_id : NULL,
		(int64_t)GIVEN("relocation_date"), h.relocation_date,
		(int64_t)GIVEN("phone"), h.phone,
		(int64_t)GIVEN("note"), h.note,
		now, id);
#undef GIVEN
	if (rc == STORE_OK)
		rc = household_index(cx, id);
	if (rc == STORE_OK) {
		*out = household_load(cx, id);
		rc = *out ? audit_write_detail(cx, "update", "household", id, before, *out, detail)
			: STORE_ERROR;
	}
	if (rc == STORE_CONSTRAINT) {
		verrors_add(cx->errs, h.has_room ? "room_id" : "number", "conflict");
		res = OUT_INVALID;
	}
done:
	*rcp = rc;
	return res;
}

enum outcome household_patch(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			     json_t **out)
{
	static const struct tx_record kind = {.load = household_load, .etag = household_etag,
					       .writable = writable_record};
	json_t *before;
	int rc = STORE_OK;
	*out = NULL;
	enum outcome res = tx_begin_change(cx, &kind, id, if_match, body, &before);
	if (res != OUT_OK)
		return res;
	res = patch_rows(cx, id, body, before, NULL, &rc, out);
	res = tx_end_change(cx, res, rc, before, out);	/* the same again: nothing kept */
	json_decref(before);
	return res;
}

enum outcome household_update_in_tx(struct ctx *cx, int64_t id, json_t *body,
				    const char *detail, bool *changed)
{
	int rc = STORE_OK;
	json_t *out = NULL;
	*changed = false;
	json_t *before = household_load(cx, id);
	if (!before)
		return OUT_NOT_FOUND;
	enum outcome res = household_guard_writable(cx, id);
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v) {
		json_t *was = json_object_get(before, key);
		if (!json_equal(was ? was : json_null(), v))
			*changed = true;
	}
	if (res == OUT_OK && *changed) {
		res = patch_rows(cx, id, body, before, detail, &rc, &out);
		if (res == OUT_OK && rc != STORE_OK)
			res = rc == STORE_CONSTRAINT ? OUT_CONFLICT : OUT_INTERNAL;
	}
	json_decref(out);
	json_decref(before);
	return res;
}

enum outcome household_close(struct ctx *cx, int64_t id, json_t *body, json_t **out)
{
	*out = NULL;
	static const char *const allowed[] = {"reason", "date", NULL};
	static const char *const reasons[] = {"dissolved", "merged", "left", "duplicate", NULL};
	enum outcome res = OUT_OK;
	int rc = STORE_OK;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	const char *reason = jx_enum(body, "reason", "", true, reasons, cx->errs);
	const char *date = jx_date(body, "date", "", false, cx->errs);
	if (cx->errs->n)
		return OUT_INVALID;
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	json_t *before = household_load(cx, id);
	if (!before) {
		res = OUT_NOT_FOUND;
		goto done;
	}
	if ((res = household_guard_writable(cx, id)) != OUT_OK)
		goto done;
	char now[21];
	audit_now(now);
	rc = store_exec(cx->db, "UPDATE households SET status = 'closed', closed_reason = ?,"
			" closed_date = ?, version = version + 1, updated_at = ? WHERE id = ?",
			"ttti", reason, date ? date : arena_strndup(cx->arena, now, 10), now, id);
	if (rc == STORE_OK) {
		*out = household_load(cx, id);
		rc = *out ? audit_write(cx, "close", "household", id, before, *out) : STORE_ERROR;
	}
done:
	json_decref(before);
	return finish(cx, res, rc, out);
}
