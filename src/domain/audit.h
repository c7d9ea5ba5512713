/*
 * audit: the log of who changed and who read what.
 *
 * Changes write one row in the same transaction as the change (audit_write). Reads of
 * personal data (a household or person viewed, a search, a list, an export or download) are
 * queued in memory and written in batches by one background thread (audit_read), so a GET
 * never waits for the database's single writer. Every row carries `chain`, the keyed BLAKE2b of
 * the previous row's chain and this row's canonical form, so an edited, inserted or deleted
 * row breaks the chain at that point (audit_chain_verify).
 */
#ifndef ANJU_AUDIT_H
#define ANJU_AUDIT_H
#include <jansson.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* ---------------------------------------------------------------- changes */

/* Records `action` on entity/id with the record before and after (either may be NULL).
 * When both are given only what differs is kept, as two JSON merge patches (RFC 7396):
 * `before` turns the new record back into the old one, `after` the old into the new. A
 * record as it was is the current record with the `before` patches of later rows applied,
 * newest first. Must run inside the caller's write transaction. Returns a store_rc. */
int audit_write(struct ctx *cx, const char *action, const char *entity, int64_t id,
		json_t *before, json_t *after);
/* audit_write with a note of where the change came from in the row's detail ("import 12":
 * the import that made it); a change row is still told from a read event by its empty
 * record count. */
int audit_write_detail(struct ctx *cx, const char *action, const char *entity, int64_t id,
		       json_t *before, json_t *after, const char *detail);
/* A kind of record whose changes belong to a household's trail besides the household's
 * own, its members' and its archive items': the audit `entity`, and `ids`, SQL selecting
 * the ids of the household's records of that kind with one `?` for the household's id
 * (NULL: the audit row's entity_id is the household's id). */
struct audit_also {
	const char *entity, *ids;
};
/* Every list of the log has one row shape: id, at, user, address, action, entity,
 * entity_id, changed (the names of the fields a change touched), before and after (the
 * merge patches between the values, in lists that carry values), and records and detail
 * on read events only. */

/* The changes to a household, its members, its archive items and the `nalso` kinds of
 * `also`, newest first; with before/after when `values`. NULL on a storage error. */
#define AUDIT_TRAIL_ALSO_MAX 24
json_t *audit_household_trail(struct ctx *cx, int64_t household_id, int limit,
			      const struct audit_also *also, int nalso, bool values);
/* The audit rows of one entity, newest first, with before/after (NULL on error). Read
 * events are included only when `with_reads`. */
json_t *audit_list(struct ctx *cx, const char *entity, int64_t id, int limit, bool with_reads);
/* Every kind of record the log names (an audit row's `entity`) outside the ledgers, each
 * once, ending with a NULL name (audit.c); a ledger's entity is its descriptor's
 * (ledger_is_entity). `trail`: one record's change history may be asked for (GET
 * /api/v1/audit?entity=&id=, seen when audit_trail_visible says so). A new entity adds its
 * row here and entity_<name> to both message catalogues; the log's filters take it then. */
struct audit_entity {
	const char *name;
	bool trail;
};
extern const struct audit_entity audit_entities[];
/* The entity of that name; NULL when there is none. */
const struct audit_entity *audit_entity_find(const char *name);
/* True when the actor may see the audit trail of entity/id: a user's own, or any user's for
 * an admin; a household, person or item when its household is within the actor's scope (a
 * break-the-glass grant does not extend to the trail). False for any other entity, and
 * when the store cannot tell. */
bool audit_trail_visible(struct ctx *cx, const char *entity, int64_t id);
/* Current time as "YYYY-MM-DDTHH:MM:SSZ". */
void audit_now(char out[21]);

/* ---------------------------------------------------------------- reads */

/* Queues a read event: the actor read `records` records of entity/id (id 0: none, e.g. a
 * search), `action` one of "read", "search", "list", "export", "download"; `detail` says
 * what was asked (a search's text, a list's name, the copy downloaded) or NULL. Never
 * blocks for long: when the queue is full for more than a moment the event is counted as
 * dropped, and the next flush writes how many were. */
void audit_read(struct ctx *cx, const char *action, const char *entity, int64_t id,
		int64_t records, const char *detail);
/* Starts the background writer on its own connection to `store`: a batch every
 * `interval_ms` milliseconds, or sooner when AUDIT_BATCH events are waiting. */
#define AUDIT_BATCH 512
int audit_reads_start(struct store *store, int interval_ms);
/* Writes what is queued, then stops the writer (server shutdown). */
void audit_reads_stop(void);
/* Writes what is queued on `db` now (the command line, tests). Returns a store_rc. */
int audit_reads_flush(struct store_conn *db);

/* ---------------------------------------------------------------- the chain */

/* Loads the chain's key from DATA/audit.key, creating it (32 random bytes, 0600) at first
 * use, and remembers DATA/audit.verified as the verification anchor. Must run once before
 * any audit row is written or verified, before threads start; appending without a key
 * fails. The key never enters the database, a log or a database backup. 0, or -1 with
 * `err` set. */
#define AUDIT_KEY_BYTES 32
int audit_chain_key_load(const char *data_dir, char *err, size_t errlen);

/* Appends one row to the chain inside the caller's write transaction. `entity_id` and
 * `records` may be NULL (SQL NULL). Returns a store_rc. */
struct audit_row {
	const char *at, *username, *address, *action, *entity, *before, *after, *detail;
	int64_t user_id;
	const int64_t *entity_id, *records;
};
int audit_chain_append(struct store_conn *db, const struct audit_row *row);
/* The same for n rows in order, after one look at the chain's head (the read writer). */
int audit_chain_append_many(struct store_conn *db, const struct audit_row *rows, int n);
/* Chains rows written before the chain existed (chain NULL), in id order. Runs its own
 * transaction; *chained says how many rows it chained. Returns a store_rc. */
int audit_chain_backfill(struct store_conn *db, int64_t *chained);

struct audit_check {
	int64_t checked;	/* rows walked */
	int64_t broken_id;	/* first row whose chain does not match; 0 when intact */
	int64_t head_id;	/* the last row walked */
	char reason[160];	/* why broken_id is broken; or why the check could not run */
};
/* Walks the whole chain in id order and records the verification (who, when, result) for
 * the dashboard. Returns OUT_OK when the walk ran (intact or not: see broken_id), or an
 * error outcome. */
enum outcome audit_chain_verify(struct ctx *cx, struct audit_check *out);
/* The most recent verification as JSON ({at, user, checked, intact, broken_id}), JSON null
 * when there has been none; NULL on a storage error. */
json_t *audit_chain_last_verification(struct ctx *cx);

/* Names the records of `rows` (rows of the log) that people know by a title, not a number:
 * an evaluation's scores and the evaluation by its title, an activity and its attendance
 * by the activity's, an archive item by its title (its file reference when it has none),
 * as "name"; other rows, and records gone, are left as they are. */
void audit_record_names(struct ctx *cx, json_t *rows);

/* ---------------------------------------------------------------- the auditor's view */

struct audit_filter {
	const char *user;	/* username, exact */
	const char *entity;	/* alone: every record of the kind; with entity_id: one record */
	int64_t entity_id;
	const char *action;
	const char *from, *to;	/* dates YYYY-MM-DD, inclusive */
	int64_t before_id;	/* paging: rows with id below this (0: from the newest) */
	int limit;
};
/* Rows matching the filter, newest first: {"items": [...], "next": id or null}. Each row:
 * id, at, user, address, action, entity, entity_id, records, detail, changed. */
enum outcome audit_search(struct ctx *cx, const struct audit_filter *f, json_t **out);
#endif
