/* household_guard: the write check and the version bump every record under a household uses. */
#include "domain/household_guard.h"

#include <stdio.h>
#include <string.h>

#include "domain/audit.h"

/* Visible, open, and the role passes `may`. A household the store could not read counts as
 * not found, as it always has. */
static enum outcome writable_by(struct ctx *cx, int64_t id, bool (*may)(enum role))
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT h.status = 'closed' FROM households h"
		" WHERE h.id = ? AND " READ_SCOPE_SQL, "i" READ_SCOPE_TYPES, id,
		READ_SCOPE_ARGS(cx, lo, hi));
	bool found = store_next(r), closed = found && store_int(r, 0);
	if (store_finish(r) != STORE_OK || !found)
		return OUT_NOT_FOUND;
	if (!may(cx->actor->role))
		return OUT_FORBIDDEN;
	if (closed) {
		verrors_add(cx->errs, "household_id", "household_closed");
		return OUT_CONFLICT;
	}
	return OUT_OK;
}

enum outcome household_guard_writable(struct ctx *cx, int64_t id)
{
	return writable_by(cx, id, role_can_edit_registry);
}

enum outcome household_guard_writable_by(struct ctx *cx, int64_t id, bool (*may)(enum role))
{
	return writable_by(cx, id, may ? may : role_can_edit_registry);
}

enum outcome household_guard_writable_archive(struct ctx *cx, int64_t id)
{
	return writable_by(cx, id, role_can_edit_archive);
}

int household_guard_touch(struct ctx *cx, int64_t id)
{
	char now[21];
	audit_now(now);
	return store_exec(cx->db, "UPDATE households SET version = version + 1, updated_at = ?"
			  " WHERE id = ?", "ti", now, id);
}

enum outcome household_guard_requester(struct ctx *cx, int64_t person_id,
				       int64_t household_id, int64_t *hh, char dest[16])
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = person_id
		? store_query(cx->db, "SELECT h.id, h.dest_community FROM persons p JOIN households h"
			      " ON h.id = p.household_id WHERE p.id = ? AND " SCOPE_SQL,
			      "i" SCOPE_TYPES, person_id, SCOPE_ARGS(lo, hi))
		: store_query(cx->db, "SELECT h.id, h.dest_community FROM households h WHERE h.id = ?"
			      " AND " SCOPE_SQL, "i" SCOPE_TYPES, household_id, SCOPE_ARGS(lo, hi));
	bool found = store_next(r);
	if (found) {
		*hh = store_int(r, 0);
		snprintf(dest, 16, "%s", store_null(r, 1) ? "" : store_text(r, 1));
	}
	if (store_finish(r) != STORE_OK)
		return OUT_INTERNAL;
	return found ? OUT_OK : OUT_NOT_FOUND;
}

enum outcome household_guard_asked_by(struct ctx *cx, int64_t person_id,
				      int64_t household_id, int64_t *hh, char dest[16])
{
	if (!person_id && !household_id)
		return OUT_OK;
	enum outcome res = household_guard_requester(cx, person_id, person_id ? 0 : household_id,
						     hh, dest);
	if (res == OUT_OK && person_id && household_id && *hh != household_id)
		verrors_add(cx->errs, "household_id", "person_not_in_household");
	return res;
}
