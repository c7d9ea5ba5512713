/* tx: how a domain write ends — the one place a transaction's fate becomes an outcome. */
#ifndef ANJU_TX_H
#define ANJU_TX_H
#include <jansson.h>

#include "core/outcome.h"
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
#endif
