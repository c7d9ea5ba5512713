/* plots: the three plots a household left behind — the descriptor, its read and its
 * replacing write. */
#include "domain/plots.h"

#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "domain/ledger.h"

const char *const plots_kinds[] = {"contracted", "forest", "homestead", NULL};
const char *const plots_uses[] = {"transferred", "shares", "reclaimed", "self_farmed", "idle", NULL};

/* The largest plot taken as real, in mu (a square kilometre is 1,500 mu). */
#define PLOT_MAX_MU 10000.0
#define PLOT_MAX_INCOME 10000000

enum outcome plots_get(struct ctx *cx, int64_t household_id, json_t **out)
{
	json_t *h = NULL;
	*out = NULL;
	enum outcome res = ledger_household(cx, household_id, false, &h);
	json_decref(h);
	if (res != OUT_OK)
		return res;
	json_t *plots = ledger_rows(cx, "kind area_mu use annual_income", "trti",
		"SELECT kind, area_mu, use, annual_income FROM plots WHERE household_id = ?"
		" ORDER BY CASE kind WHEN 'contracted' THEN 1 WHEN 'forest' THEN 2 ELSE 3 END", "i",
		household_id);
	if (!plots)
		return OUT_INTERNAL;
	*out = json_pack("{s:I, s:o}", "household_id", (json_int_t)household_id, "items", plots);
	return OUT_OK;
}

/* The replacing write (ledger_replace opens it): the whole set checked, then written. */
static int plots_replace(struct ctx *cx, int64_t household_id, json_t *body, json_t *before)
{
	static const char *const allowed[] = {"items", "household_id", NULL};
	static const char *const plot_allowed[] = {"kind", "area_mu", "use", "annual_income", NULL};
	(void)before;
	jx_only(body, allowed, "", cx->errs);
	/* "items", as every ledger answers and a GET gives */
	const char *key = "items";
	json_t *plots = json_object_get(body, key), *pl;
	size_t i;
	bool seen[3] = {false, false, false};
	if (!json_is_array(plots))
		verrors_add(cx->errs, key, plots ? "type_array" : "required");
	else if (json_array_size(plots) > 3)
		verrors_add(cx->errs, key, "too_many_items");
	json_array_foreach(cx->errs->n ? NULL : plots, i, pl) {
		char prefix[40];
		double area;
		int64_t income;
		snprintf(prefix, sizeof(prefix), "%s[%zu].", key, i);
		if (!json_is_object(pl)) {
			snprintf(prefix, sizeof(prefix), "%s[%zu]", key, i);
			verrors_add(cx->errs, prefix, "type_object");
			continue;
		}
		jx_only(pl, plot_allowed, prefix, cx->errs);
		const char *kind = jx_enum(pl, "kind", prefix, true, plots_kinds, cx->errs);
		jx_number(pl, "area_mu", prefix, true, 0.01, PLOT_MAX_MU, &area, cx->errs);
		jx_enum(pl, "use", prefix, true, plots_uses, cx->errs);
		jx_int(pl, "annual_income", prefix, false, 0, PLOT_MAX_INCOME, &income, cx->errs);
		for (int k = 0; kind && plots_kinds[k]; k++)
			if (strcmp(kind, plots_kinds[k]) == 0) {
				if (seen[k])
					verrors_add(cx->errs, arena_printf(cx->arena, "%skind", prefix),
						    "duplicate_kind");
				seen[k] = true;
			}
	}
	if (cx->errs->n)
		return STORE_OK;
	int rc = store_exec(cx->db, "DELETE FROM plots WHERE household_id = ?", "i", household_id);
	json_array_foreach(plots, i, pl) {
		if (rc != STORE_OK)
			break;
		json_t *inc = json_object_get(pl, "annual_income");
		int64_t income = json_integer_value(inc);
		rc = store_exec(cx->db, "INSERT INTO plots(household_id, kind, area_mu, use,"
			" annual_income) VALUES (?, ?, ?, ?, ?)", "itdtn", household_id,
			json_string_value(json_object_get(pl, "kind")),
			json_number_value(json_object_get(pl, "area_mu")),
			json_string_value(json_object_get(pl, "use")),
			json_is_integer(inc) ? &income : NULL);
	}
	return rc;
}

const struct ledger plots_ledger = {
	.name = "plots", .entity = "plots", .owner = LEDGER_OF_HOUSEHOLD, .shape = LEDGER_SET,
	.get = plots_get, .replace = plots_replace,
};
