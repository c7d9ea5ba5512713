/* tx: how a domain write ends — the one place a transaction's fate becomes an outcome. */
#ifndef ANJU_TX_H
#define ANJU_TX_H
#include <jansson.h>

#include "core/outcome.h"
#include "domain/actor.h"
#include "store/store.h"

/* Begins a write transaction: OUT_BUSY when the database stayed locked past the busy
 * timeout (the caller answers 503 with Retry-After), OUT_INTERNAL on any other failure. */
enum outcome tx_begin(struct store_conn *db);
/* What a change under an ETag needs to know of its kind of record (household, person,
 * archive item, a ledger row). */
struct tx_record {
	json_t *(*load)(struct ctx *cx, int64_t id);	/* NULL: no such record in scope */
	void (*etag)(json_t *record, char out[48]);
	/* OUT_OK when the actor may change this record now; else why not (adding to cx->errs) */
	enum outcome (*writable)(struct ctx *cx, json_t *record);
	/* Instead of load, for kinds that need more to find a record (a ledger's rows): */
	json_t *(*load_from)(struct ctx *cx, const void *arg, int64_t id);
	/* Instead of writable, for kinds whose record does not say its owner (a ledger's set) */
	enum outcome (*writable_from)(struct ctx *cx, const void *arg, json_t *record);
	const void *arg;
};
/* The one opening of every partial update (PATCH) under an ETag, in this order: the body
 * is a JSON object (OUT_INVALID), the write transaction begins, the record is loaded
 * (OUT_NOT_FOUND), the actor may change it (kind->writable), and if_match names it:
 * missing is OUT_PRECONDITION_REQUIRED (428), "*" matches any existing record (RFC 9110),
 * another tag is OUT_PRECONDITION_FAILED (412). On OUT_OK the transaction is open and
 * *before is the record (the caller releases it and ends with tx_end_out); on any other
 * answer the transaction is already closed and *before is NULL.
 *
 * The one partial-update style that follows: `UPDATE t SET col = CASE WHEN ? THEN ? ELSE
 * col END, ...`, the first parameter tx_given(body, "col"): a column changes only when the
 * body names it, and a JSON null clears it. */
enum outcome tx_begin_change(struct ctx *cx, const struct tx_record *kind, int64_t id,
			     const char *if_match, json_t *body, json_t **before);
/* 1 when the body names key (even as null), else 0: the flag of the partial-update style. */
int64_t tx_given(json_t *body, const char *key);

/* Commits when the operation succeeded (res OK, rc STORE_OK) and no query failed during
 * the transaction; otherwise rolls back. A failed query wins over any other answer
 * (OUT_INTERNAL, or OUT_BUSY when it failed because the database stayed locked), since
 * validation built on a failed read cannot be trusted; then the
 * operation's own outcome; then a constraint violation is OUT_CONFLICT. */
enum outcome tx_end(struct store_conn *db, enum outcome res, int rc);
/* tx_end for operations that hand back a record: on any failure the record built so far
 * is released and *out is NULL, so callers own a result only when the answer is OK. */
enum outcome tx_end_out(struct store_conn *db, enum outcome res, int rc, json_t **out);

/* True when two readings of one record hold the same values, leaving out what a write
 * moves on by itself: "version" and "updated_at" at any depth, and the "id" of a list's
 * rows (a set replaced whole is written again with new ids). */
bool tx_same(json_t *a, json_t *b);
/* How a change under an ETag ends (after tx_begin_change, in place of tx_end_out): as
 * tx_end_out, except that a change whose record, read back after its write, is the
 * record as it was (tx_same(before, *out)) keeps nothing: the transaction is rolled back
 * (the write, the version moved on and the audit row with it), *out becomes the record as
 * it was (so its ETag is the one the caller sent), cx->unchanged is set and the answer is
 * OUT_OK. So a PATCH of `{}` or of the values already held writes no row of any kind.
 * `before` is borrowed. */
enum outcome tx_end_change(struct ctx *cx, enum outcome res, int rc, json_t *before,
			   json_t **out);

/* Runs op(cx, arg) — a write that begins and ends its own transaction with tx_begin and
 * tx_end — as part of a group commit: writes that arrive while another batch holds the
 * write lock queue up, and the next thread to take the lock runs them all, each in its
 * own savepoint, with one commit. The op runs on that thread's connection (cx->db is
 * replaced for the call) and must not keep cx->db. Returns the op's outcome, or
 * OUT_BUSY/OUT_INTERNAL when the shared commit failed; then *out (the record the op built)
 * is released and NULL. */
enum outcome tx_grouped(struct ctx *cx, enum outcome (*op)(struct ctx *cx, void *arg),
			void *arg, json_t **out);
/* The same without waiting, for a caller that has other work (a web server thread with
 * other connections): queues the job for the group writer, a thread of its own started on
 * first use, and returns at once. When the job's batch has committed or failed, *res holds
 * the outcome (as tx_grouped would return it), *out the record, and notify(notify_arg) is
 * called on the writer's thread; cx (its arena, actor and errors), arg and out must live
 * until then. Without a writer thread (none could start, or tx_grouped_stop has run) the
 * job runs here and notify is called before this returns. */
void tx_grouped_submit(struct ctx *cx, enum outcome (*op)(struct ctx *cx, void *arg), void *arg,
		       json_t **out, enum outcome *res, void (*notify)(void *), void *notify_arg);
/* Runs what is queued, then stops the group writer (a server calls it before it stops
 * taking requests' answers); later submissions run in their caller's thread. */
void tx_grouped_stop(void);
#endif
