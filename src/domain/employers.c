/* employers: the register of employers (among them the communities' "three places"). */
#include "domain/employers.h"

#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/tx.h"

const char *const employers_kinds[] = {"collective_company", "workshop", "public_service_station",
				       "enterprise", "other", NULL};

enum outcome employers_list(struct ctx *cx, json_t **out)
{
	json_t *items = ledger_rows(cx, "id name kind community", "ittt",
		"SELECT id, name, kind, community FROM employers ORDER BY kind, name", NULL);
	*out = items ? json_pack("{s:o}", "items", items) : NULL;
	return items ? OUT_OK : OUT_INTERNAL;
}

enum outcome employers_create(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"name", "kind", "community", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	jx_only(body, allowed, "", cx->errs);
	const char *name = jx_string(body, "name", "", true, 100, cx->errs);
	const char *kind = jx_enum(body, "kind", "", true, employers_kinds, cx->errs);
	const char *community = jx_code(body, "community", "", false, 12, cx->errs);
	if (community && !actor_covers(cx->actor, community))
		verrors_add(cx->errs, "community", "out_of_scope");
	if (cx->errs->n)
		return OUT_INVALID;
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	int rc;
	if (community && store_one_int(cx->db, &rc, "SELECT count(*) FROM divisions WHERE code = ?"
				       " AND level = 5", "t", community) == 0) {
		verrors_add(cx->errs, "community", "unknown_value");
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	int taken = (int)store_one_int(cx->db, &rc, "SELECT count(*) FROM employers WHERE name = ?",
					   "t", name);
	if (rc == STORE_OK && taken) {
		verrors_add(cx->errs, "name", "employer_exists");
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	char now[21];
	audit_now(now);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO employers(name, kind, community, created_at)"
				" VALUES (?, ?, ?, ?)", "tttt", name, kind, community, now);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	json_t *rows = rc == STORE_OK ? ledger_rows(cx, "id name kind community", "ittt",
		"SELECT id, name, kind, community FROM employers WHERE id = ?", "i", id) : NULL;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (rc == STORE_OK)
		rc = *out ? audit_write(cx, "create", "employer", id, NULL, *out) : STORE_ERROR;
	return tx_end_out(cx->db, OUT_OK, rc, out);
}
