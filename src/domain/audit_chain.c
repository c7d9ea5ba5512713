/*
 * audit_chain: the audit log's hash chain. Each row's `chain` is the hex BLAKE2b-256 of the
 * previous row's stored chain followed by this row's canonical form, so a row edited in
 * place fails its own check and a row removed makes the next one fail. The previous chain
 * is read inside the writing transaction: SQLite's single writer makes that safe; a
 * PostgreSQL backend must lock the chain's head (see docs/decisions.md).
 *
 * The hash is keyed with DATA/audit.key, which lives outside the database: someone who can
 * write the database file alone cannot recompute a valid chain after a forgery. Each intact
 * verification also appends its row count and head to DATA/audit.verified, so cutting the
 * newest rows together with the audit_verifications rows is still caught.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "domain/audit.h"

#define CHAIN_HEX (crypto_generichash_BYTES * 2 + 1)	/* 32 bytes as hex, NUL */

/* The columns the chain covers, in canonical order, then the chain itself. */
#define ROW_COLS "id, at, user_id, username, address, action, entity, entity_id, before," \
		 " after, records, detail, chain"

/* ---------------------------------------------------------------- the key */

/* Loaded once before any thread starts (audit_chain_key_load), then only read. */
static unsigned char chain_key[AUDIT_KEY_BYTES];
static bool key_loaded;
static char anchor_path[1024];	/* DATA/audit.verified */

/* Reads exactly n bytes; a short file is a damaged key, never silently padded. */
static int read_all(int fd, unsigned char *p, size_t n)
{
	while (n) {
		ssize_t got = read(fd, p, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int audit_chain_key_load(const char *data_dir, char *err, size_t errlen)
{
	char path[1024];
	unsigned char key[AUDIT_KEY_BYTES];
	mkdir(data_dir, 0700);	/* the blob store may not have made it yet */
	if (snprintf(path, sizeof(path), "%s/audit.key", data_dir) >= (int)sizeof(path) ||
	    snprintf(anchor_path, sizeof(anchor_path), "%s/audit.verified", data_dir)
	    >= (int)sizeof(anchor_path)) {
		snprintf(err, errlen, "%s: the data folder's path is too long", data_dir);
		return -1;
	}
	/* O_EXCL: two processes starting at once must not each write a different key */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		randombytes_buf(key, sizeof(key));
		bool ok = write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) && fsync(fd) == 0;
		ok = close(fd) == 0 && ok;
		if (!ok) {
			unlink(path);	/* a half-written key would break every later row */
			snprintf(err, errlen, "%s: cannot write the audit key: %s", path,
				 strerror(errno));
			sodium_memzero(key, sizeof(key));
			return -1;
		}
	} else if (errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create the audit key: %s", path, strerror(errno));
		return -1;
	} else {
		struct stat st;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) != 0 || st.st_size != AUDIT_KEY_BYTES ||
		    read_all(fd, key, sizeof(key)) != 0) {
			snprintf(err, errlen, "%s: the audit key is unreadable or not %d bytes",
				 path, AUDIT_KEY_BYTES);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	memcpy(chain_key, key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	key_loaded = true;
	return 0;
}

/* ---------------------------------------------------------------- canonical form */

/* Decimal digits of v (printf is most of the cost of a row here, so by hand). */
static void put_decimal(struct buf *b, int64_t v)
{
	char d[24];
	int n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		d[n++] = (char)('0' + u % 10);
	while ((u /= 10) && n < (int)sizeof(d));
	if (v < 0)
		buf_putc(b, '-');
	while (n)
		buf_putc(b, d[--n]);
}

/* Text as "LENGTH:BYTES;" and SQL NULL as "-;", so no two rows serialise alike. */
static void canon_text(struct buf *b, const char *s)
{
	if (!s) {
		buf_add(b, "-;", 2);
		return;
	}
	size_t n = strlen(s);
	put_decimal(b, (int64_t)n);
	buf_putc(b, ':');
	buf_add(b, s, n);
	buf_putc(b, ';');
}

static void canon_int(struct buf *b, const int64_t *v)
{
	if (!v) {
		buf_add(b, "-;", 2);
		return;
	}
	put_decimal(b, *v);
	buf_putc(b, ';');
}

static void chain_of(const char *prev, struct buf *canon, char out[CHAIN_HEX])
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash_state st;
	crypto_generichash_init(&st, chain_key, sizeof(chain_key), sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)prev, strlen(prev));
	crypto_generichash_update(&st, (const unsigned char *)canon->data, canon->len);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, CHAIN_HEX, h, sizeof(h));
}

static void canon_row(struct buf *b, int64_t id, const struct audit_row *row)
{
	buf_reset(b);
	canon_int(b, &id);
	canon_text(b, row->at);
	canon_int(b, &row->user_id);
	canon_text(b, row->username);
	canon_text(b, row->address);
	canon_text(b, row->action);
	canon_text(b, row->entity);
	canon_int(b, row->entity_id);
	canon_text(b, row->before);
	canon_text(b, row->after);
	canon_int(b, row->records);
	canon_text(b, row->detail);
}

/* The same form from a stored row selected as ROW_COLS. */
static void canon_stored(struct buf *b, struct store_rows *r)
{
	buf_reset(b);
	for (int col = 0; col < 12; col++) {
		bool is_int = col == 0 || col == 2 || col == 7 || col == 10;
		if (store_null(r, col)) {
			buf_puts(b, "-;");
		} else if (is_int) {
			int64_t v = store_int(r, col);
			canon_int(b, &v);
		} else {
			canon_text(b, store_text(r, col));
		}
	}
}

/* ---------------------------------------------------------------- appending */

/* The newest row's id and chain ("" and 0 for an empty log). */
static int chain_head(struct store_conn *db, int64_t *id, char prev[CHAIN_HEX])
{
	struct store_rows *r = store_query(db, "SELECT id, chain FROM audit ORDER BY id DESC LIMIT 1",
					   NULL);
	*id = 0;
	prev[0] = '\0';
	if (store_next(r)) {
		*id = store_int(r, 0);
		snprintf(prev, CHAIN_HEX, "%s", store_text(r, 1));
	}
	return store_finish(r);
}

/* Inserts `row` as id *last + 1 after chain `prev`; moves *last and prev on. */
static int append_after(struct store_conn *db, int64_t *last, char prev[CHAIN_HEX],
			const struct audit_row *row, struct buf *canon)
{
	int64_t id = *last + 1;
	char chain[CHAIN_HEX];
	if (!key_loaded) {	/* an unkeyed row would be forgeable: refuse, loudly */
		log_error("audit: no audit key loaded; the row is not written");
		return STORE_ERROR;
	}
	canon_row(canon, id, row);
	chain_of(prev, canon, chain);
	int rc = store_exec(db, "INSERT INTO audit(" ROW_COLS ") VALUES"
		" (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "itittttnttntt",
		id, row->at, row->user_id, row->username, row->address, row->action, row->entity,
		row->entity_id, row->before, row->after, row->records, row->detail, chain);
	if (rc == STORE_OK) {
		*last = id;
		memcpy(prev, chain, CHAIN_HEX);
	}
	return rc;
}

int audit_chain_append(struct store_conn *db, const struct audit_row *row)
{
	int64_t last;
	char prev[CHAIN_HEX];
	struct buf canon = BUF_INIT;
	/* the head read and the insert must be one transaction: joins the caller's, if any,
	 * and then leaves the fate of the whole to the caller */
	bool outermost = db->tx_depth == 0;
	int rc = store_begin(db);
	if (rc != STORE_OK)
		return rc;
	rc = chain_head(db, &last, prev);
	if (rc == STORE_OK)
		rc = append_after(db, &last, prev, row, &canon);
	buf_release(&canon);
	if (rc == STORE_OK || !outermost)
		return rc == STORE_OK ? store_commit(db) : (store_commit(db), rc);
	store_rollback(db);
	return rc;
}

int audit_chain_append_many(struct store_conn *db, const struct audit_row *rows, int n)
{
	int64_t last;
	char prev[CHAIN_HEX];
	struct buf canon = BUF_INIT;
	int rc = chain_head(db, &last, prev);
	for (int i = 0; i < n && rc == STORE_OK; i++)
		rc = append_after(db, &last, prev, &rows[i], &canon);
	buf_release(&canon);
	return rc;
}

/* ---------------------------------------------------------------- backfill */

int audit_chain_backfill(struct store_conn *db, int64_t *chained)
{
	int rc;
	*chained = 0;
	/* the usual case, cheaply: the newest row is chained, so every row is */
	int64_t unchained_head = store_one_int(db, &rc, "SELECT count(*) FROM audit WHERE id ="
		" (SELECT max(id) FROM audit) AND chain IS NULL", NULL);
	if (rc != STORE_OK || !unchained_head)
		return rc;
	int64_t first = store_one_int(db, &rc, "SELECT coalesce(min(id), 0) FROM audit"
				      " WHERE chain IS NULL", NULL);
	if (rc != STORE_OK || first == 0)
		return rc;
	/* Only a log with no chained row at all is one written before the chain existed; an
	 * unchained row anywhere else is damage (or a forgery), for `audit verify` to report. */
	int64_t chained_rows = store_one_int(db, &rc, "SELECT count(*) FROM audit"
					     " WHERE chain IS NOT NULL", NULL);
	if (rc != STORE_OK || chained_rows > 0)
		return rc;
	if (!key_loaded) {
		log_error("audit: no audit key loaded; the log is not chained");
		return STORE_ERROR;
	}
	if ((rc = store_begin(db)) != STORE_OK)
		return rc;
	char prev[CHAIN_HEX] = "", chain[CHAIN_HEX];
	struct store_rows *r = store_query(db, "SELECT chain FROM audit WHERE id < ?"
					   " ORDER BY id DESC LIMIT 1", "i", first);
	if (store_next(r))
		snprintf(prev, sizeof(prev), "%s", store_text(r, 0));
	rc = store_finish(r);
	struct buf canon = BUF_INIT;
	int64_t from = first;
	enum { BATCH = 1000 };
	struct done { int64_t id; char chain[CHAIN_HEX]; } *done = malloc(BATCH * sizeof(*done));
	if (!done)
		rc = STORE_ERROR;
	while (rc == STORE_OK) {
		/* a batch at a time: compute, then write, so no cursor is open while updating */
		int n = 0;
		r = store_query(db, "SELECT " ROW_COLS " FROM audit WHERE id >= ? ORDER BY id LIMIT ?",
				"ii", from, (int64_t)BATCH);
		while (store_next(r)) {
			canon_stored(&canon, r);
			chain_of(prev, &canon, chain);
			memcpy(prev, chain, CHAIN_HEX);
			done[n].id = store_int(r, 0);
			memcpy(done[n].chain, chain, CHAIN_HEX);
			n++;
		}
		rc = store_finish(r);
		for (int i = 0; i < n && rc == STORE_OK; i++)
			rc = store_exec(db, "UPDATE audit SET chain = ? WHERE id = ?", "ti",
					done[i].chain, done[i].id);
		if (n < BATCH)
			break;
		from = done[n - 1].id + 1;
		*chained += n;
	}
	buf_release(&canon);
	free(done);
	if (rc == STORE_OK && !store_failed_in_tx(db)) {
		rc = store_commit(db);
	} else {
		store_rollback(db);
		rc = rc == STORE_OK ? STORE_ERROR : rc;
	}
	if (rc == STORE_OK)
		*chained = store_one_int(db, &rc, "SELECT count(*) FROM audit WHERE id >= ?", "i",
					 first);
	return rc;
}

/* ---------------------------------------------------------------- verification */

/* A head an earlier intact verification recorded: row `id` with chain `chain` must still
 * be there, unchanged, or rows were removed from the end (or rewritten) since. */
struct known_head {
	int64_t id, rows;
	char chain[CHAIN_HEX];
	bool seen;
	const char *where;
};

/* The head recorded in the database by the last intact verification. */
static int recorded_head(struct store_conn *db, struct known_head *k)
{
	struct store_rows *r = store_query(db, "SELECT head_id, head_chain FROM audit_verifications"
		" WHERE intact = 1 AND head_id IS NOT NULL ORDER BY id DESC LIMIT 1", NULL);
	if (store_next(r)) {
		k->id = store_int(r, 0);
		snprintf(k->chain, CHAIN_HEX, "%s", store_text(r, 1));
	}
	return store_finish(r);
}

/* The last line of DATA/audit.verified, "AT ROWS HEAD_ID HEAD_CHAIN" (HEAD_CHAIN "-" for an
 * empty log): the same anchor outside the database, which a writer of the database file
 * alone cannot roll back. A missing file is no anchor (the first verification makes it);
 * an unreadable or malformed one is -1. */
static int anchored_head(struct known_head *k)
{
	if (!anchor_path[0])
		return 0;
	FILE *f = fopen(anchor_path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	char tail[512], chain[CHAIN_HEX + 8];
	long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	if (size < 0 || fseek(f, size > (long)sizeof(tail) - 1 ? size - (long)sizeof(tail) + 1 : 0,
			      SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	size_t n = fread(tail, 1, sizeof(tail) - 1, f);
	fclose(f);
	tail[n] = '\0';
	while (n && tail[n - 1] == '\n')
		tail[--n] = '\0';
	if (n == 0)
		return 0;
	char *line = strrchr(tail, '\n');
	line = line ? line + 1 : tail;
	long long rows, id;
	if (sscanf(line, "%*s %lld %lld %72s", &rows, &id, chain) != 3 || rows < 0 || id < 0)
		return -1;
	k->rows = rows;
	k->id = id;
	if (strcmp(chain, "-") == 0)
		chain[0] = '\0';
	else if (strlen(chain) != CHAIN_HEX - 1)
		return -1;
	memcpy(k->chain, chain, strlen(chain) + 1);
	return 0;
}

static void anchor_append(int64_t rows, int64_t head_id, const char *head_chain)
{
	char now[21], line[160];
	if (!anchor_path[0])
		return;
	audit_now(now);
	int n = snprintf(line, sizeof(line), "%s %lld %lld %s\n", now, (long long)rows,
			 (long long)head_id, head_chain[0] ? head_chain : "-");
	int fd = open(anchor_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	/* one write of one line with O_APPEND: concurrent verifications never interleave */
	if (fd < 0 || write(fd, line, (size_t)n) != n || fsync(fd) != 0)
		log_error("audit: cannot record the verification in %s: %s", anchor_path,
			  strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Checks row `id` (stored chain `stored`) against a known head. */
static void check_known(struct known_head *k, int64_t id, const char *stored,
			struct audit_check *out)
{
	if (!k->id || id != k->id || out->broken_id)
		return;
	k->seen = true;
	if (!stored || strcmp(stored, k->chain) != 0) {
		out->broken_id = id;
		snprintf(out->reason, sizeof(out->reason), "differs from the chain recorded at the"
			 " last verification (%s)", k->where);
	}
}

/* Walks the chain in one read snapshot. */
static int walk(struct store_conn *db, struct audit_check *out, char head_chain[CHAIN_HEX])
{
	struct known_head known[2] = {{.where = "in the database"},
				      {.where = "in audit.verified"}};
	char prev[CHAIN_HEX] = "", chain[CHAIN_HEX];
	int rc = recorded_head(db, &known[0]);
	if (rc == STORE_OK && anchored_head(&known[1]) != 0) {
		/* no row to name: the check cannot run until someone looks at the anchor */
		log_error("audit: %s is unreadable or malformed", anchor_path);
		snprintf(out->reason, sizeof(out->reason), "the data folder's audit.verified is"
			 " unreadable or malformed");
		return STORE_ERROR;
	}
	struct buf canon = BUF_INIT;
	int64_t from = 1;
	head_chain[0] = '\0';
	while (rc == STORE_OK && !out->broken_id) {
		int n = 0;
		struct store_rows *r = store_query(db, "SELECT " ROW_COLS " FROM audit WHERE id >= ?"
						   " ORDER BY id LIMIT 5000", "i", from);
		while (store_next(r)) {
			int64_t id = store_int(r, 0);
			const char *stored = store_null(r, 12) ? NULL : store_text(r, 12);
			n++;
			from = id + 1;
			if (out->broken_id)
				continue;
			out->checked++;
			out->head_id = id;
			canon_stored(&canon, r);
			chain_of(prev, &canon, chain);
			check_known(&known[0], id, stored, out);
			check_known(&known[1], id, stored, out);
			if (out->broken_id)
				continue;
			if (!stored) {
				out->broken_id = id;
				snprintf(out->reason, sizeof(out->reason), "has no chain");
			} else if (strcmp(stored, chain) != 0) {
				/* with the key a forger lacks, a recomputed chain fails here too */
				out->broken_id = id;
				snprintf(out->reason, sizeof(out->reason),
					 "does not match its contents and the row before it under this"
					 " data folder's audit.key (edited, or chained with another"
					 " key or none)");
			} else {
				memcpy(prev, stored, CHAIN_HEX);
			}
		}
		rc = store_finish(r);
		if (n == 0)
			break;
	}
	for (int i = 0; i < 2 && rc == STORE_OK && !out->broken_id; i++)
		if (known[i].id && !known[i].seen) {
			/* ids are consecutive (append takes the head's + 1): name the first gone */
			out->broken_id = out->head_id + 1;
			snprintf(out->reason, sizeof(out->reason), "is missing: the last verification"
				 " (%s) saw rows through %lld", known[i].where,
				 (long long)known[i].id);
		}
	if (rc == STORE_OK && !out->broken_id && out->checked < known[1].rows) {
		out->broken_id = out->head_id + 1;
		snprintf(out->reason, sizeof(out->reason), "is missing: %lld rows now, %lld at the"
			 " last verification (audit.verified)", (long long)out->checked,
			 (long long)known[1].rows);
	}
	memcpy(head_chain, prev, CHAIN_HEX);
	buf_release(&canon);
	return rc;
}

enum outcome audit_chain_verify(struct ctx *cx, struct audit_check *out)
{
	char now[21], head_chain[CHAIN_HEX];
	memset(out, 0, sizeof(*out));
	if (!key_loaded) {	/* without the key every row would look forged */
		log_error("audit: no audit key loaded; the chain cannot be verified");
		return OUT_INTERNAL;
	}
	bool own_snapshot = cx->db->tx_depth == 0;
	if (own_snapshot && store_begin_read(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	int rc = walk(cx->db, out, head_chain);
	if (own_snapshot)
		store_commit(cx->db);
	if (rc != STORE_OK)
		return OUT_INTERNAL;
	audit_now(now);
	bool intact = out->broken_id == 0;
	if ((rc = store_begin(cx->db)) != STORE_OK)
		return OUT_INTERNAL;
	rc = store_exec(cx->db, "INSERT INTO audit_verifications(at, username, checked, intact,"
		" broken_id, head_id, head_chain) VALUES (?, ?, ?, ?, ?, ?, ?)", "ttiinnt", now, cx->actor->username, out->checked, (int64_t)intact,
		intact ? NULL : &out->broken_id, intact && out->head_id ? &out->head_id : NULL,
		intact && out->head_id ? head_chain : NULL);
	if (rc == STORE_OK && !store_failed_in_tx(cx->db))
		rc = store_commit(cx->db);
	else
		store_rollback(cx->db);
	if (rc == STORE_OK && intact) {	/* anchors outside the database, to compare later */
		anchor_append(out->checked, out->head_id, head_chain);
		log_info("audit: chain intact through row %lld, chain %s", (long long)out->head_id,
			 head_chain);
	}
	return rc == STORE_OK ? OUT_OK : OUT_INTERNAL;
}

json_t *audit_chain_last_verification(struct ctx *cx)
{
	json_t *o = json_null();
	struct store_rows *r = store_query(cx->db, "SELECT at, username, checked, intact, broken_id"
		" FROM audit_verifications ORDER BY id DESC LIMIT 1", NULL);
	if (store_next(r)) {
		json_decref(o);
		o = json_pack("{s:s, s:s, s:I, s:b}", "at", store_text(r, 0), "user",
			      store_text(r, 1), "checked", (json_int_t)store_int(r, 2),
			      "intact", store_int(r, 3) != 0);
		json_object_set_new(o, "broken_id", store_null(r, 4) ? json_null()
				    : json_integer(store_int(r, 4)));
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(o);
		return NULL;
	}
	return o;
}
