/* search: query classification and the queries behind each class. */
#include "domain/search.h"
#include "domain/privacy.h"
#include "domain/probe.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/utf8.h"
#include "domain/division.h"

#define FTS_OVERFETCH 4	/* index hits fetched per wanted result, to survive scope filtering */

struct results {
	json_t *items;
	int limit;
	struct search_filter f;	/* every field NULL: no filter */
};

/* The households list's filters (household_list's, the same meaning): the town of origin,
 * the community of destination, the category; each bound as a parameter, NULL for none. */
#define FILTER_SQL " AND (? IS NULL OR (h.origin_village >= ? AND h.origin_village < ?))" \
		   " AND (? IS NULL OR h.dest_community = ?) AND (? IS NULL OR h.category = ?)"
#define FILTER_TYPES "ttttttt"

static bool seen(struct results *res, const char *kind, int64_t id)
{
	size_t i;
	json_t *it;
	json_array_foreach(res->items, i, it)
		if (json_integer_value(json_object_get(it, "id")) == id &&
		    strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0)
			return true;
	return false;
}

/* Runs a query whose columns are (kind, id, household_id, name, id_number, number, match)
 * and adds its rows until the limit. Every query takes the same parameters: two texts
 * (a, b), the scope, then the LIMIT. */
static int collect(struct ctx *cx, struct results *res, const char *sql, const char *a,
		   const char *b)
{
	char lo[16], hi[17];
	int room = res->limit - (int)json_array_size(res->items);
	if (room <= 0)
		return STORE_OK;
	actor_scope_range(cx->actor, lo, hi);
	char tlo[16] = "", thi[17] = "";
	const struct search_filter *f = &res->f;
	if (f->town) {
		snprintf(tlo, sizeof(tlo), "%s", f->town);
		snprintf(thi, sizeof(thi), "%s:", f->town);	/* ':' follows the digits */
	}
	struct store_rows *r = store_query(cx->db, sql, "tt" SCOPE_TYPES FILTER_TYPES "i", a, b,
					   SCOPE_ARGS(lo, hi), f->town, tlo, thi, f->community,
					   f->community, f->category, f->category, (int64_t)room);
	while (store_next(r)) {
		const char *kind = store_text(r, 0);
		int64_t id = store_int(r, 1);
		if (seen(res, kind, id))
			continue;
		json_t *o = json_pack("{s:s, s:I, s:I, s:s, s:s}", "kind", kind, "id", (json_int_t)id,
				      "household_id", (json_int_t)store_int(r, 2),
				      "name", store_text(r, 3), "match", store_text(r, 6));
		if (!store_null(r, 4)) {
			char masked[PRIVACY_MASK_MAX];
			privacy_mask_id(store_text(r, 4), masked);
			json_object_set_new(o, "id_number_masked", json_string(masked));
		}
		if (!store_null(r, 5))
			json_object_set_new(o, "number", json_string(store_text(r, 5)));
		json_array_append_new(res->items, o);
	}
	return store_finish(r);
}

#define PERSON_HIT(match) "SELECT 'person', p.id, p.household_id, p.name, p.id_number," \
	" h.number, '" match "' FROM persons p JOIN households h ON h.id = p.household_id"
#define HOUSEHOLD_HIT(match) "SELECT 'household', h.id, h.id, coalesce((SELECT name FROM" \
	" persons WHERE household_id = h.id AND relation = 'head' AND status = 'member'" \
	" LIMIT 1), h.number), NULL, h.number, '" match "' FROM households h"

#define ITEM_HIT(match) "SELECT 'item', i.id, i.household_id, i.title, NULL, i.reference_code," \
	" '" match "' FROM items i JOIN households h ON h.id = i.household_id"

static int search_digits(struct ctx *cx, struct results *res, const char *q)
{
	char upper[SEARCH_MAX_QUERY + 1], hi[SEARCH_MAX_QUERY + 2], rev[SEARCH_MAX_QUERY + 1];
	char revhi[SEARCH_MAX_QUERY + 2];
	size_t n = strlen(q);
	int rc = STORE_OK;
	for (size_t i = 0; i <= n; i++)
		upper[i] = (char)toupper((unsigned char)q[i]);
	for (size_t i = 0; i < n; i++)
		rev[i] = upper[n - 1 - i];
	rev[n] = '\0';
	snprintf(hi, sizeof(hi), "%s~", upper);
	snprintf(revhi, sizeof(revhi), "%s~", rev);

	if (n == 18)
		rc = collect(cx, res, PERSON_HIT("id_number") " WHERE p.id_number = ? AND ? IS NULL AND "
			     SCOPE_SQL FILTER_SQL " LIMIT ?", upper, NULL);
	if (rc == STORE_OK && n >= 4)
		rc = collect(cx, res, PERSON_HIT("id_number_prefix") " WHERE p.id_number >= ?"
			     " AND p.id_number < ? AND " SCOPE_SQL FILTER_SQL " LIMIT ?", upper, hi);
	if (rc == STORE_OK && n >= 4)
		rc = collect(cx, res, PERSON_HIT("id_number_suffix") " WHERE p.id_reversed >= ?"
			     " AND p.id_reversed < ? AND " SCOPE_SQL FILTER_SQL " LIMIT ?", rev, revhi);
	if (rc == STORE_OK && n >= 3)
		rc = collect(cx, res, PERSON_HIT("phone") " WHERE p.phone >= ? AND p.phone < ?"
			     " AND " SCOPE_SQL FILTER_SQL " LIMIT ?", upper, hi);
	if (rc == STORE_OK && n >= 3)
		rc = collect(cx, res, HOUSEHOLD_HIT("number") " WHERE h.number >= ? AND h.number < ?"
			     " AND " SCOPE_SQL FILTER_SQL " LIMIT ?", upper, hi);
	return rc;
}

/* For roles that see numbers masked: a whole ID number, phone or household number, matched
 * exactly. A prefix or suffix search would tell, one round at a time, the digits the mask
 * hides (four rounds recover a phone), so these roles have none. */
static int search_whole_numbers(struct ctx *cx, struct results *res, const char *q)
{
	char upper[SEARCH_MAX_QUERY + 1];
	size_t n = strlen(q);
	for (size_t i = 0; i <= n; i++)
		upper[i] = (char)toupper((unsigned char)q[i]);
	int rc = collect(cx, res, PERSON_HIT("id_number") " WHERE p.id_number = ? AND ? IS NULL AND "
			 SCOPE_SQL FILTER_SQL " LIMIT ?", upper, NULL);
	if (rc == STORE_OK)
		rc = collect(cx, res, PERSON_HIT("phone") " WHERE p.phone = ? AND ? IS NULL AND "
			     SCOPE_SQL FILTER_SQL " LIMIT ?", upper, NULL);
	if (rc == STORE_OK)
		rc = collect(cx, res, HOUSEHOLD_HIT("number") " WHERE h.number = ? AND ? IS NULL AND "
			     SCOPE_SQL FILTER_SQL " LIMIT ?", upper, NULL);
	return rc;
}

static int search_letters(struct ctx *cx, struct results *res, const char *q)
{
	char lower[SEARCH_MAX_QUERY + 1], hi[SEARCH_MAX_QUERY + 2];
	size_t n = strlen(q);
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)q[i]);
	snprintf(hi, sizeof(hi), "%s~", lower);
	int rc = collect(cx, res, PERSON_HIT("initials") " WHERE p.name_initials = ? AND ? IS NULL"
			 " AND " SCOPE_SQL FILTER_SQL " LIMIT ?", lower, NULL);
	if (rc == STORE_OK)
		rc = collect(cx, res, PERSON_HIT("initials_prefix") " WHERE p.name_initials >= ?"
			     " AND p.name_initials < ? AND " SCOPE_SQL FILTER_SQL " LIMIT ?", lower, hi);
	if (rc == STORE_OK && n >= 3)
		rc = collect(cx, res, PERSON_HIT("pinyin") " WHERE p.name_pinyin >= ?"
			     " AND p.name_pinyin < ? AND " SCOPE_SQL FILTER_SQL " LIMIT ?", lower, hi);
	return rc;
}

static int search_text(struct ctx *cx, struct results *res, const char *q)
{
	struct store_hit hits[50 * FTS_OVERFETCH];
	int nhits = 0, want = res->limit * FTS_OVERFETCH;
	/* Exact names first: a search for 龙伟 should list the 龙伟s before 龙伟建. */
	int rc = collect(cx, res, PERSON_HIT("name_exact") " WHERE p.name = ? AND ? IS NULL AND "
			 SCOPE_SQL FILTER_SQL " LIMIT ?", q, NULL);
	if (rc != STORE_OK)
		return rc;
	if (want > (int)(sizeof(hits) / sizeof(hits[0])))
		want = (int)(sizeof(hits) / sizeof(hits[0]));
	rc = store_index_find(cx->db, q, want, hits, &nhits);
	for (int i = 0; i < nhits && rc == STORE_OK; i++) {
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)hits[i].id);
		if (hits[i].kind == STORE_DOC_PERSON)
			rc = collect(cx, res, PERSON_HIT("name") " WHERE p.id = CAST(? AS INTEGER)"
				     " AND ? IS NULL AND " SCOPE_SQL FILTER_SQL " LIMIT ?", id, NULL);
		else if (hits[i].kind == STORE_DOC_HOUSEHOLD)
			rc = collect(cx, res, HOUSEHOLD_HIT("place") " WHERE h.id = CAST(? AS INTEGER)"
				     " AND ? IS NULL AND " SCOPE_SQL FILTER_SQL " LIMIT ?", id, NULL);
		else
			rc = collect(cx, res, ITEM_HIT("item") " WHERE i.id = CAST(? AS INTEGER)"
				     " AND ? IS NULL AND i.status = 'active' AND " SCOPE_SQL FILTER_SQL " LIMIT ?",
				     id, NULL);
	}
	return rc;
}

enum outcome search_run(struct ctx *cx, const char *q, int limit, json_t **out)
{
	return search_run_filtered(cx, q, NULL, limit, out);
}

enum outcome search_run_filtered(struct ctx *cx, const char *q, const struct search_filter *filter,
				 int limit, json_t **out)
{
	*out = NULL;
	char query[SEARCH_MAX_QUERY * 4 + 1];
	if (!q || !*q) {
		verrors_add(cx->errs, "q", "required");
		return OUT_INVALID;
	}
	while (*q == ' ')
		q++;
	snprintf(query, sizeof(query), "%s", q);
	for (size_t n = strlen(query); n && query[n - 1] == ' '; n--)
		query[n - 1] = '\0';
	if (!*query)
		verrors_add(cx->errs, "q", "required");
	else if (!utf8_valid(query, strlen(query)) || utf8_has_control(query))
		verrors_add(cx->errs, "q", "invalid_text");
	else if (utf8_length(query) > SEARCH_MAX_QUERY || strlen(q) >= sizeof(query))
		verrors_add(cx->errs, "q", "too_long");
	if (cx->errs->n)
		return OUT_INVALID;

	struct results res = {json_array(), limit, filter ? *filter : (struct search_filter){0}};
	size_t n = strlen(query);
	size_t digits = strspn(query, "0123456789");
	bool id_like = digits == n || (digits == n - 1 && (query[n - 1] == 'X' || query[n - 1] == 'x'));
	size_t letters = strspn(query, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
	int rc;
	size_t code_chars = strspn(query, "0123456789-YDyd");
	bool whole_only = !privacy_full_identity(cx->actor->role);
	if (id_like && whole_only && n < SEARCH_MIN_WHOLE_NUMBER) {
		/* say why rather than answer nothing: these digits cannot be a whole number */
		json_decref(res.items);
		verrors_add(cx->errs, "q", "whole_number_required");
		return OUT_INVALID;
	}
	int wait;
	if (id_like && whole_only && !probe_allowed(cx->actor->user_id, &wait)) {
		json_decref(res.items);
		verrors_add(cx->errs, "q", "too_many_misses");
		return OUT_RATE_LIMITED;
	}
	if (id_like && whole_only)
		rc = search_whole_numbers(cx, &res, query);
	else if (id_like && n >= 3)
		rc = search_digits(cx, &res, query);
	else if (code_chars == n && strchr(query, '-') && n >= 6)
		rc = collect(cx, &res, ITEM_HIT("reference_code") " WHERE i.reference_code >= upper(?)"
			     " AND i.reference_code < upper(?) || '~' AND " SCOPE_SQL FILTER_SQL " LIMIT ?",
			     query, query);
	else if (letters == n)
		rc = search_letters(cx, &res, query);
	else
		rc = search_text(cx, &res, query);
	if (rc != STORE_OK) {
		json_decref(res.items);
		return OUT_INTERNAL;
	}
	if (id_like && whole_only && json_array_size(res.items) == 0)
		probe_missed(cx->actor->user_id);	/* a guess that found nothing */
	privacy_present(cx->actor->role, res.items);
	*out = json_pack("{s:o, s:s}", "results", res.items, "q", query);
	return OUT_OK;
}

/* ---------------------------------------------------------------- describing results */

static void put_place(struct ctx *cx, json_t *o, const char *key, const char *code)
{
	char name[128];
	if (!code || !*code)
		return;
	division_name(cx->db, code, name, sizeof(name));
	json_object_set_new(o, key, json_string(name));
}

static int describe_one(struct ctx *cx, json_t *o)
{
	char origin[16] = "", dest[16] = "", town[10];
	int64_t hid = json_integer_value(json_object_get(o, "household_id"));
	struct store_rows *r = store_query(cx->db, "SELECT h.origin_village, h.dest_community,"
		" (SELECT b.name || '-' || rm.unit || '-' || rm.number FROM rooms rm"
		"  JOIN buildings b ON b.id = rm.building_id WHERE rm.id = h.room_id),"
		" (SELECT name FROM persons WHERE household_id = h.id AND status = 'member'"
		"  AND relation = 'head' LIMIT 1), h.number FROM households h WHERE h.id = ?",
		"i", hid);
	if (store_next(r)) {
		/* copied first: division_name runs queries of its own */
		snprintf(origin, sizeof(origin), "%s", store_text(r, 0));
		snprintf(dest, sizeof(dest), "%s", store_text(r, 1));
		if (!store_null(r, 2))
			json_object_set_new(o, "room", json_string(store_text(r, 2)));
		if (!store_null(r, 3))
			json_object_set_new(o, "head_name", json_string(store_text(r, 3)));
		json_object_set_new(o, "household_number", json_string(store_text(r, 4)));
	}
	int rc = store_finish(r);
	if (rc != STORE_OK)
		return rc;
	snprintf(town, sizeof(town), "%.9s", origin);
	put_place(cx, o, "origin_village_name", origin);
	put_place(cx, o, "origin_town_name", *origin ? town : NULL);
	put_place(cx, o, "dest_community_name", dest);
	if (strcmp(json_string_value(json_object_get(o, "kind")), "person") != 0)
		return STORE_OK;
	r = store_query(cx->db, "SELECT birth_date FROM persons WHERE id = ?", "i",
			json_integer_value(json_object_get(o, "id")));
	int y, m, d;
	if (store_next(r) && date_parse(store_text(r, 0), &y, &m, &d))
		json_object_set_new(o, "age", json_integer(date_age(date_days(y, m, d), cx->today)));
	return store_finish(r);
}

enum outcome search_describe(struct ctx *cx, json_t *results)
{
	size_t i;
	json_t *o;
	json_array_foreach(results, i, o)
		if (describe_one(cx, o) != STORE_OK)
			return OUT_INTERNAL;
	return OUT_OK;
}
