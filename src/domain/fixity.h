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
/* The last recorded run as JSON (null when none). */
json_t *fixity_last(struct ctx *cx);
#endif
