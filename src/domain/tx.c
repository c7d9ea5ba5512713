/* tx: beginning and ending write transactions. */
#include "domain/tx.h"

enum outcome tx_begin(struct store_conn *db)
{
	int rc = store_begin(db);
	return rc == STORE_OK ? OUT_OK : rc == STORE_BUSY ? OUT_BUSY : OUT_INTERNAL;
}

enum outcome tx_end(struct store_conn *db, enum outcome res, int rc)
{
	if (store_failed_in_tx(db) && rc != STORE_CONSTRAINT) {
		store_rollback(db);
		return store_busy_in_tx(db) ? OUT_BUSY : OUT_INTERNAL;
	}
	if (res == OUT_OK && rc == STORE_OK && store_commit(db) == STORE_OK)
		return OUT_OK;
	store_rollback(db);
	if (store_busy_in_tx(db))
		return OUT_BUSY;	/* the commit met a locked database */
	if (res != OUT_OK)
		return res;
	return rc == STORE_CONSTRAINT ? OUT_CONFLICT : OUT_INTERNAL;
}

enum outcome tx_end_out(struct store_conn *db, enum outcome res, int rc, json_t **out)
{
	res = tx_end(db, res, rc);
	if (res != OUT_OK && out && *out) {
		json_decref(*out);
		*out = NULL;
	}
	return res;
}
