/*
 * archive: the "one household, one file" archive (一户一档). An item (件) is one document,
 * picture, recording, video or report of a household (or of one person's volume), with a
 * reference code (档号) that is unique and never reused, the paper original's location or
 * none (electronic only), and any number of files. Files are versioned: a replacement
 * supersedes, never deletes; removing an item needs a reason and keeps everything.
 *
 * Reference code rule: COUNTY-YEAR-RETENTION-HOUSEHOLD-ITEM, e.g.
 *   520628-2019-Y-5206281182010001-0003
 * COUNTY the 6-digit code of the household's origin county; YEAR the item's date (else the
 * year it was filed); RETENTION Y (permanent, 永久), D30 or D10 (30 / 10 years, 定期);
 * HOUSEHOLD the household number; ITEM the household's item counter, 4 digits, which
 * only ever rises.
 */
#ifndef ANJU_ARCHIVE_H
#define ANJU_ARCHIVE_H
#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"
#include "core/media.h"
#include "store/blobstore.h"

struct archive_file {
	const char *name;	/* the client's file name; validated here */
	struct blob_writer *w;	/* a finished temporary file: sha256 and size known */
	const char *mime;	/* sniffed from the bytes */
	const struct media_info *media;	/* may be NULL */
	struct blob_writer *thumb, *reference;	/* derived images, or NULL */
};

struct archive_file_info {
	int64_t id;
	char sha256[65];
	char thumbnail[65];	/* "" when none */
	char reference[65];
	int64_t size;
	char mime[96];
	char name[512];
};

struct item_filter {
	int64_t household_id;	/* 0 = every household in scope */
	const char *doc_type, *from, *to, *q;
	int64_t after;
	int limit;
};

enum outcome archive_item_create(struct ctx *cx, int64_t household_id, json_t *fields,
				 struct archive_file *files, int nfiles, json_t **out);
/* Adds files to an item as a new version; a `replaces` field names a file it supersedes. */
enum outcome archive_item_add_files(struct ctx *cx, int64_t item_id, json_t *fields,
				    struct archive_file *files, int nfiles, json_t **out);
/* Changes title, doc_type, date, responsible_body, pages, paper_location under If-Match
 * (required: 428 without, 412 when stale). */
enum outcome archive_item_patch(struct ctx *cx, int64_t item_id, const char *if_match,
				json_t *body, json_t **out);
/* "i<id>-<version>", quoted. */
void archive_item_etag(json_t *item, char out[48]);
enum outcome archive_item_get(struct ctx *cx, int64_t item_id, json_t **out);
/* The item with its files when its household is within the actor's scope; NULL when it is
 * not there (or not for this actor) or on a storage error (archive_read.c). */
json_t *archive_item_load(struct ctx *cx, int64_t id);
/* OK when the actor may add files to or remove the item now; else why not. */
enum outcome archive_item_changeable(struct ctx *cx, int64_t item_id);
enum outcome archive_item_list(struct ctx *cx, const struct item_filter *f, json_t **out);
/* {"reason"}: marks the item removed; nothing is deleted. */
enum outcome archive_item_remove(struct ctx *cx, int64_t item_id, json_t *body, json_t **out);
/* A household's whole file: the household (with members and history) and every item with
 * its files, for export and print. Both are the caller's on OK. */
enum outcome archive_household_file(struct ctx *cx, int64_t household_id, json_t **household,
				    json_t **items);
/* A file's stored facts, when its household is within scope. */
enum outcome archive_file_info(struct ctx *cx, int64_t file_id, struct archive_file_info *out);
/* Inserts an item row without files (also the demo's metadata-only items). item_no 0
 * takes the household's next number; the demo passes its own and then sets the counter
 * once. Returns a store_rc. */
int archive_item_insert(struct ctx *cx, int64_t household_id, const char *number,
			const char *origin_village, const char *title, const char *doc_type,
			const char *date, const char *retention, const char *paper_location,
			int64_t item_no, int64_t *id);
/* For blob_writer_uncommit, arg the connection (struct store_conn *): true when a row of
 * blobs names the blob, or the lookup failed (a doubt keeps the file). */
bool archive_blob_recorded(void *arg, const char *sha256);
#endif
