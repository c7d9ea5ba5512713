/* checklist: document types, each category's checklist and the completeness of files. */
#include "domain/checklist.h"

#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/tx.h"

const char *const checklist_retentions[] = {"permanent", "30y", "10y", NULL};

/* ---------------------------------------------------------------- document types */

json_t *checklist_doc_types(struct ctx *cx)
{
	json_t *arr = json_array();
	struct store_rows *r = store_query(cx->db, "SELECT code, name_zh, name_en, retention,"
		" required_registered_poor, required_synchronous FROM doc_types WHERE active = 1"
		" ORDER BY sort", NULL);
	while (store_next(r))
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:{s:b, s:b}}",
			"code", store_text(r, 0), "name", store_text(r, 1), "name_en", store_text(r, 2),
			"retention", store_text(r, 3), "required",
			"registered_poor", (int)store_int(r, 4), "synchronous", (int)store_int(r, 5)));
	store_finish(r);
	return arr;
}

enum outcome checklist_doc_type_put(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"code", "name", "name_en", "retention", "required",
					      "active", NULL};
	static const char *const req_keys[] = {"registered_poor", "synchronous", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	const char *code = jx_string(body, "code", "", true, 32, cx->errs);
	if (code && strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code))
		verrors_add(cx->errs, "code", "invalid_code");
	const char *name = jx_string(body, "name", "", true, 60, cx->errs);
	const char *name_en = jx_string(body, "name_en", "", true, 100, cx->errs);
	const char *retention = jx_enum(body, "retention", "", true, checklist_retentions, cx->errs);
	json_t *req = json_object_get(body, "required");
	int64_t need[2] = {0, 0};
	if (req && !json_is_object(req)) {
		verrors_add(cx->errs, "required", "type_object");
	} else if (req) {
		jx_only(req, req_keys, "required.", cx->errs);
		for (int i = 0; i < 2; i++) {
			json_t *v = json_object_get(req, req_keys[i]);
			if (v && !json_is_boolean(v))
				verrors_addf(cx->errs, "required.", req_keys[i], "type_boolean");
			need[i] = json_is_true(v);
		}
	}
	json_t *active = json_object_get(body, "active");
	if (active && !json_is_boolean(active))
		verrors_add(cx->errs, "active", "type_boolean");
	if (cx->errs->n)
		return OUT_INVALID;
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	int rc;
	int64_t sort = store_one_int(cx->db, &rc, "SELECT coalesce(max(sort), 0) + 10 FROM doc_types"
				     " WHERE code <> 'other'", NULL);
	rc = store_exec(cx->db, "INSERT INTO doc_types(code, name_zh, name_en, retention,"
		" required_registered_poor, required_synchronous, sort, active)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET"
		" name_zh = excluded.name_zh, name_en = excluded.name_en, retention = excluded.retention,"
		" required_registered_poor = excluded.required_registered_poor,"
		" required_synchronous = excluded.required_synchronous, active = excluded.active",
		"ttttiiii", code, name, name_en, retention, need[0], need[1], sort,
		(int64_t)(active ? json_is_true(active) : 1));
	if (rc == STORE_OK) {
		*out = json_pack("{s:s, s:s, s:s, s:s, s:{s:b, s:b}, s:b}", "code", code, "name", name,
				 "name_en", name_en, "retention", retention, "required",
				 "registered_poor", (int)need[0], "synchronous", (int)need[1],
				 "active", active ? json_is_true(active) : 1);
		rc = audit_write(cx, "put", "doc_type", 0, NULL, *out);
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

/* ---------------------------------------------------------------- the rule */

json_t *checklist_missing(struct ctx *cx, int64_t household_id)
{
	json_t *arr = json_array();
	struct store_rows *r = store_query(cx->db, "SELECT code FROM checklist_missing"
		" WHERE household_id = ? ORDER BY sort", "i", household_id);
	while (store_next(r))
		json_array_append_new(arr, json_string(store_text(r, 0)));
	if (store_finish(r) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

int checklist_load(struct store_conn *db, struct checklist *cl)
{
	memset(cl, 0, sizeof(*cl));
	bool full = false;
	struct store_rows *r = store_query(db, "SELECT code, category = 'registered_poor'"
		" FROM checklist ORDER BY sort, code", NULL);
	while (store_next(r)) {
		const char *code = store_text(r, 0);
		enum checklist_category cat = store_int(r, 1) ? CHECKLIST_REGISTERED_POOR
							     : CHECKLIST_SYNCHRONOUS;
		int k = checklist_type(cl, code);
		if (k < 0 && cl->ntypes == CHECKLIST_MAX_TYPES) {
			full = true;
			continue;
		}
		if (k < 0) {
			k = cl->ntypes++;
			snprintf(cl->code[k], sizeof(cl->code[k]), "%s", code);
		}
		cl->required[k][cat] = true;
		cl->need[cat]++;
	}
	int rc = store_finish(r);
	return rc == STORE_OK && full ? STORE_ERROR : rc;
}

int checklist_type(const struct checklist *cl, const char *code)
{
	for (int k = 0; k < cl->ntypes; k++)
		if (strcmp(cl->code[k], code) == 0)
			return k;
	return -1;
}

bool checklist_incomplete(const struct checklist *cl, enum checklist_category category,
			  int present)
{
	return present < cl->need[category];
}
