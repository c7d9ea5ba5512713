/*
 * ledger: one shape for every ledger of a household or of a person (visits, jobs,
 * trainings, guarantees, plots, relocation steps, schooling, family doctor).
 *
 * A ledger is a descriptor (struct ledger): its name in URLs, its audit entity, whose it
 * is, its table and fields, and a check for what a field table cannot say. The shared
 * functions below list, append and change rows from the descriptor alone, so a new ledger
 * is one descriptor, its check, its migration and its messages (docs/architecture.md).
 *
 * One verb convention, one reply shape, for every ledger's API:
 *   GET   /api/v1/{households|persons}/{id}/{ledger}   {"items": [...]} (and summaries)
 *   POST  /api/v1/{households|persons}/{id}/{ledger}   appends one row: 201, the row
 *   PUT   /api/v1/{households|persons}/{id}/{ledger}   replaces the owner's set (plots,
 *                                                      steps) or its one record (schooling,
 *                                                      family doctor) under If-Match (the
 *                                                      ETag of the GET): 200, {"items": [...]}
 *   GET   /api/v1/{ledger}/{row id}                    one row, with its ETag
 *   PATCH /api/v1/{ledger}/{row id}                    changes a row under If-Match
 * A PUT always replaces; a ledger kept as rows takes no PUT (405).
 *
 * Every write has one skeleton: open the transaction and check the owner (for a change,
 * tx_begin_change: load, may the actor change it, If-Match), check the fields (the
 * descriptor's field table, then its check hook), write, read back, ledger_recorded, and
 * tx_end_out.
 *
 * Every change moves the household's version on and writes an audit row in the same
 * transaction, and every ledger's audit rows show in the household's change trail.
 */
#ifndef ANJU_DOMAIN_LEDGER_H
#define ANJU_DOMAIN_LEDGER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/date_rule.h"
#include "core/outcome.h"
#include "domain/actor.h"

/* ---------------------------------------------------------------- descriptors */

/* Whose ledger it is: the id in its URL, and the column that holds it. */
enum ledger_owner { LEDGER_OF_HOUSEHOLD, LEDGER_OF_PERSON };

/* How a ledger keeps its rows. */
enum ledger_shape {
	LEDGER_ROWS,	/* rows appended one at a time, each with an id; some fields may change */
	LEDGER_SET,	/* the owner's rows replaced as a whole (plots, relocation steps) */
	LEDGER_ONE,	/* one record per owner, replaced (schooling, family doctor): the table
			 * has the owner's column (unique), one column per field and updated_at */
};

/* When a date may lie (a field's .when) and the one set of date error codes, for every
 * ledger: core/date_rule.h (DATE_ANY, DATE_PAST, DATE_PLANNED; DATE_ORDER for a date before
 * the date it must follow). */

/* The most fields a ledger's row has (its `.fields`, and so its `.changeable`), and the
 * most `.reads`. A descriptor over them stops the process (CHECK, core/check.h) the first
 * time ledger.c uses it, never a row with a field silently left out. */
#define LEDGER_MAX_FIELDS 24
#define LEDGER_MAX_READS 8

/* One field of a row: a body's key, a column of the table, and a field of its form. */
struct ledger_field {
	const char *name;
	char kind;		/* 't' text, 'd' date, 's' one of options, 'i' whole number,
				 * 'r' number, 'b' true or false */
	bool required;
	double min, max;	/* 'i' and 'r': the range ('i': max 0 is no upper limit); 't':
				 * max is the longest length (0 refuses every value) */
	const char *const *options;	/* 's' */
	enum date_when when;	/* 'd' */
	const char *label_key;	/* its label on the form (NULL: not on the form) */
	const char *option_prefix;	/* the catalogue prefix of the options' words */
	const char *initial;	/* the form's value for a new row (NULL: empty) */
	bool body_only;		/* checked, then dropped: the table has no such column */
	bool person_name;	/* 't': a person's name, held to jx_name (nothing that does
				 * not show: no zero-width space, no bidi control) */
	/* 't': a configurable catalogue its value comes from ({"items": [{code, name_zh,
	 * name_en, active}]}), which the form offers as a list; the check says what is known */
	enum outcome (*choices)(struct ctx *cx, json_t **out);
	/* 'i' of a household's ledger: the household's records the value is the id of
	 * ({"items": [{source, id, date, text, name_zh, name_en}]}), which the form offers as
	 * a list (never an id to type); a choice also sets the field records_kind to the
	 * record's source */
	enum outcome (*records)(struct ctx *cx, int64_t household_id, json_t **out);
	const char *records_kind;
};

/* A column read with the row but never written (a job's employer kind). */
struct ledger_read {
	const char *name;
	char kind;		/* as ledger_rows */
	const char *sql;	/* an expression over the table's columns */
};

struct ledger {
	const char *name;	/* in URLs: /households/{id}/visits, /persons/{id}/family-doctor */
	const char *entity;	/* the audit entity of a change: a row's id, or (SET, ONE) the
				 * owner's */
	enum ledger_owner owner;
	enum ledger_shape shape;

	/* LEDGER_ROWS: the table has id, household_id or person_id, one column per field and
	 * created_at. LEDGER_ONE: the owner's column, one column per field and updated_at. */
	const char *table;
	const struct ledger_field *fields;	/* ends with a field whose name is NULL */
	const struct ledger_read *reads;	/* NULL, or ends with a NULL name */
	const char *order;			/* of a list: "date DESC, id DESC" */
	const char *const *changeable;		/* the fields a PATCH may change; NULL: none */
	/* A household's ledger of rows: the roles that may append to it (role_can_visit:
	 * volunteers too, for their assigned households); NULL: those who keep the registry. */
	bool (*may)(enum role r);
	/* What the field table cannot say: cross-field rules, lookups, defaults. `row` holds
	 * the checked fields (for a change, the row as it will be), `before` the row as it
	 * was (NULL for a new row), `owner` the household's or person's JSON. Adds errors to
	 * cx->errs; may set or remove keys of row (every key left is a column written). */
	void (*check)(struct ctx *cx, json_t *owner, json_t *row, json_t *before);
	/* Optional: writes that go with a new row, before it, in its transaction (a new
	 * guarantee ends the open one of its kind). Returns a store rc. */
	int (*also_write)(struct ctx *cx, json_t *owner, json_t *row);
	/* Optional: adds what is computed when a row is read (a job's "current"), and what
	 * a list answers beside its items (the guarantees' "current" status by kind). */
	void (*on_read)(struct ctx *cx, json_t *row);
	void (*on_list)(struct ctx *cx, json_t *out);

	/* LEDGER_ONE: the record before anything is recorded (JSON text, the owner's id
	 * added), as a read answers it: {"status": "none"}. */
	const char *absent;
	/* LEDGER_SET: the ledger's own read ({"items": [...]}; its ETag is ledger_whole_etag
	 * of it). A one-record ledger is read from its fields (ledger_list). */
	enum outcome (*get)(struct ctx *cx, int64_t owner_id, json_t **out);
	/* LEDGER_SET: the replacing write, called by ledger_replace inside its transaction
	 * once the owner and If-Match are checked; `before` is what get answered. Checks the
	 * whole body into cx->errs and writes only when it is valid. Returns a store rc.
	 * (LEDGER_ONE needs none: its fields and check say it, ledger.c writes it.) */
	int (*replace)(struct ctx *cx, int64_t owner_id, json_t *body, json_t *before);
};

/* Every ledger, ending in NULL (ledgers.c). */
extern const struct ledger *const ledgers[];
/* The ledger of that name and owner; NULL when there is none. */
const struct ledger *ledger_find(const char *name, enum ledger_owner owner);
/* The ROWS ledger whose rows that name addresses (/api/v1/jobs/{id}); NULL otherwise. */
const struct ledger *ledger_find_rows(const char *name);

/* The owner's rows: {"items": [...]} and the ledger's summaries. */
enum outcome ledger_list(struct ctx *cx, const struct ledger *l, int64_t owner_id, json_t **out);
/* Appends one row from a body (LEDGER_ROWS); *out is the row as stored. */
enum outcome ledger_append(struct ctx *cx, const struct ledger *l, int64_t owner_id,
			   json_t *body, json_t **out);
/* The same for a person's ROWS ledger as part of a larger write (an import) in the
 * caller's transaction: the person must be visible and writable (NOT_FOUND, FORBIDDEN),
 * the body valid (OUT_INVALID with cx->errs, nothing written); the audit row carries
 * `detail`. */
enum outcome ledger_append_in_tx(struct ctx *cx, const struct ledger *l, int64_t person_id,
				 json_t *body, const char *detail);
/* One row when the actor may see its owner. */
enum outcome ledger_row(struct ctx *cx, const struct ledger *l, int64_t row_id, json_t **out);
/* Changes the changeable fields a body names, under the row's ETag (tx_begin_change). */
enum outcome ledger_update(struct ctx *cx, const struct ledger *l, int64_t row_id,
			   const char *if_match, json_t *body, json_t **out);
/* Replaces a set or one-record ledger (LEDGER_SET, LEDGER_ONE) from a body, under the
 * ETag of what get answers (tx_begin_change: missing If-Match 428, stale 412, "*" any);
 * *out is the ledger as get answers it afterwards. */
enum outcome ledger_replace(struct ctx *cx, const struct ledger *l, int64_t owner_id,
			    const char *if_match, json_t *body, json_t **out);
/* The number of fields of a descriptor, once its limits are checked (above). */
int ledger_field_count(const struct ledger *l);
/* A row's ETag: its id and a hash of what it holds. */
void ledger_row_etag(json_t *row, char out[48]);
/* The ETag of a set or one-record ledger: a hash of what its get answers. */
void ledger_whole_etag(json_t *whole, char out[48]);
/* The household's change trail: the changes to it, its members, its archive items and
 * every ledger of it or of its members, newest first, with before/after when `values`
 * (audit_household_trail). */
json_t *ledger_household_trail(struct ctx *cx, int64_t household_id, int limit, bool values);
/* True when `entity` is a ledger's audit entity. */
bool ledger_is_entity(const char *entity);
/* The household an audited ledger change (entity, id) belongs to when the actor may see
 * it; 0 when the entity is no ledger's or the row is out of sight. */
int64_t ledger_audit_household(struct ctx *cx, const char *entity, int64_t id);

/* A date field with its ledger's rule (when): the string, or NULL with the error. */
const char *ledger_date(struct ctx *cx, json_t *body, const char *key, const char *prefix,
			bool required, enum date_when when);

/* ---------------------------------------------------------------- shared parts */

/* Rows of a query as a JSON array of objects: `names` is a space-separated list of keys,
 * `kinds` one character per column: 'i' integer, 'r' real, 't' text, 'b' boolean (NULL
 * columns become null). NULL on a storage error. */
json_t *ledger_rows(struct ctx *cx, const char *names, const char *kinds, const char *sql,
		    const char *types, ...);

/* A person visible to the actor (OUT_NOT_FOUND otherwise); with `write`, also a current
 * member of an open household, and the actor may keep registry ledgers. *person is the
 * person's JSON (the caller releases it) when the answer is OK. */
enum outcome ledger_person(struct ctx *cx, int64_t person_id, bool write, json_t **person);
/* OUT_OK when the person is visible to the actor (for reading their ledgers). */
enum outcome ledger_person_visible(struct ctx *cx, int64_t person_id);
/* {"items": rows} in *out; OUT_INTERNAL (and *out NULL) when rows is NULL. Takes rows. */
enum outcome ledger_items(json_t *rows, json_t **out);
/* The same for a household's ledgers. */
enum outcome ledger_household(struct ctx *cx, int64_t household_id, bool write, json_t **household);

/* Opens the write transaction of a household's ledger: the body is an object, the
 * household exists and the actor may change it; keys outside `allowed` are reported in
 * cx->errs (the caller checks the rest, then ends with tx_end). On any other answer than
 * OUT_OK the transaction is already closed. */
enum outcome ledger_begin_household(struct ctx *cx, int64_t household_id, json_t *body,
				    const char *const *allowed);
/* The same for a person's ledger (a current member of an open household); *person is the
 * person's JSON when the answer is OK (the caller releases it), NULL otherwise. */
enum outcome ledger_begin_person(struct ctx *cx, int64_t person_id, json_t *body,
				 const char *const *allowed, json_t **person);
/* The tail of every ledger write, inside its transaction: the household's version moves
 * on (its ETag) and the change is audited as `action` on entity/id. Returns a store rc. */
int ledger_recorded(struct ctx *cx, int64_t household_id, const char *action,
		    const char *entity, int64_t id, json_t *before, json_t *after);

/* ---------------------------------------------------------------- between ledger.c
 * (the writes) and ledger_read.c (the reads): not for other files */

/* The owner's column of the ledger's table: "household_id" or "person_id". */
const char *ledger_owner_column(const struct ledger *l);
/* OUT_OK when the actor may read (or, with write, change) the owner's ledgers; *owner is
 * then the person's JSON, or {"household_id"} for a household (the caller releases it). */
enum outcome ledger_owner_check(struct ctx *cx, enum ledger_owner kind, int64_t owner_id,
				bool write, json_t **owner);
/* The household of an owner's JSON (ledger_owner_check's). */
int64_t ledger_owner_household(json_t *owner);
/* One row of a ROWS ledger by id, as read (on_read applied); NULL when there is none. */
json_t *ledger_read_row(struct ctx *cx, const struct ledger *l, int64_t id);
/* tx_record's load of a ROWS ledger's row (arg: the ledger): found when the actor may see
 * its owner. */
json_t *ledger_load_visible(struct ctx *cx, const void *arg, int64_t id);

/* "2019-05-01" as a day number; -1 for NULL or bad text. */
long ledger_day(const char *date);
/* Age in whole years on `day` of a person born on the YYYY-MM-DD `birth`. */
int ledger_age(const char *birth, long day);

#endif
