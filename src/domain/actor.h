/*
 * actor: who is acting (user, role, scope) and the context every domain call gets; role_*
 * says what a role may do.
 *
 * Scope is a division code prefix: a user sees a household when its origin village or its
 * destination community starts with the user's scope code ("" = everything). Outside it a
 * household and its persons do not exist for that user (404, never 403, so scope does not
 * leak which records exist).
 *
 * A volunteer's scope is not a division but a set of assignments (volunteer.h): the
 * households assigned to the account, one by one or by the building they live in. Their
 * division range is empty (actor_scope_range), and SCOPE_SQL's last term admits the
 * households of volunteer_reach for the account; a volunteer with no assignments sees
 * nothing. Every query written with SCOPE_SQL or READ_SCOPE_SQL picks this up.
 */
#ifndef ANJU_ACTOR_H
#define ANJU_ACTOR_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/verrors.h"
#include "store/store.h"

enum role {
	ROLE_ADMIN, ROLE_COUNTY, ROLE_TOWN, ROLE_COMMUNITY, ROLE_VOLUNTEER, ROLE_ARCHIVIST,
	ROLE_AUDITOR, ROLE_COUNT
};

extern const char *const role_names[];	/* NULL-terminated, in enum order */

struct actor {
	int64_t user_id;	/* 0 for the command line / system */
	char username[64];
	char full_name[160];	/* the user's full name (016), "" when none is given */
	enum role role;
	char scope[16];
	char address[64];
};

/* Everything a domain operation needs: the connection, who acts, request memory, the
 * error list for validation, and "today" (a day number, injectable for tests). */
struct blobstore;

struct ctx {
	struct store_conn *db;
	const struct actor *actor;
	struct arena *arena;
	struct verrors *errs;
	long today;
	const struct blobstore *blobs;	/* the file store, for archive operations */
	/* A check, not a write: the *_in_tx operations an import calls validate as they always
	 * do and return OUT_OK where they would begin writing (an import's first pass, which
	 * reads the file in a read transaction so that it never holds the write lock). */
	bool check_only;
	/* Set by a change under an ETag that changed nothing (tx_end_change): nothing was
	 * written, no version moved, no audit row; the answer is the record as it was. */
	bool unchanged;
	/* Looked up already: the import found, in this transaction, that nobody of the
	 * household is registered (and, in a write pass over a file its check found all new
	 * with nobody's write in between, store_data_version, that its number is free), so
	 * household_create_in_tx does not ask again whether each ID number and the household
	 * number are free; everything else is validated. */
	bool checked;
};

/* Parses a role name; returns -1 when unknown. */
int role_parse(const char *name);
/* True when the role may create and change households and persons. */
bool role_can_edit_registry(enum role r);
/* True when the role may record visits and raise needs of a household it sees: those who
 * keep the registry, and volunteers (for the households assigned to them). */
bool role_can_visit(enum role r);
/* True when the role may add and remove archive items. */
bool role_can_edit_archive(enum role r);
/* True when the role may manage user accounts. */
bool role_is_admin(enum role r);
/* True when the role reviews the audit log and access (who read what): administrators and
 * auditors. */
bool role_reviews_audit(enum role r);
/* True when the role may reveal a whole ID number, deliberately and audited: those who keep
 * the registry, and auditors. */
bool role_can_reveal(enum role r);
/* True when the role may take records away as files (CSV, XLSX, PDF, BagIt): every role
 * but the volunteer, who visits households and needs no copy of anyone's records. */
bool role_can_export(enum role r);

/* True when `code` lies within the actor's scope (never for a volunteer, whose scope is
 * households, not divisions). */
bool actor_covers(const struct actor *a, const char *code);
/* The half-open range [lo, hi) of division codes within the scope, for bound parameters:
 * lo = scope, hi = scope + ":" (':' sorts right after '9'). A volunteer's range is empty,
 * lo = hi = "~" and the account's id (no division code starts with '~'), which
 * actor_scope_assignee reads back for SCOPE_ARGS. */
void actor_scope_range(const struct actor *a, char lo[16], char hi[17]);
/* The volunteer account whose range `lo` is (actor_scope_range), else 0 (no account has
 * id 0, so volunteer_reach then adds nothing). */
int64_t actor_scope_assignee(const char *lo);

/* SQL condition on households alias h, taking 6 parameters (types SCOPE_TYPES) bound as
 * SCOPE_ARGS(lo, hi): the scope, then its range twice, then the volunteer account whose
 * assigned households it also admits (0: none). */
#define SCOPE_SQL "(? = '' OR (h.origin_village >= ? AND h.origin_village < ?)" \
		  " OR (h.dest_community >= ? AND h.dest_community < ?)" \
		  " OR h.id IN (SELECT va.household_id FROM volunteer_reach va WHERE va.user_id = ?))"
#define SCOPE_TYPES "ttttti"
#define SCOPE_ARGS(lo, hi) (lo), (lo), (hi), (lo), (hi), actor_scope_assignee(lo)

/* The same for reading one record (a household, a person, an archive item or file): the
 * scope, or a live break-the-glass grant of the actor to that household (domain/grant.h).
 * Grants count only inside a read snapshot (every GET), where no write can happen, so a
 * grant opens a household for reading and never for a change. Parameters READ_SCOPE_TYPES,
 * bound as READ_SCOPE_ARGS(cx, lo, hi). */
#define READ_SCOPE_SQL "(" SCOPE_SQL " OR (? = 1 AND h.id IN (SELECT g.household_id" \
		       " FROM access_grants g WHERE g.user_id = ? AND g.expires_at > ?)))"
#define READ_SCOPE_TYPES SCOPE_TYPES "iii"
#define READ_SCOPE_ARGS(cx, lo, hi) SCOPE_ARGS(lo, hi), actor_grants_count(cx), \
		(cx)->actor->user_id, actor_clock()
/* The same for a record kept by community (a service request, a petition) that may name a
 * household: the scope's range on its community column `col`, or, for a volunteer, a
 * household `hh` assigned to it. Parameters COMMUNITY_SCOPE_TYPES, bound as
 * COMMUNITY_SCOPE_ARGS(lo, hi). */
#define COMMUNITY_SCOPE_SQL(col, hh) "(? = '' OR (" col " >= ? AND " col " < ?) OR " hh \
		" IN (SELECT va.household_id FROM volunteer_reach va WHERE va.user_id = ?))"
#define COMMUNITY_SCOPE_TYPES "ttti"
#define COMMUNITY_SCOPE_ARGS(lo, hi) (lo), (lo), (hi), actor_scope_assignee(lo)

struct ctx;
/* 1 when grants count for this context now (inside a read snapshot), else 0. */
int64_t actor_grants_count(const struct ctx *cx);
/* Unix seconds now. */
int64_t actor_clock(void);

/* The system actor used by command-line tools: admin, whole database. */
void actor_system(struct actor *a);
#endif
