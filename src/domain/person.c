/* person: household members — validation, writing, join/leave/move events (reading them:
 * person_read.c). */
#include "domain/person.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/date_rule.h"
#include "core/jsonx.h"
#include "core/pinyin.h"
#include "domain/audit.h"
#include "domain/tx.h"
#include "domain/household_guard.h"

const char *const person_genders[] = {"male", "female", NULL};
const char *const person_relations[] = {
	"head", "spouse", "son", "daughter", "son_in_law", "daughter_in_law", "grandson",
	"granddaughter", "parent", "sibling", "other", NULL,
};
const char *const person_ethnicities[] = {
	"han", "miao", "tujia", "dong", "gelao", "buyei", "yi", "hui", "shui", "other", NULL,
};
const char *const person_educations[] = {
	"none", "preschool", "primary", "junior", "senior", "vocational", "college", NULL,
};
const char *const person_healths[] = {"healthy", "chronic", "serious_illness", "disabled", NULL};
const char *const person_labor_capacities[] = {"ordinary", "skilled", "weak", "lost", "none", NULL};
const char *const person_join_events[] = {"birth", "marriage_in", "move_in", NULL};
const char *const person_leave_events[] = {"death", "marriage_out", "move_out", NULL};

static const char *const person_fields[] = {
	"id_number", "name", "gender", "birth_date", "relation", "ethnicity", "education",
	"health", "labor_capacity", "phone", NULL,
};

/* ---------------------------------------------------------------- validation */

bool person_phone_ok(const char *s)
{
	size_t n = strlen(s), digits = 0;
	if (n < 5 || strspn(s, "0123456789-+ ") != n)
		return false;
	for (size_t i = 0; i < n; i++)
		digits += s[i] >= '0' && s[i] <= '9';
	/* a mobile number (digits only, starting with 1) has exactly 11 digits: one typed
	 * short or long is a mistake, not a landline */
	return !(s[0] == '1' && digits == n && digits != 11);
}

/* Where a person's fields come from: a JSON object (the API) or texts (an import); either
 * way the same validators (jx_text and its kin) judge each value. */
struct person_src {
	json_t *obj;
	const struct jx_pairs *t;
};

static const char *src_string(const struct person_src *s, const char *key, const char *prefix,
			      bool required, size_t max, struct verrors *e)
{
	return !s->t ? jx_string(s->obj, key, prefix, required, max, e)
		: jx_text(jx_pairs_get(s->t, key), key, prefix, required, max, e);
}

/* A person's name: as src_string, and refused when it holds a character that does not show
 * (jx_name), so a name stored is the name shown. */
static const char *src_name(const struct person_src *s, const char *key, const char *prefix,
			    bool required, size_t max, struct verrors *e)
{
	return !s->t ? jx_name(s->obj, key, prefix, required, max, e)
		: jx_text_name(jx_pairs_get(s->t, key), key, prefix, required, max, e);
}

static const char *src_enum(const struct person_src *s, const char *key, const char *prefix,
			    bool required, const char *const *values, struct verrors *e)
{
	return !s->t ? jx_enum(s->obj, key, prefix, required, values, e)
		: jx_text_enum(jx_pairs_get(s->t, key), key, prefix, required, values, e);
}

static const char *src_date(const struct person_src *s, const char *key, const char *prefix,
			    bool required, struct verrors *e)
{
	return !s->t ? jx_date(s->obj, key, prefix, required, e)
		: jx_text_date(jx_pairs_get(s->t, key), key, prefix, required, e);
}

static const char *parse_phone(const struct person_src *src, const char *prefix,
			       struct verrors *e)
{
	const char *s = src_string(src, "phone", prefix, false, 20, e);
	if (s && !person_phone_ok(s)) {
		verrors_addf(e, prefix, "phone", "invalid_phone");
		return NULL;
	}
	return s;
}

static bool parse_person(struct ctx *cx, const struct person_src *src, const char *prefix,
			 bool create, struct person_in *p)
{
	struct verrors *e = cx->errs;
	int before = e->n;
	memset(p, 0, sizeof(*p));
	if (!src->t && !json_is_object(src->obj)) {
		verrors_add(e, *prefix ? prefix : "body", "type_object");
		return false;
	}
	if (!create && !src->t) {	/* in a PATCH, null clears an optional field but not these */
		static const char *const needed[] = {"id_number", "name", "relation", NULL};
		for (int i = 0; needed[i]; i++)
			if (json_is_null(json_object_get(src->obj, needed[i])))
				verrors_addf(e, prefix, needed[i], "required");
	}
	const char *id = src_string(src, "id_number", prefix, create, 18, e);
	if (id) {
		enum idnumber_error ie = idnumber_parse(id, cx->today, &p->idn);
		if (ie != IDNUMBER_OK)
			verrors_addf(e, prefix, "id_number", idnumber_error_key(ie));
		else
			p->has_id = true;
	}
	p->name = src_name(src, "name", prefix, create, 30, e);
	const char *gender = src_enum(src, "gender", prefix, false, person_genders, e);
	const char *birth = src_date(src, "birth_date", prefix, false, e);
	if (p->has_id && gender && strcmp(gender, p->idn.male ? "male" : "female") != 0)
		verrors_addf(e, prefix, "gender", "gender_mismatch");
	if (p->has_id && birth && strcmp(birth, p->idn.birth_date) != 0)
		verrors_addf(e, prefix, "birth_date", "birth_date_mismatch");
	p->relation = src_enum(src, "relation", prefix, create, person_relations, e);
	p->ethnicity = src_enum(src, "ethnicity", prefix, false, person_ethnicities, e);
	p->education = src_enum(src, "education", prefix, false, person_educations, e);
	p->health = src_enum(src, "health", prefix, false, person_healths, e);
	p->labor_capacity = src_enum(src, "labor_capacity", prefix, false,
				     person_labor_capacities, e);
	p->phone = parse_phone(src, prefix, e);
	return e->n == before;
}

bool person_parse(struct ctx *cx, json_t *obj, const char *prefix, bool create,
		  struct person_in *p)
{
	const struct person_src src = {.obj = obj};
	return parse_person(cx, &src, prefix, create, p);
}

bool person_parse_pairs(struct ctx *cx, const struct jx_pairs *t, const char *prefix,
			bool create, struct person_in *p)
{
	const struct person_src src = {.t = t};
	return parse_person(cx, &src, prefix, create, p);
}

bool person_id_available(struct ctx *cx, const char *id_number, int64_t except_id,
			 struct id_probes *probes)
{
	int rc;
	int64_t owner = store_one_int(cx->db, &rc,
		"SELECT id FROM persons WHERE id_number = ? AND id <> ?", "ti", id_number, except_id);
	if (owner && probes && probes->n < PERSON_MAX_PROBES)
		probes->owners[probes->n++] = owner;
	return owner == 0 && rc == STORE_OK;
}

enum outcome person_probes_audit(struct ctx *cx, const struct id_probes *probes,
				 enum outcome res)
{
	if (!probes->n || res != OUT_INVALID)	/* only an answer that tells is a probe */
		return res;
	int rc = store_begin(cx->db);
	json_t *what = json_pack("{s:s, s:s}", "field", "id_number", "answer", "id_number_taken");
	for (int i = 0; i < probes->n && rc == STORE_OK; i++)
		rc = audit_write(cx, "id_probe", "person", probes->owners[i], NULL, what);
	json_decref(what);
	return tx_end(cx->db, OUT_OK, rc) == OUT_OK ? res : OUT_INTERNAL;
}

/* ---------------------------------------------------------------- writing */

int person_index(struct ctx *cx, int64_t id, const char *name)
{
	return store_index_put(cx->db, STORE_DOC_PERSON, id, name);
}

static void reverse_id(const char *id, char out[19])
{
	size_t n = strlen(id);
	for (size_t i = 0; i < n; i++)
		out[i] = id[n - 1 - i];
	out[n] = '\0';
}

/* Name keys for pinyin search; a name is at most 30 characters, so 256 bytes suffice for
 * initials and 30 * 6 for the full reading. */
static void name_keys(const char *name, char initials[64], char full[256])
{
	struct buf b = BUF_INIT;
	pinyin_initials(name, &b);
	snprintf(initials, 64, "%s", b.data);
	buf_reset(&b);
	pinyin_full(name, &b);
	snprintf(full, 256, "%s", b.data);
	buf_release(&b);
}

static int add_event(struct ctx *cx, int64_t person_id, int64_t household_id, const char *kind,
		     const char *date, const char *note)
{
	char now[21];
	audit_now(now);
	return store_exec(cx->db, "INSERT INTO member_events(person_id, household_id, kind, date,"
			  " note, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", "iitttit",
			  person_id, household_id, kind, date, note, cx->actor->user_id, now);
}

int person_insert(struct ctx *cx, int64_t household_id, const struct person_in *p,
		  const char *event, const char *date, int64_t *id)
{
	char now[21], rev[19], initials[64], full[256];
	audit_now(now);
	reverse_id(p->idn.number, rev);
	name_keys(p->name, initials, full);
	int rc = store_exec(cx->db, "INSERT INTO persons(household_id, id_number, id_reversed,"
		" name, name_initials, name_pinyin, gender, birth_date, ethnicity, relation,"
		" education, health, labor_capacity, phone, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "ittttttttttttttt",
		household_id, p->idn.number, rev, p->name, initials, full,
		p->idn.male ? "male" : "female", p->idn.birth_date, p->ethnicity, p->relation,
		p->education, p->health, p->labor_capacity, p->phone, now, now);
	if (rc != STORE_OK)
		return rc;
	*id = store_last_id(cx->db);
	if ((rc = add_event(cx, *id, household_id, event, date, NULL)) != STORE_OK)
		return rc;
	return store_index_add(cx->db, STORE_DOC_PERSON, *id, p->name);
}

/* A statement with its values in an array, run to its end. */
static int exec_array(struct store_conn *db, const char *sql, const char *types,
		      const void *const *values)
{
	struct store_rows *q = store_query_array(db, sql, types, values);
	while (store_next(q))
		;
	return store_finish(q);
}

int person_insert_many(struct ctx *cx, int64_t household_id, const struct person_in *p, int n,
		       const char *event, const char *date, int64_t *ids)
{
	enum { PCOLS = 16, ECOLS = 7 };
	if (n < 1 || n > PERSON_INSERT_MAX)
		return STORE_ERROR;
	char now[21], rev[PERSON_INSERT_MAX][19], initials[PERSON_INSERT_MAX][64];
	char full[PERSON_INSERT_MAX][256];
	const void *v[PERSON_INSERT_MAX * PCOLS];
	audit_now(now);
	for (int i = 0; i < n; i++) {
		const void **row = v + i * PCOLS;
		reverse_id(p[i].idn.number, rev[i]);
		name_keys(p[i].name, initials[i], full[i]);
		const void *vals[PCOLS] = {&household_id, p[i].idn.number, rev[i], p[i].name,
			initials[i], full[i], p[i].idn.male ? "male" : "female", p[i].idn.birth_date,
			p[i].ethnicity, p[i].relation, p[i].education, p[i].health, p[i].labor_capacity,
			p[i].phone, now, now};
		memcpy(row, vals, sizeof(vals));
		ids[i] = 0;
	}
	/* the persons one by one (each id is the insert's: no RETURNING, which SQLite answers
	 * through a temporary table of its own), then their events in one statement */
	int rc = STORE_OK;
	for (int i = 0; i < n && rc == STORE_OK; i++) {
		rc = exec_array(cx->db, "INSERT INTO persons(household_id,"
			" id_number, id_reversed, name, name_initials, name_pinyin, gender, birth_date,"
			" ethnicity, relation, education, health, labor_capacity, phone, created_at,"
			" updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"ittttttttttttttt", v + i * PCOLS);
		ids[i] = store_last_id(cx->db);
	}
	if (rc != STORE_OK)
		return rc;
	const void *e[PERSON_INSERT_MAX * ECOLS];
	for (int i = 0; i < n; i++) {
		const void *vals[ECOLS] = {&ids[i], &household_id, event, date, NULL,
					   &cx->actor->user_id, now};
		memcpy(e + i * ECOLS, vals, sizeof(vals));
	}
	struct store_rows *q = store_query_rows(cx->db, "INSERT INTO member_events(person_id, household_id, kind,"
			     " date, note, user_id, created_at)", "iittt" "it", n, e, NULL);
	while (store_next(q))
		;
	rc = store_finish(q);
	for (int i = 0; i < n && rc == STORE_OK; i++)
		rc = store_index_add(cx->db, STORE_DOC_PERSON, ids[i], p[i].name);
	return rc;
}

/* Which columns of a person an update sets (the partial-update style of tx.h: a column
 * changes only when given; given as NULL clears it). */
struct person_given {
	bool id, name, relation, ethnicity, education, health, labor_capacity, phone;
};

/* The one UPDATE of a person's fields: the given ones change, with the columns derived
 * from them (the ID number's reversed form, gender and birth date; the name's initials and
 * pinyin), and the version moves on. Returns a store_rc. */
static int update_person(struct ctx *cx, int64_t id, const struct person_in *p,
			 const struct person_given *g)
{
	char now[21], rev[19] = "", initials[64] = "", full[256] = "";
	audit_now(now);
	if (g->id)
		reverse_id(p->idn.number, rev);
	if (g->name && p->name)
		name_keys(p->name, initials, full);
	const char *gender = g->id ? (p->idn.male ? "male" : "female") : NULL;
	return store_exec(cx->db, "UPDATE persons SET"
		" id_number = CASE WHEN ? THEN ? ELSE id_number END,"
		" id_reversed = CASE WHEN ? THEN ? ELSE id_reversed END,"
		" gender = CASE WHEN ? THEN ? ELSE gender END,"
		" birth_date = CASE WHEN ? THEN ? ELSE birth_date END,"
		" name = CASE WHEN ? THEN ? ELSE name END,"
		" name_initials = CASE WHEN ? THEN ? ELSE name_initials END,"
		" name_pinyin = CASE WHEN ? THEN ? ELSE name_pinyin END,"
		" relation = CASE WHEN ? THEN ? ELSE relation END,"
		" ethnicity = CASE WHEN ? THEN ? ELSE ethnicity END,"
		" education = CASE WHEN ? THEN ? ELSE education END,"
		" health = CASE WHEN ? THEN ? ELSE health END,"
		" labor_capacity = CASE WHEN ? THEN ? ELSE labor_capacity END,"
		" phone = CASE WHEN ? THEN ? ELSE phone END,"
		" version = version + 1, updated_at = ? WHERE id = ?",
		"it" "it" "it" "it" "it" "it" "it" "it" "it" "it" "it" "it" "it" "ti",
		(int64_t)g->id, g->id ? p->idn.number : NULL, (int64_t)g->id, rev,
		(int64_t)g->id, gender, (int64_t)g->id, g->id ? p->idn.birth_date : NULL,
		(int64_t)g->name, p->name, (int64_t)g->name, initials, (int64_t)g->name, full,
		(int64_t)g->relation, p->relation, (int64_t)g->ethnicity, p->ethnicity,
		(int64_t)g->education, p->education, (int64_t)g->health, p->health,
		(int64_t)g->labor_capacity, p->labor_capacity, (int64_t)g->phone, p->phone, now, id);
}

int person_update_fields(struct ctx *cx, int64_t id, const struct person_in *p)
{
	const struct person_given given = {.name = p->name, .relation = p->relation,
		.ethnicity = p->ethnicity, .education = p->education, .health = p->health,
		.labor_capacity = p->labor_capacity, .phone = p->phone};
	int rc = update_person(cx, id, p, &given);
	if (rc == STORE_OK && p->name)
		rc = person_index(cx, id, p->name);
	return rc;
}

/* The household's current head other than `except`, or 0. */
static int64_t current_head(struct ctx *cx, int64_t household_id, int64_t except)
{
	int rc;
	return store_one_int(cx->db, &rc, "SELECT id FROM persons WHERE household_id = ?"
			     " AND status = 'member' AND relation = 'head' AND id <> ? LIMIT 1",
			     "ii", household_id, except);
}

/* Ends a write transaction: commits when everything so far succeeded. */
static enum outcome finish_tx(struct ctx *cx, enum outcome res, int rc, json_t **out)
{
	return tx_end_out(cx->db, res, rc, out);
}

/* ---------------------------------------------------------------- API operations */

static const char *optional_date(struct ctx *cx, json_t *body, const char *key)
{
	const char *d = jx_date(body, key, "", false, cx->errs);
	if (!d) {
		char *today = arena_alloc(cx->arena, 11);
		if (today)
			date_format(cx->today, today);
		return today;
	}
	int y, m, dd;
	return date_parse(d, &y, &m, &dd) && !date_rule_check_when(cx->errs, "", key,
		date_days(y, m, dd), cx->today, DATE_PAST) ? NULL : d;
}

enum outcome person_create(struct ctx *cx, json_t *body, json_t **out)
{
	*out = NULL;
	static const char *const extra[] = {"household_id", "event", "event_date", NULL};
	struct person_in p;
	int64_t household_id = 0, id = 0;
	const char *allowed[16];
	int n = 0;
	for (int i = 0; person_fields[i]; i++)
		allowed[n++] = person_fields[i];
	for (int i = 0; extra[i]; i++)
		allowed[n++] = extra[i];
	allowed[n] = NULL;

	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	jx_int(body, "household_id", "", true, 1, INT64_MAX, &household_id, cx->errs);
	const char *event = jx_enum(body, "event", "", false, person_join_events, cx->errs);
	const char *date = optional_date(cx, body, "event_date");
	person_parse(cx, body, "", true, &p);
	if (cx->errs->n)
		return OUT_INVALID;

	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	enum outcome res = household_guard_writable(cx, household_id);
	int rc = STORE_OK;
	struct id_probes probes = {.n = 0};
	if (res == OUT_OK) {
		if (!person_id_available(cx, p.idn.number, 0, &probes))
			verrors_add(cx->errs, "id_number", "id_number_taken");
		if (strcmp(p.relation, "head") == 0 && current_head(cx, household_id, 0))
			verrors_add(cx->errs, "relation", "head_exists");
		if (cx->errs->n)
			res = OUT_INVALID;
	}
	if (res == OUT_OK)
		rc = person_insert(cx, household_id, &p, event ? event : "move_in", date, &id);
	if (res == OUT_OK && rc == STORE_OK)
		rc = household_guard_touch(cx, household_id);
	if (res == OUT_OK && rc == STORE_OK) {
		*out = person_load(cx, id);
		rc = *out ? audit_write(cx, "create", "person", id, NULL, *out) : STORE_ERROR;
	}
	if (rc == STORE_CONSTRAINT) {
		verrors_add(cx->errs, "id_number", "id_number_taken");
		res = OUT_INVALID;
	}
	return person_probes_audit(cx, &probes, finish_tx(cx, res, rc, out));
}

/* household_guard_writable for a loaded person's household (tx_record). */
static enum outcome household_of_writable(struct ctx *cx, json_t *person)
{
	return household_guard_writable(cx, json_integer_value(json_object_get(person, "household_id")));
}

enum outcome person_patch(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			  json_t **out)
{
	static const struct tx_record kind = {.load = person_load, .etag = person_etag,
					       .writable = household_of_writable};
	struct person_in p;
	json_t *before;
	int rc = STORE_OK;
	struct id_probes probes = {.n = 0};
	*out = NULL;
	enum outcome res = tx_begin_change(cx, &kind, id, if_match, body, &before);
	if (res != OUT_OK)
		return res;
	jx_only(body, person_fields, "", cx->errs);
	person_parse(cx, body, "", false, &p);
	int64_t household_id = json_integer_value(json_object_get(before, "household_id"));
	if (!p.has_id) {	/* gender/birth_date without a new number must match the old one */
		const char *g = json_string_value(json_object_get(body, "gender"));
		const char *b = json_string_value(json_object_get(body, "birth_date"));
		if (g && strcmp(g, json_string_value(json_object_get(before, "gender"))))
			verrors_add(cx->errs, "gender", "gender_mismatch");
		if (b && strcmp(b, json_string_value(json_object_get(before, "birth_date"))))
			verrors_add(cx->errs, "birth_date", "birth_date_mismatch");
	}
	if (p.has_id && !person_id_available(cx, p.idn.number, id, &probes))
		verrors_add(cx->errs, "id_number", "id_number_taken");
	if (p.relation && strcmp(p.relation, "head") == 0 && current_head(cx, household_id, id))
		verrors_add(cx->errs, "relation", "head_exists");
	if (cx->errs->n) {
		res = OUT_INVALID;
		goto done;
	}

	/* Only what the body names changes (tx.h); the derived columns change with theirs. */
	const struct person_given given = {.id = p.has_id, .name = p.name != NULL,
		.relation = p.relation != NULL, .ethnicity = tx_given(body, "ethnicity"),
		.education = tx_given(body, "education"), .health = tx_given(body, "health"),
		.labor_capacity = tx_given(body, "labor_capacity"), .phone = tx_given(body, "phone")};
	rc = update_person(cx, id, &p, &given);
	if (rc == STORE_OK)
		rc = person_index(cx, id, json_string_value(json_object_get(body, "name"))
				  ? p.name : json_string_value(json_object_get(before, "name")));
	if (rc == STORE_OK)
		rc = household_guard_touch(cx, household_id);
	if (rc == STORE_OK) {
		*out = person_load(cx, id);
		rc = *out ? audit_write(cx, "update", "person", id, before, *out) : STORE_ERROR;
	}
	if (rc == STORE_CONSTRAINT) {
		verrors_add(cx->errs, "id_number", "id_number_taken");
		res = OUT_INVALID;
	}
done:
	res = tx_end_change(cx, res, rc, before, out);	/* the same again: nothing kept */
	json_decref(before);
	return person_probes_audit(cx, &probes, res);
}

/* A current member whose household the actor may change; *before is NULL unless OK. */
static enum outcome load_member(struct ctx *cx, int64_t id, json_t **before, int64_t *household_id)
{
	enum outcome res;
	*before = person_load(cx, id);
	if (!*before)
		return OUT_NOT_FOUND;
	*household_id = json_integer_value(json_object_get(*before, "household_id"));
	if ((res = household_guard_writable(cx, *household_id)) == OUT_OK &&
	    strcmp(json_string_value(json_object_get(*before, "status")), "member") != 0) {
		verrors_add(cx->errs, "status", "person_not_member");
		res = OUT_INVALID;
	}
	if (res != OUT_OK) {
		json_decref(*before);
		*before = NULL;
	}
	return res;
}

enum outcome person_move(struct ctx *cx, int64_t id, json_t *body, json_t **out)
{
	*out = NULL;
	static const char *const allowed[] = {"household_id", "relation", "date", "kind", "note", NULL};
	static const char *const kinds[] = {"move", "marriage", NULL};
	int64_t target = 0;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	jx_int(body, "household_id", "", true, 1, INT64_MAX, &target, cx->errs);
	const char *relation = jx_enum(body, "relation", "", true, person_relations, cx->errs);
	const char *kind = jx_enum(body, "kind", "", false, kinds, cx->errs);
	const char *note = jx_string(body, "note", "", false, 200, cx->errs);
	const char *date = optional_date(cx, body, "date");
	if (cx->errs->n)
		return OUT_INVALID;
	bool marriage = kind && strcmp(kind, "marriage") == 0;

	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	enum outcome res = OUT_OK;
	int rc = STORE_OK;
	json_t *before = NULL;
	int64_t from = 0;
	if ((res = load_member(cx, id, &before, &from)) != OUT_OK)
		goto done;
	if ((res = household_guard_writable(cx, target)) != OUT_OK) {
		if (res == OUT_NOT_FOUND) {	/* the target is a field of this request */
			verrors_add(cx->errs, "household_id", "household_unknown");
			res = OUT_INVALID;
		}
		goto done;
	}
	if (target == from)
		verrors_add(cx->errs, "household_id", "same_household");
	if (strcmp(relation, "head") == 0 && current_head(cx, target, id))
		verrors_add(cx->errs, "relation", "head_exists");
	if (cx->errs->n) {
		res = OUT_INVALID;
		goto done;
	}
	char now[21];
	audit_now(now);
	rc = store_exec(cx->db, "UPDATE persons SET household_id = ?, relation = ?,"
			" version = version + 1, updated_at = ? WHERE id = ?", "itti",
			target, relation, now, id);
	if (rc == STORE_OK)
		rc = add_event(cx, id, from, marriage ? "marriage_out" : "move_out", date, note);
	if (rc == STORE_OK)
		rc = add_event(cx, id, target, marriage ? "marriage_in" : "move_in", date, note);
	if (rc == STORE_OK)
		rc = household_guard_touch(cx, from);
	if (rc == STORE_OK)
		rc = household_guard_touch(cx, target);
	if (rc == STORE_OK) {
		*out = person_load(cx, id);
		rc = *out ? audit_write(cx, "move", "person", id, before, *out) : STORE_ERROR;
	}
done:
	json_decref(before);
	return finish_tx(cx, res, rc, out);
}

enum outcome person_leave(struct ctx *cx, int64_t id, json_t *body, json_t **out)
{
	*out = NULL;
	static const char *const allowed[] = {"kind", "date", "note", NULL};
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	const char *kind = jx_enum(body, "kind", "", true, person_leave_events, cx->errs);
	const char *note = jx_string(body, "note", "", false, 200, cx->errs);
	const char *date = optional_date(cx, body, "date");
	if (cx->errs->n)
		return OUT_INVALID;
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	enum outcome res = OUT_OK;
	int rc = STORE_OK;
	json_t *before = NULL;
	int64_t hh = 0;
	if ((res = load_member(cx, id, &before, &hh)) != OUT_OK)
		goto done;
	char now[21];
	audit_now(now);
	rc = store_exec(cx->db, "UPDATE persons SET status = ?, version = version + 1,"
			" updated_at = ? WHERE id = ?", "tti",
			strcmp(kind, "death") == 0 ? "deceased" : "moved_out", now, id);
	if (rc == STORE_OK)
		rc = add_event(cx, id, hh, kind, date, note);
	if (rc == STORE_OK)
		rc = household_guard_touch(cx, hh);
	if (rc == STORE_OK) {
		*out = person_load(cx, id);
		rc = *out ? audit_write(cx, kind, "person", id, before, *out) : STORE_ERROR;
	}
done:
	json_decref(before);
	return finish_tx(cx, res, rc, out);
}

enum outcome person_reveal_id_number(struct ctx *cx, int64_t id, char number[19])
{
	number[0] = '\0';
	if (!role_can_reveal(cx->actor->role))
		return OUT_FORBIDDEN;
	json_t *p = person_load(cx, id);
	if (!p)
		return OUT_NOT_FOUND;
	char found[19];
	snprintf(found, sizeof(found), "%s", json_string_value(json_object_get(p, "id_number")));
	json_decref(p);
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	json_t *what = json_pack("{s:s}", "field", "id_number");
	int rc = audit_write(cx, "reveal", "person", id, NULL, what);
	json_decref(what);
	res = tx_end(cx->db, OUT_OK, rc);
	if (res == OUT_OK)
		memcpy(number, found, sizeof(found));
	return res;
}
