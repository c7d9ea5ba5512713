/*
 * fixity: are the stored files still the bytes that were stored? Re-hashes blobs and
 * reports each missing or corrupted one with the households and items that refer to it.
 * Every run is recorded (fixity_checks) and the last one shows on the county report.
 */
#ifndef ANJU_FIXITY_H
#define ANJU_FIXITY_H
#include <jansson.h>
#include <stdint.h>

#include "domain/actor.h"
#include "store/blobstore.h"

struct fixity_problem {
	char sha256[65];
	enum blob_state state;
	char *where;		/* "household 12 (number) item 520628-...; ..." (malloc'd) */
};

struct fixity_result {
	int64_t blobs, missing, corrupted;
	struct fixity_problem *problems;
	int nproblems;
};

/* Checks every blob and records the run. Returns 0, or -1 when the database could not be
 * read or written. */
int fixity_check(struct ctx *cx, struct fixity_result *res);
void fixity_result_release(struct fixity_result *res);
/* A file in DATA/blobs that no row of `blobs` names: the original of an upload whose
 * answer never came, a thumbnail of one, ... (what crashes leave). */
struct fixity_orphan {
	char sha256[65];
	unsigned long long size;
	long long age;		/* seconds since the file last changed (or was linked) */
	bool removed;
};

/* Finds orphans at least `min_age` seconds old (younger ones may belong to a transaction
 * still in flight: its blob is in place before its row is committed); with `remove`,
 * removes each. *out (malloc'd, caller frees) holds them. 0, or -1 on a read error. */
int fixity_orphans(struct ctx *cx, long long min_age, bool remove, struct fixity_orphan **out,
		   int *n);
/* Puts back a missing or corrupted blob from a copy found in `dir` (DIR/blobs/ab/cd/SHA,
 * DIR/ab/cd/SHA or DIR/SHA: a backup of the data folder, or a folder of recovered files),
 * checked against its hash and size. Returns the path it was restored from (malloc'd), or
 * NULL when no good copy was found. */
char *fixity_restore(struct ctx *cx, const char *sha256, const char *dir);
/* The last recorded run as JSON (null when none). */
json_t *fixity_last(struct ctx *cx);
#endif
