/* service_figures: the one-stop service's figures — counts and times to done of the
 * requests in scope, in all, by matter and by window (service.h). */
#include "domain/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The q-th quantile (nearest rank) of n sorted values, in hours with one decimal. */
static json_t *quantile_hours(const int64_t *v, size_t n, double q)
{
	if (n == 0)
		return json_null();
	size_t rank = (size_t)(q * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return json_real((double)((v[rank - 1] + 180) / 360) / 10.0);
}

/* The counts of one group (a matter, a window, or all) and its times to done. */
struct group {
	int64_t requests, open, done, in_time, overdue;
	int64_t *secs;
	size_t n, cap;
};

struct groups {
	struct group *g;
	size_t n, cap;
	json_t *index;		/* key → position in g */
};

static struct group *group_of(struct groups *gs, const char *key)
{
	json_t *at = json_object_get(gs->index, key);
	if (at)
		return &gs->g[json_integer_value(at)];
	if (gs->n == gs->cap) {
		size_t cap = gs->cap ? gs->cap * 2 : 32;
		struct group *p = realloc(gs->g, cap * sizeof(*p));
		if (!p)
			return NULL;
		gs->g = p;
		gs->cap = cap;
	}
	memset(&gs->g[gs->n], 0, sizeof(gs->g[gs->n]));
	json_object_set_new(gs->index, key, json_integer((json_int_t)gs->n));
	return &gs->g[gs->n++];
}

static void group_add(struct group *g, const char *status, int overdue, int in_time,
		      bool has_seconds, int64_t seconds)
{
	g->requests++;
	g->open += service_status_open(status);
	g->overdue += overdue;
	g->in_time += in_time;
	if (strcmp(status, "done") != 0)
		return;
	g->done++;
	if (!has_seconds)
		return;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		int64_t *p = realloc(g->secs, cap * sizeof(*p));
		if (!p)
			return;	/* the counts stay right; the quantiles lose this value */
		g->secs = p;
		g->cap = cap;
	}
	g->secs[g->n++] = seconds;
}

/* The group as JSON (the schema ServiceFigures); its times are released. */
static json_t *group_json(struct group *g, const char *key, const char *name)
{
	if (g->n)
		qsort(g->secs, g->n, sizeof(*g->secs), cmp_int64);
	json_t *row = json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o}",
		"requests", (json_int_t)g->requests, "open", (json_int_t)g->open,
		"done", (json_int_t)g->done, "done_in_time", (json_int_t)g->in_time,
		"overdue", (json_int_t)g->overdue,
		"median_hours", quantile_hours(g->secs, g->n, 0.5),
		"p90_hours", quantile_hours(g->secs, g->n, 0.9),
		"done_in_time_share", g->done ? json_real((double)(g->in_time * 1000 / g->done) / 1000.0)
					      : json_null());
	if (key) {
		json_object_set_new(row, "key", json_string(key));
		json_object_set_new(row, "name", json_string(name ? name : key));
	}
	free(g->secs);
	g->secs = NULL;
	g->n = g->cap = 0;
	return row;
}

/* The groups that had requests, in the order of `sql`'s rows (key, name): the catalogue's
 * order for matters, the windows' for windows. */
static json_t *groups_json(struct ctx *cx, struct groups *gs, const char *sql)
{
	json_t *rows = json_array();
	struct store_rows *r = store_query(cx->db, sql, NULL);
	while (store_next(r)) {
		json_t *at = json_object_get(gs->index, store_text(r, 0));
		if (at)
			json_array_append_new(rows, group_json(&gs->g[json_integer_value(at)],
				store_text(r, 0), store_null(r, 1) ? NULL : store_text(r, 1)));
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

static void groups_release(struct groups *gs)
{
	for (size_t i = 0; i < gs->n; i++)
		free(gs->g[i].secs);
	free(gs->g);
	json_decref(gs->index);
}

enum outcome service_figures(struct ctx *cx, const char *community, json_t **out)
{
	char lo[16], hi[17], today[11], plo[16] = "", phi[17] = "";
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	date_format(cx->today, today);
	if (community && *community) {
		snprintf(plo, sizeof(plo), "%s", community);
		snprintf(phi, sizeof(phi), "%s:", community);
	}
	/* one pass over the requests (the table, or a community's range of its index),
	 * grouped here: a sort by matter through an index would read the rows out of order */
	struct group all = {0};
	struct groups matters = {.index = json_object()}, windows = {.index = json_object()};
	struct store_rows *r = store_query(cx->db, "SELECT r.matter, r.window_id, r.status,"
		" CASE WHEN r.status IN ('received', 'accepted', 'in_progress') AND r.due_on < ?"
		" THEN 1 ELSE 0 END, CASE WHEN r.status = 'done' AND r.closed_on <= r.due_on"
		" THEN 1 ELSE 0 END, r.done_seconds FROM service_requests r WHERE " SERVICE_SCOPE_SQL
		" AND (? = '' OR (r.community_code >= ? AND r.community_code < ?))",
		"t" COMMUNITY_SCOPE_TYPES "ttt", today, COMMUNITY_SCOPE_ARGS(lo, hi), plo, plo, phi);
	bool short_of_memory = false;
	while (store_next(r)) {
		const char *status = store_text(r, 2);
		int overdue = (int)store_int(r, 3), in_time = (int)store_int(r, 4);
		bool has = !store_null(r, 5);
		int64_t secs = has ? store_int(r, 5) : 0;
		group_add(&all, status, overdue, in_time, has, secs);
		struct group *m = group_of(&matters, store_text(r, 0));
		if (m)
			group_add(m, status, overdue, in_time, has, secs);
		short_of_memory |= !m;
		if (!store_null(r, 1)) {
			char key[24];
			snprintf(key, sizeof(key), "%lld", (long long)store_int(r, 1));
			struct group *w = group_of(&windows, key);
			if (w)
				group_add(w, status, overdue, in_time, has, secs);
			short_of_memory |= !w;
		}
	}
	enum outcome res = store_finish(r) == STORE_OK && !short_of_memory ? OUT_OK : OUT_INTERNAL;
	json_t *by_matter = res == OUT_OK ? groups_json(cx, &matters, "SELECT code, name_zh FROM"
		" service_matters ORDER BY sort, code") : NULL;
	json_t *by_window = res == OUT_OK ? groups_json(cx, &windows, "SELECT CAST(id AS TEXT), name"
		" FROM service_windows ORDER BY id") : NULL;
	json_t *totals = group_json(&all, NULL, NULL);
	groups_release(&matters);
	groups_release(&windows);
	if (!by_matter || !by_window) {
		json_decref(by_matter);
		json_decref(by_window);
		json_decref(totals);
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:o, s:o, s:o}", "totals", totals, "by_matter", by_matter,
			 "by_window", by_window);
	return OUT_OK;
}
