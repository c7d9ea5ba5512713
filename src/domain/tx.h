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
/* Commits when the operation succeeded (res OK, rc STORE_OK) and no query failed during
 * the transaction; otherwise rolls back. A failed query wins over any other answer
 * (OUT_INTERNAL, or OUT_BUSY when it failed because the database stayed locked), since
 * validation built on a failed read cannot be trusted; then the
 * operation's own outcome; then a constraint violation is OUT_CONFLICT. */
enum outcome tx_end(struct store_conn *db, enum outcome res, int rc);
/* tx_end for operations that hand back a record: on any failure the record built so far
 * is released and *out is NULL, so callers own a result only when the answer is OK. */
enum outcome tx_end_out(struct store_conn *db, enum outcome res, int rc, json_t **out);

/* Runs op(cx, arg) — a write that begins and ends its own transaction with tx_begin and
 * tx_end — as part of a group commit: writes that arrive while another batch holds the
 * write lock queue up, and the next thread to take the lock runs them all, each in its
 * own savepoint, with one commit. The op runs on that thread's connection (cx->db is
 * replaced for the call) and must not keep cx->db. Returns the op's outcome, or
 * OUT_BUSY/OUT_INTERNAL when the shared commit failed; then *out (the record the op built)
 * is released and NULL. */
enum outcome tx_grouped(struct ctx *cx, enum outcome (*op)(struct ctx *cx, void *arg),
			void *arg, json_t **out);
#endif
