/*
 * person: household members (家庭成员) — validation, storage, JSON, membership events.
 *
 * The ID number is the person's identity: normalised (15 → 18 digits, x → X), checked
 * (GB 11643), unique in the whole database, and the source of birth date and gender; a
 * form that states either differently is rejected.
 */
#ifndef ANJU_PERSON_H
#define ANJU_PERSON_H
#include <jansson.h>
#include <stdbool.h>

#include "core/idnumber.h"
#include "core/jsonx.h"
#include "domain/actor.h"
#include "core/outcome.h"

extern const char *const person_genders[];
extern const char *const person_relations[];
extern const char *const person_ethnicities[];
extern const char *const person_educations[];
extern const char *const person_healths[];
extern const char *const person_labor_capacities[];
extern const char *const person_join_events[];	/* birth, marriage_in, move_in */
extern const char *const person_leave_events[];	/* death, marriage_out, move_out */

/* A validated person as given in a request; NULL fields were not given. */
struct person_in {
	struct idnumber idn;
	bool has_id;
	const char *name, *relation, *ethnicity, *education, *health, *labor_capacity, *phone;
};

/* Validates the person object `obj` (errors prefixed with `prefix`). With `create`, the
 * ID number, name and relation are required; otherwise only given fields are checked.
 * Returns true when no error was added. */
bool person_parse(struct ctx *cx, json_t *obj, const char *prefix, bool create,
		  struct person_in *p);
/* The same for a person given as texts (an import's row: no JSON built, the same rules);
 * the texts must outlive *p. */
bool person_parse_pairs(struct ctx *cx, const struct jx_pairs *t, const char *prefix,
			bool create, struct person_in *p);
/* Inserts a validated person into a household and records the joining event.
 * Returns a store_rc; STORE_CONSTRAINT means the ID number is taken. */
int person_insert(struct ctx *cx, int64_t household_id, const struct person_in *p,
		  const char *event, const char *date, int64_t *id);
/* The same for n members of one new household (at most PERSON_INSERT_MAX) in one statement
 * for the persons and one for their events; ids[i] is p[i]'s new id. */
#define PERSON_INSERT_MAX 30
int person_insert_many(struct ctx *cx, int64_t household_id, const struct person_in *p, int n,
		       const char *event, const char *date, int64_t *ids);
/* Sets the fields of a validated person that are given (not NULL) — name, relation,
 * ethnicity, education, health, labor capacity, phone — on person `id`, moves its version
 * on and re-indexes its name; inside the caller's write transaction, without an audit row
 * (the caller writes one). Returns a store_rc. */
int person_update_fields(struct ctx *cx, int64_t id, const struct person_in *p);
/* The current members of a household as a JSON array. */
json_t *person_members_json(struct ctx *cx, int64_t household_id);
/* One person as JSON when visible to the actor; NULL when absent or out of scope. */
json_t *person_load(struct ctx *cx, int64_t id);
/* Rewrites a person's search index entry from its name. */
int person_index(struct ctx *cx, int64_t id, const char *name);
/* The persons whose ID numbers a write found already registered. A taken number tells the
 * writer that the person is on the county's register, wherever they live, so every such
 * answer is audited (the answer itself never says where). */
#define PERSON_MAX_PROBES 32
struct id_probes {
	int64_t owners[PERSON_MAX_PROBES];
	int n;
};
/* True when no one else has the ID number (no one, or only except_id); when another person
 * has it, notes that owner in probes (may be NULL). */
bool person_id_available(struct ctx *cx, const char *id_number, int64_t except_id,
			 struct id_probes *probes);
/* After the write's transaction has ended, when it was refused as invalid (the answer
 * tells that a number is taken): one audit row "id_probe" per owner, in a transaction of
 * its own. Returns res, or OUT_INTERNAL when the rows could not be written (an unaudited
 * probe is not answered). */
enum outcome person_probes_audit(struct ctx *cx, const struct id_probes *probes,
				 enum outcome res);

/* One person's full ID number, deliberately asked for by a registry editor or an auditor,
 * and the audit row "reveal" for it, written in a transaction of its own before the
 * number is handed out: FORBIDDEN for other roles, NOT_FOUND when the person is not
 * visible, BUSY or INTERNAL when the row could not be written (no row, no number). */
enum outcome person_reveal_id_number(struct ctx *cx, int64_t id, char number[19]);

/* API operations; each runs in its own transaction and writes audit rows. */
enum outcome person_create(struct ctx *cx, json_t *body, json_t **out);
enum outcome person_patch(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			  json_t **out);
enum outcome person_move(struct ctx *cx, int64_t id, json_t *body, json_t **out);
enum outcome person_leave(struct ctx *cx, int64_t id, json_t *body, json_t **out);
enum outcome person_list(struct ctx *cx, int64_t household_id, int64_t after, int limit,
			 json_t **out);
/* The ETag of a person: its version, quoted. */
void person_etag(json_t *person, char out[48]);
/* True when s can be a phone number: digits, spaces, '-' and '+', at least 5 characters,
 * and 11 digits when it is a mobile number (digits only, starting with 1). */
bool person_phone_ok(const char *s);
#endif
