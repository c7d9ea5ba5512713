/*
 * household: relocated households (搬迁户) — the unit of "one household, one file".
 *
 * A household is created with its members, changed under optimistic concurrency (its
 * version is the ETag), and closed, never deleted. Its members and their membership
 * events live in person.c.
 */
#ifndef ANJU_HOUSEHOLD_H
#define ANJU_HOUSEHOLD_H
#include <jansson.h>

#include "core/outcome.h"
#include "domain/actor.h"
#include "domain/household_guard.h"	/* household_guard_writable, household_guard_touch */

/* How far ahead a relocation date may lie (a planned move), in days; the earliest is
 * 1980-01-01. */
#define HOUSEHOLD_PLAN_AHEAD_DAYS (5 * 366)

extern const char *const household_categories[];
extern const char *const household_statuses[];

struct household_filter {
	const char *town;	/* 9-digit code: origin or destination in the town */
	const char *community;	/* 12-digit destination community */
	const char *village;	/* 12-digit origin village */
	const char *category;
	const char *status;
	const char *q;		/* household number prefix, member name prefix, ID number, initials */
	int64_t after;		/* keyset cursor: the last id of the previous page */
	int limit;
};

/* Creates a household with its members. It shares a commit with creations that wait at the
 * same time (tx_grouped), so it is never called inside an open transaction. */
enum outcome household_create(struct ctx *cx, json_t *body, json_t **out);
/* The same without waiting (tx_grouped_submit): *res and *out are set, and then
 * notify(notify_arg) called, once the creation has committed or failed; body, out, res and
 * everything cx points to must live until then. */
void household_create_submit(struct ctx *cx, json_t *body, json_t **out, enum outcome *res,
			     void (*notify)(void *), void *notify_arg);
/* Where household `id` lives and how to reach it, for a round of visits: sets "address"
 * (community and site by name), "room" and "phone" in `into` (null when unknown). The
 * caller has the household from a read in the actor's scope (a worklist entry); the
 * phone is as stored: mask `into` with privacy_present. false on a storage error. */
bool household_contact(struct ctx *cx, int64_t id, json_t *into);
/* The household with members and history; NOT_FOUND when absent or out of scope. */
enum outcome household_get(struct ctx *cx, int64_t id, json_t **out);
/* The same as a value: NULL when absent, out of scope or on a storage error. */
json_t *household_load(struct ctx *cx, int64_t id);
/* The same creation as part of a larger write (an import) whose transaction the caller has
 * begun and will end: OUT_INVALID with every error in cx->errs and nothing written, or
 * OUT_OK with *id the new household; its audit row carries `detail` (NULL: none). A failed
 * store call is OUT_INTERNAL and marks the transaction. */
enum outcome household_create_in_tx(struct ctx *cx, json_t *body, const char *detail,
				    int64_t *id);
/* The same for a household given as texts, as an import reads it (h: its fields, members:
 * each member's; NULL values are not given), without building JSON: the same validation,
 * writes and audit row (its JSON written straight from the texts). The texts must outlive
 * the call. */
struct jx_pairs;
enum outcome household_create_texts_in_tx(struct ctx *cx, const struct jx_pairs *h,
					  const struct jx_pairs *members, int nmembers,
					  const char *detail, int64_t *id);
/* A change of household `id` as part of a larger write, in the caller's transaction: the
 * fields of `body` (as in a PATCH) that differ from the household's are validated and
 * written, audited with `detail`; *changed says whether any differed. NOT_FOUND when not
 * visible, FORBIDDEN/CONFLICT when not writable, OUT_INVALID with cx->errs. */
enum outcome household_update_in_tx(struct ctx *cx, int64_t id, json_t *body,
				    const char *detail, bool *changed);
/* Only the version (the ETag's number) of a visible household: a cheap check before
 * serving a cached rendering. */
enum outcome household_version(struct ctx *cx, int64_t id, int64_t *version);
enum outcome household_list(struct ctx *cx, const struct household_filter *f, json_t **out);
/* Applies a partial update when if_match equals the current ETag. */
enum outcome household_patch(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			     json_t **out);
enum outcome household_close(struct ctx *cx, int64_t id, json_t *body, json_t **out);
/* The ETag for a household JSON object: "h<id>-<version>". */
void household_etag(json_t *household, char out[48]);
void household_etag_for(int64_t id, int64_t version, char out[48]);

/* A validated household row, for household_insert (used by create and the demo). */
struct household_row {
	const char *number, *category, *status, *origin_village, *dest_community;
	const int64_t *site_id, *room_id;
	const char *relocation_date, *phone, *note;
};
/* Inserts the row only (no members, index or audit). Returns a store_rc. */
int household_insert(struct ctx *cx, const struct household_row *h, int64_t *id);

/* Rewrites the household's search index entry (number, origin and destination names). */
int household_index(struct ctx *cx, int64_t id);
#endif
