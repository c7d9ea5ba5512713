/*
 * demo_evaluations: a year of evaluations of model households (文明大家比) in the two
 * communities of the article, 团山 and 育才.
 *
 * Each community ran last year's six evaluations: the 卫生, 文明, 创业 and 道德示范户 of
 * households, the 遵纪守法好公民 and the civilized-community evaluation of residents
 * (persons: household heads). Each scores a few dozen subjects drawn from the community's
 * households on three or four criteria, by a panel of three evaluators (the community's
 * secretary, a building leader, a residents' representative), whose scores scatter around
 * a subject's own standing; the results are computed by the domain's rule
 * (evaluation_settle), approved in December and published in January. This year's
 * 文明示范户 is being scored, so the scoring page has work in it.
 */
#include "demo/demo_evaluations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "demo/rng.h"
#include "domain/evaluation.h"

#define SUBJECTS 36	/* drawn per evaluation and community (fewer when it has fewer) */

static const char *const communities[] = {"520628002030", "520628002031"};	/* 团山, 育才 */
static const char *const panel[] = {"社区书记", "楼栋长", "居民代表"};

struct criterion {
	const char *code, *name;
	int min, max, weight;
};

static const struct {
	const char *kind, *subject, *title;
	int threshold, top;	/* one of them */
	struct criterion c[4];
} plans[] = {
	{"hygiene_household", "household", "卫生示范户评选",
		85, 0, {{"indoor", "室内整洁", 0, 10, 40},
		{"kitchen", "厨卫卫生", 0, 10, 30}, {"doorway", "门前三包", 0, 5, 30}}},
	{"civilized_household", "household", "文明示范户评选",
		0, 8, {{"manners", "文明礼貌", 0, 10, 30},
		{"neighbours", "邻里和睦", 0, 10, 30}, {"customs", "移风易俗", 0, 10, 20},
		{"public", "爱护公物", 0, 5, 20}}},
	{"entrepreneur_household", "household", "创业示范户评选",
		0, 5, {{"business", "创业就业", 0, 20, 50},
		{"income", "增收成效", 0, 10, 30}, {"drive", "带动就业", 0, 5, 20}}},
	{"moral_household", "household", "道德示范户评选",
		80, 0, {{"filial", "孝老爱亲", 0, 10, 40},
		{"honest", "诚实守信", 0, 10, 30}, {"helping", "助人为乐", 0, 10, 30}}},
	{"law_abiding_citizen", "person", "遵纪守法好公民评选",
		0, 10, {{"law", "遵纪守法", 1, 5, 50},
		{"disputes", "无矛盾纠纷", 1, 5, 30}, {"study", "学法用法", 1, 5, 20}}},
	{"civilized_resident", "person", "文明社区居民评议",
		80, 0, {{"rules", "遵守居民公约", 0, 10, 40},
		{"hygiene", "环境卫生", 0, 10, 30}, {"volunteer", "志愿服务", 0, 10, 30}}},
};

struct subject {
	int64_t household, person;
};

/* The community's households with their heads, in id order. */
static int load_subjects(struct ctx *cx, const char *community, struct subject **out, long *n)
{
	int rc;
	long cap = (long)store_one_int(cx->db, &rc, "SELECT count(*) FROM households WHERE"
				       " dest_community = ?", "t", community);
	*n = 0;
	*out = rc == STORE_OK && cap > 0 ? calloc((size_t)cap, sizeof(**out)) : NULL;
	if (!*out)
		return rc == STORE_OK && cap == 0 ? STORE_OK : STORE_ERROR;
	struct store_rows *r = store_query(cx->db, "SELECT h.id, (SELECT min(p.id) FROM persons p"
		" WHERE p.household_id = h.id AND p.relation = 'head') FROM households h"
		" WHERE h.dest_community = ? ORDER BY h.id", "t", community);
	while (store_next(r) && *n < cap) {
		if (store_null(r, 1))
			continue;
		(*out)[*n].household = store_int(r, 0);
		(*out)[(*n)++].person = store_int(r, 1);
	}
	return store_finish(r);
}

static void at_time(int y, int m, int d, const char *hms, char out[21])
{
	/* unsigned and bounded: the widths the buffer was sized for, as gcc can see */
	snprintf(out, 21, "%04u-%02u-%02uT%.8sZ", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u, hms);
}

/* One scheme of plan p in a community for year y, scored; settled and published when
 * `published`. */
static int one_scheme(struct ctx *cx, struct rng *r, int p, const char *community, int y,
		      struct subject *subs, long nsubs, bool published,
		      struct demo_evaluations_summary *sum)
{
	char from[11], to[11], created[21], approved[21], pub[21], scored[21], today[11];
	/* signed by the community's demo account, as the petitions are */
	const char *who = strcmp(community, communities[0]) == 0 ? "tuanshan" : "yucai";
	snprintf(from, sizeof(from), "%04u-01-01", (unsigned)y % 10000u);
	snprintf(to, sizeof(to), "%04u-12-31", (unsigned)y % 10000u);
	at_time(y, 1, 10, "01:30:00", created);
	at_time(y, 12, 20, "07:00:00", approved);
	at_time(y + 1, 1, 6, "02:00:00", pub);
	date_format(cx->today, today);
	snprintf(scored, sizeof(scored), "%sT02:00:00Z", today);	/* this year's: today */
	double threshold = plans[p].threshold;
	int64_t top = plans[p].top;
	int rc = store_exec(cx->db, "INSERT INTO evaluation_schemes(kind, title, subject,"
		" division_code, period_from, period_to, year, award_threshold, award_top, status,"
		" created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
		"tttttti" "Dn" "tt", plans[p].kind, arena_printf(cx->arena, "%s %d 年度%s",
		strcmp(community, communities[0]) == 0 ? "团山社区" : "育才社区", y, plans[p].title),
		plans[p].subject, community, from, to,
		(int64_t)y, top ? NULL : &threshold, top ? &top : NULL, created, who);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	int64_t crit[4] = {0};
	int ncrit = 0;
	for (int k = 0; k < 4 && plans[p].c[k].code && rc == STORE_OK; k++, ncrit++) {
		const struct criterion *c = &plans[p].c[k];
		rc = store_exec(cx->db, "INSERT INTO evaluation_criteria(scheme_id, position, code,"
			" name, min_score, max_score, weight) VALUES (?, ?, ?, ?, ?, ?, ?)", "iittddd", id,
			(int64_t)k + 1, c->code, c->name, (double)c->min, (double)c->max, (double)c->weight);
		crit[k] = rc == STORE_OK ? store_last_id(cx->db) : 0;
	}
	sum->schemes++;
	bool person = strcmp(plans[p].subject, "person") == 0;
	long want = nsubs < SUBJECTS ? nsubs : SUBJECTS;
	long start = nsubs > want ? rng_range(r, 0, (int)(nsubs - want)) : 0;
	long step = nsubs / (want ? want : 1) > 1 ? rng_range(r, 1, (int)(nsubs / want)) : 1;
	for (long s = 0; s < want && rc == STORE_OK; s++) {
		const struct subject *x = &subs[(start + s * step) % nsubs];
		char key[24];
		snprintf(key, sizeof(key), "%c%lld", person ? 'p' : 'h',
			 (long long)(person ? x->person : x->household));
		rc = store_exec(cx->db, "INSERT INTO evaluation_subjects(scheme_id, subject_key,"
			" household_id, person_id) VALUES (?, ?, ?, ?)", "itin", id, key, x->household,
			person ? &x->person : NULL);
		if (rc != STORE_OK)	/* the draw never takes a household twice */
			return rc;
		int64_t sid = store_last_id(cx->db);
		sum->subjects++;
		int standing = rng_range(r, 55, 100);	/* the subject's own, in percent */
		bool partial = !published && rng_pct(r, 30);	/* this year's: not all scored yet */
		for (int e = 0; e < 3 && rc == STORE_OK; e++) {
			if (partial && e > 0)
				break;
			for (int k = 0; k < ncrit && rc == STORE_OK; k++) {
				const struct criterion *c = &plans[p].c[k];
				int pct = standing + rng_range(r, -12, 12);
				pct = pct < 0 ? 0 : pct > 100 ? 100 : pct;
				/* to the half point */
				double v = c->min + (double)((c->max - c->min) * pct * 2 / 100) / 2.0;
				rc = store_exec(cx->db, "INSERT INTO evaluation_scores(subject_id,"
					" criterion_id, evaluator, score, scored_at, scored_by) VALUES"
					" (?, ?, ?, ?, ?, ?)", "iitdtt", sid, crit[k], panel[e], v,
					published ? approved : scored, who);
				sum->scores++;
			}
		}
	}
	if (rc != STORE_OK || !published)
		return rc;
	int64_t complete = 0;
	rc = evaluation_settle(cx, id, &complete);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "UPDATE evaluation_schemes SET status = 'published',"
			" approved_at = ?, approved_by = ?, published_at = ?, published_by = ?"
			" WHERE id = ?", "tttti", approved, who, pub, who, id);
	if (rc == STORE_OK)
		sum->awards += (long)store_one_int(cx->db, &rc, "SELECT count(*) FROM"
			" evaluation_subjects WHERE scheme_id = ? AND awarded = 1", "i", id);
	return rc;
}

int demo_evaluations(struct ctx *cx, uint64_t seed, struct demo_evaluations_summary *sum)
{
	struct rng r = {seed ^ 0x6576616cull};	/* "eval" */
	int y, m, d;
	date_from_days(cx->today, &y, &m, &d);
	int rc = STORE_OK;
	for (int c = 0; c < 2 && rc == STORE_OK; c++) {
		struct subject *subs = NULL;
		long n = 0;
		rc = load_subjects(cx, communities[c], &subs, &n);
		for (int p = 0; n > 0 && rc == STORE_OK && p < (int)(sizeof(plans) / sizeof(plans[0])); p++)
			rc = one_scheme(cx, &r, p, communities[c], y - 1, subs, n, true, sum);
		if (n > 0 && rc == STORE_OK)	/* this year's 文明示范户, being scored */
			rc = one_scheme(cx, &r, 1, communities[c], y, subs, n, false, sum);
		free(subs);
	}
	return rc;
}
