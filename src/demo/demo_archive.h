/* demo_archive: the generated county's archive — the checklist's documents, the items of
 * a household's paper file and a few generated photographs. */
#ifndef ANJU_DEMO_ARCHIVE_H
#define ANJU_DEMO_ARCHIVE_H

#include <stdint.h>

#include "demo/rng.h"
#include "domain/actor.h"

struct demo_archive_doc {
	char code[32], name[64], retention[16];
};

/* The documents a household's file holds, by category (the checklist view). */
struct demo_archive_checklist {
	struct demo_archive_doc poor[16], sync[16];
	int npoor, nsync;
};

/* Reads the checklist: which category requires which document. A store rc. */
int demo_archive_checklists(struct ctx *cx, struct demo_archive_checklist *c);
/* The household's paper file as a real, partly scanned archive has it: one metadata item
 * per required document, each with the paper original's place (cabinet per site, box of
 * twenty households). An incomplete file lacks one or two of them. A store rc. */
int demo_archive_items(struct ctx *cx, struct rng *r, int64_t household_id, const char *number,
		       const char *village, const char *date, const struct demo_archive_doc *docs,
		       int ndocs, int complete, int cabinet, long shelf_seq);
/* Gives archive item `item_id` a generated photograph (seed `seed`, file name `name`),
 * stored, thumbnailed and described like any upload (needs media_init and cx->blobs). A
 * store rc. */
int demo_archive_picture(struct ctx *cx, int64_t item_id, int seed, const char *name);
/* Scans for a few households: a generated photograph on `count` before-and-after items,
 * stored, thumbnailed and described like any upload. A store rc. */
int demo_archive_pictures(struct ctx *cx, int count);
#endif
