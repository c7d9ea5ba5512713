/* lookup: a household by its number, a person by their ID number, within the actor's scope
 * (lookup.h). */
#include "domain/lookup.h"

#include <stdio.h>
#include <string.h>

#include "core/idnumber.h"

bool lookup_clean(const char *typed, char *out, size_t size)
{
	size_t n = 0;
	const unsigned char *s = (const unsigned char *)(typed ? typed : "");
	while (*s) {
		char c = 0;
		size_t len = 1;
		if (s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0x90 && s[2] <= 0x99)
			c = (char)('0' + (s[2] - 0x90)), len = 3;	/* ０-９ */
		else if (s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0xA1 && s[2] <= 0xBA)
			c = (char)('A' + (s[2] - 0xA1)), len = 3;	/* Ａ-Ｚ */
		else if (s[0] == 0xEF && s[1] == 0xBD && s[2] >= 0x81 && s[2] <= 0x9A)
			c = (char)('a' + (s[2] - 0x81)), len = 3;	/* ａ-ｚ */
		else if (s[0] == 0xEF && s[1] == 0xBC && s[2] == 0x8D)
			c = '-', len = 3;				/* － */
		else if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
			c = ' ', len = 3;				/* the ideographic space */
		else
			c = (char)s[0];
		if (n + 1 >= size)
			return false;
		out[n++] = c;
		s += len;
	}
	out[n] = '\0';
	size_t lead = strspn(out, " \t\r\n");
	memmove(out, out + lead, n - lead + 1);
	n -= lead;
	while (n && strchr(" \t\r\n", out[n - 1]))
		out[--n] = '\0';
	return n > 0;
}

enum outcome lookup_household(struct ctx *cx, const char *number, int64_t *id)
{
	char clean[40], lo[16], hi[17];
	*id = 0;
	if (!lookup_clean(number, clean, sizeof(clean)))
		return OUT_NOT_FOUND;
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT h.id FROM households h WHERE h.number = ?"
		" AND " SCOPE_SQL, "t" SCOPE_TYPES, clean, SCOPE_ARGS(lo, hi));
	if (store_next(r))
		*id = store_int(r, 0);
	if (store_finish(r) != STORE_OK)
		return OUT_INTERNAL;
	return *id ? OUT_OK : OUT_NOT_FOUND;
}

enum outcome lookup_person(struct ctx *cx, const char *id_number, int64_t *id,
			   int64_t *household_id)
{
	char clean[40], lo[16], hi[17];
	struct idnumber idn;
	*id = *household_id = 0;
	if (!lookup_clean(id_number, clean, sizeof(clean)))
		return OUT_NOT_FOUND;
	for (char *c = clean; *c; c++)
		if (*c == 'x')
			*c = 'X';
	/* stored numbers are all valid 18-character ones: what cannot be one names no one */
	if (idnumber_parse(clean, cx->today, &idn) != IDNUMBER_OK)
		return OUT_NOT_FOUND;
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT p.id, p.household_id FROM persons p"
		" JOIN households h ON h.id = p.household_id WHERE p.id_number = ? AND " SCOPE_SQL,
		"t" SCOPE_TYPES, idn.number, SCOPE_ARGS(lo, hi));
	if (store_next(r)) {
		*id = store_int(r, 0);
		*household_id = store_int(r, 1);
	}
	if (store_finish(r) != STORE_OK)
		return OUT_INTERNAL;
	return *id ? OUT_OK : OUT_NOT_FOUND;
}

enum outcome lookup_household_card(struct ctx *cx, int64_t id, json_t **out)
{
	char lo[16], hi[17];
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT h.number FROM households h WHERE h.id = ?"
		" AND " SCOPE_SQL, "i" SCOPE_TYPES, id, SCOPE_ARGS(lo, hi));
	json_t *card = store_next(r) ? json_pack("{s:I, s:s, s:[]}", "id", (json_int_t)id, "number",
						 store_text(r, 0), "members") : NULL;
	if (store_finish(r) != STORE_OK) {
		json_decref(card);
		return OUT_INTERNAL;
	}
	if (!card)
		return OUT_NOT_FOUND;
	json_t *members = json_object_get(card, "members");
	r = store_query(cx->db, "SELECT p.id, p.name, p.relation FROM persons p WHERE p.household_id = ?"
		" AND p.status = 'member' ORDER BY p.relation <> 'head', p.birth_date, p.id", "i", id);
	while (store_next(r))
		json_array_append_new(members, json_pack("{s:I, s:s, s:s}", "id",
			(json_int_t)store_int(r, 0), "name", store_text(r, 1), "relation", store_text(r, 2)));
	if (store_finish(r) != STORE_OK) {
		json_decref(card);
		return OUT_INTERNAL;
	}
	*out = card;
	return OUT_OK;
}

bool lookup_is_member(struct ctx *cx, int64_t household_id, int64_t person_id)
{
	int rc;
	return store_one_int(cx->db, &rc, "SELECT count(*) FROM persons WHERE id = ? AND"
			     " household_id = ? AND status = 'member'", "ii", person_id, household_id) > 0
		&& rc == STORE_OK;
}

bool lookup_item_of(struct ctx *cx, int64_t item_id, int64_t household_id)
{
	int rc;
	return store_one_int(cx->db, &rc, "SELECT count(*) FROM items WHERE id = ? AND"
			     " household_id = ? AND status = 'active'", "ii", item_id, household_id) > 0
		&& rc == STORE_OK;
}

enum outcome lookup_buildings(struct ctx *cx, json_t **out)
{
	char lo[16], hi[17];
	*out = json_array();
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT b.id, s.name, b.name FROM buildings b"
		" JOIN sites s ON s.id = b.site_id WHERE (? = '' OR (s.community_code >= ?"
		" AND s.community_code < ?)) ORDER BY s.name, b.name, b.id", "ttt", lo, lo, hi);
	while (store_next(r))
		json_array_append_new(*out, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)store_int(r, 0),
						      "site", store_text(r, 1), "name", store_text(r, 2)));
	if (store_finish(r) != STORE_OK) {
		json_decref(*out);
		*out = NULL;
		return OUT_INTERNAL;
	}
	return OUT_OK;
}
