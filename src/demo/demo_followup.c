/*
 * demo_followup: the demo county's services during and after relocation — employers (the
 * communities' "three places" and companies elsewhere), jobs and trainings of the labor
 * force, the three guarantees, schooling, family doctors, the three plots, relocation
 * steps with the people answerable, visits, and the labor-capacity volumes (一人一卷).
 *
 * Runs after the registry is generated, household by household in id order, each from a
 * generator seeded by the county seed and the household's id (so the registry's own
 * random stream, and with it the article's figures, is untouched). Dates of jobs, visits
 * and due steps are drawn relative to today, so the worklists show a county in active
 * follow-up on the day it is generated. The labor-capacity items are exact: the article's
 * 6,048 items (件) in 4,061 volumes (卷), or the same share of a scaled county.
 */
#include "demo/demo_followup.h"

#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/archive.h"
#include "demo/rng.h"
#include "domain/employers.h"
#include "domain/jobs.h"
#include "domain/trainings.h"
#include "domain/family_doctor.h"
#include "domain/guarantees.h"
#include "domain/schooling.h"
#include "domain/plots.h"
#include "domain/steps.h"
#include "domain/visits.h"
#include "domain/followup.h"
#include "domain/ledger.h"

#define CHUNK 2000	/* households read per query */
#define MAX_MEMBERS 16

struct member {
	int64_t id;
	char birth[11];
	char labor[12];
	char name[32];
};

struct hh {
	int64_t id;
	char number[24], village[13], community[13], status[12], category[20], reloc[11];
	struct member m[MAX_MEMBERS];
	int n;
};

/* Employers: per community a workshop, a collective company and a public service station;
 * a few companies elsewhere. Names are made from the community's short name. */
struct employer_set {
	char community[48];
	int64_t workshop, company, station;
	char names[3][128];	/* workshop, company, station */
};

struct gen {
	struct ctx *cx;
	uint64_t seed;
	struct followup_settings s;
	struct followup_dates d;
	struct employer_set *sets;
	int nsets;
	int64_t province_co[3], outside_co[4];
	char village_names[1024][2][40];	/* code, short name of Songtao's villages */
	int nvillages;
	/* labor-capacity volumes: exact counts chosen as candidates stream past */
	long volumes_left, extra_left, candidates_left;
};

static const char *village_name(struct gen *g, const char *code)
{
	for (int i = 0; i < g->nvillages; i++)
		if (strcmp(g->village_names[i][0], code) == 0)
			return g->village_names[i][1];
	return "";
}

static int add_employer(struct ctx *cx, const char *name, const char *kind, const char *community,
			int64_t *id)
{
	char now[21];
	date_format(cx->today, now);
	int rc = store_exec(cx->db, "INSERT INTO employers(name, kind, community, created_at)"
			    " VALUES (?, ?, ?, ?)", "tttt", name, kind, community, now);
	*id = store_last_id(cx->db);
	return rc;
}

static const char *const province_names[] = {"贵阳经开区电子厂", "铜仁高新区食品厂", "遵义建筑公司"};
static const char *const outside_names[] = {"浙江宁波服装厂", "广东东莞电子厂", "福建晋江鞋业公司",
					    "江苏苏州精密制造公司"};

static int make_employers(struct gen *g)
{
	struct ctx *cx = g->cx;
	int rc = STORE_OK;
	struct store_rows *r = store_query(cx->db, "SELECT DISTINCT h.dest_community, d.short_name"
		" FROM households h JOIN divisions d ON d.code = h.dest_community ORDER BY 1", NULL);
	char (*names)[2][48] = calloc(256, sizeof(*names));
	int n = 0;
	while (store_next(r) && names && n < 256) {
		snprintf(names[n][0], sizeof(names[n][0]), "%s", store_text(r, 0));
		snprintf(names[n][1], sizeof(names[n][1]), "%s", store_text(r, 1));
		n++;
	}
	rc = store_finish(r);
	g->sets = calloc((size_t)n + 1, sizeof(*g->sets));
	if (!names || !g->sets) {
		free(names);
		return STORE_ERROR;
	}
	for (int i = 0; i < n && rc == STORE_OK; i++) {
		struct employer_set *e = &g->sets[g->nsets++];
		snprintf(e->community, sizeof(e->community), "%s", names[i][0]);
		snprintf(e->names[0], sizeof(e->names[0]), "%s扶贫车间", names[i][1]);
		rc = add_employer(cx, e->names[0], "workshop", e->community, &e->workshop);
		snprintf(e->names[1], sizeof(e->names[1]), "%s集体经营公司", names[i][1]);
		if (rc == STORE_OK)
			rc = add_employer(cx, e->names[1], "collective_company", e->community, &e->company);
		snprintf(e->names[2], sizeof(e->names[2]), "%s公共服务站", names[i][1]);
		if (rc == STORE_OK)
			rc = add_employer(cx, e->names[2], "public_service_station", e->community, &e->station);
	}
	for (int i = 0; i < 3 && rc == STORE_OK; i++)
		rc = add_employer(cx, province_names[i], "enterprise", NULL, &g->province_co[i]);
	for (int i = 0; i < 4 && rc == STORE_OK; i++)
		rc = add_employer(cx, outside_names[i], "enterprise", NULL, &g->outside_co[i]);
	free(names);
	return rc;
}

static const struct employer_set *set_of(struct gen *g, const char *community)
{
	for (int i = 0; i < g->nsets; i++)
		if (strcmp(g->sets[i].community, community) == 0)
			return &g->sets[i];
	return g->nsets ? &g->sets[0] : NULL;
}

/* A job: its type, employer and income as the county's labor market has them. */
static int make_job(struct gen *g, struct rng *r, const struct hh *h, const struct member *m,
		    long start, long end, int main)
{
	static const int weights[] = {30, 15, 25, 8, 12, 5, 5};
	static const int income_lo[] = {1800, 2500, 3500, 800, 1600, 2000, 1200};
	static const int income_hi[] = {3500, 4500, 6500, 1500, 3000, 8000, 3000};
	int t = rng_weighted(r, weights, 7);
	const struct employer_set *e = set_of(g, h->community);
	int64_t employer = 0;
	const char *name = t == 6 ? "零工" : "个体经营";
	if (t == 0 && e) {
		employer = e->company;
		name = e->names[1];
	} else if (t == 1) {
		int k = rng_range(r, 0, 2);
		employer = g->province_co[k];
		name = province_names[k];
	} else if (t == 2) {
		int k = rng_range(r, 0, 3);
		employer = g->outside_co[k];
		name = outside_names[k];
	} else if (t == 3 && e) {
		employer = e->station;
		name = e->names[2];
	} else if (t == 4 && e) {
		employer = e->workshop;
		name = e->names[0];
	}
	char s[11], en[11];
	date_format(start, s);
	if (end)
		date_format(end, en);
	return jobs_insert(g->cx, m->id, jobs_types[t], employer, name, s, end ? en : NULL,
			  rng_range(r, income_lo[t] / 100, income_hi[t] / 100) * 100, main);
}

static int make_person(struct gen *g, struct rng *r, const struct hh *h, const struct member *m,
		       int *employed_count)
{
	struct ctx *cx = g->cx;
	long today = cx->today;
	int rc = STORE_OK;
	bool labor = strcmp(m->birth, g->d.labor_born_after) > 0 &&
		     strcmp(m->birth, g->d.labor_born_by) <= 0 &&
		     (!strcmp(m->labor, "ordinary") || !strcmp(m->labor, "skilled") || !strcmp(m->labor, "weak"));
	bool school = strcmp(m->birth, g->d.school_born_after) > 0 &&
		      strcmp(m->birth, g->d.school_born_by) <= 0;
	bool after = strcmp(h->status, "planned") != 0;
	long reloc = ledger_day(h->reloc);
	if (reloc < 0)
		reloc = today - 2000;
	char a[11], b[11];
	if (labor && after) {
		int employed = rng_pct(r, strcmp(m->labor, "weak") == 0 ? 70 : 90);
		if (rng_pct(r, 30)) {	/* an earlier job, ended */
			long s = reloc + rng_range(r, 0, 400);
			long e = s + rng_range(r, 60, 500);
			if (e < today - 30 && rc == STORE_OK)
				rc = make_job(g, r, h, m, s, e, 1);
		}
		if (employed && rc == STORE_OK) {
			long s = today - rng_range(r, 30, 1500);
			if (s < reloc)
				s = reloc + rng_range(r, 1, 60);
			if (s > today)
				s = today - 1;
			rc = make_job(g, r, h, m, s, 0, 1);
			(*employed_count)++;
		}
		/* training: most who are without work have had some this year */
		if (rc == STORE_OK && (rng_pct(r, 35) || (!employed && rng_pct(r, 80)))) {
			static const char *const courses[] = {"就业引导培训", "电工", "家政服务", "厨师",
				"缝纫工", "电商直播", "种养殖技术", "创业培训"};
			int c = rng_range(r, 0, 7);
			const char *type = c == 0 ? "orientation" : c == 7 ? "entrepreneurship" : "skills";
			int days = c == 0 ? 1 : rng_range(r, 3, 20);
			long s = !employed ? today - rng_range(r, 20, 300) : today - rng_range(r, 20, 2000);
			date_format(s, a);
			date_format(s + days - 1, b);
			rc = trainings_insert(cx, m->id, type, courses[c], (double)(days * 6), a, b,
					     c == 0 ? NULL : rng_pct(r, 60) ? "结业证书" : NULL);
		}
	}
	/* the three guarantees */
	date_format(today - rng_range(r, 200, 2500), a);
	if (rc == STORE_OK && rng_pct(r, 99))
		rc = guarantees_insert(cx, m->id, "medical_insurance", "enrolled", a, NULL);
	bool adult = strcmp(m->birth, g->d.labor_born_by) <= 0;
	bool pension_age = strcmp(m->birth, g->d.pension_born_by) <= 0;
	if (rc == STORE_OK && adult && rng_pct(r, pension_age ? 96 : 82))
		rc = guarantees_insert(cx, m->id, "pension_insurance", "enrolled", a, NULL);
	if (rc == STORE_OK && strcmp(h->category, "registered_poor") == 0 && rng_pct(r, 12))
		rc = guarantees_insert(cx, m->id, "minimum_living", "enrolled", a, NULL);
	if (rc == STORE_OK && school) {
		char now[21], school_name[64];
		date_format(today, now);
		int age = ledger_age(m->birth, today);
		snprintf(school_name, sizeof(school_name), "%s%s", village_name(g, h->community),
			 age >= 12 ? "中学" : "小学");
		bool enrolled = rng_pct(r, 99);
		rc = store_exec(cx->db, "INSERT INTO schooling(person_id, status, school, grade, reason,"
			" updated_at) VALUES (?, ?, ?, ?, ?, ?)", "itttt" "t", m->id,
			enrolled ? "enrolled" : "not_enrolled", enrolled ? school_name : NULL,
			enrolled ? (age >= 12 ? "初中" : "小学") : NULL,
			enrolled ? NULL : "因病休学", now);
	}
	return rc;
}

static int make_household(struct gen *g, struct hh *h)
{
	struct ctx *cx = g->cx;
	struct rng r = {g->seed ^ ((uint64_t)h->id * 0x9E3779B97F4A7C15ull)};
	long today = cx->today, reloc = ledger_day(h->reloc);
	int rc = STORE_OK, employed = 0;
	char a[11], b[11], now[21];
	date_format(today, now);
	if (reloc < 0)
		reloc = today - 2000;
	for (int i = 0; i < h->n && rc == STORE_OK; i++)
		rc = make_person(g, &r, h, &h->m[i], &employed);
	/* family doctors: a household signs up together */
	bool doctor = rng_pct(&r, 85);
	for (int i = 0; i < h->n && rc == STORE_OK && doctor; i++)
		rc = store_exec(cx->db, "INSERT INTO family_doctors(person_id, signed, date, doctor,"
			" updated_at) VALUES (?, 1, ?, ?, ?)", "ittt", h->m[i].id, h->reloc,
			"社区医疗服务站", now);
	/* the three plots left behind */
	static const char *const uses[] = {"transferred", "shares", "reclaimed", "self_farmed", "idle"};
	static const int contracted_w[] = {45, 15, 15, 15, 10}, forest_w[] = {20, 40, 0, 30, 10},
			 homestead_w[] = {0, 0, 85, 0, 15};
	const int *w[] = {contracted_w, forest_w, homestead_w};
	static const double lo[] = {0.8, 2.0, 0.2}, span[] = {6.0, 25.0, 0.4};
	for (int k = 0; k < 3 && rc == STORE_OK; k++) {
		double mu = lo[k] + span[k] * (double)rng_range(&r, 0, 1000) / 1000.0;
		int u = rng_weighted(&r, w[k], 5);
		int64_t income = u <= 1 ? (int64_t)(mu * rng_range(&r, 200, 600)) : 0;
		rc = store_exec(cx->db, "INSERT INTO plots(household_id, kind, area_mu, use, annual_income)"
				" VALUES (?, ?, ?, ?, ?)", "itdtn", h->id, plots_kinds[k],
				(double)(int64_t)(mu * 10) / 10.0, uses[u], u <= 1 ? &income : NULL);
	}
	/* the people answerable, and the steps */
	char person[32], phone[16], village_cmd[96], town_cmd[96];
	rng_name(&r, surnames[rng_weighted(&r, surname_weights, COUNT(surnames))], rng_pct(&r, 70),
		  person, sizeof(person));
	snprintf(phone, sizeof(phone), "139%08d", rng_range(&r, 0, 99999999));
	snprintf(village_cmd, sizeof(village_cmd), "%s村级指挥部", village_name(g, h->village));
	char town[10];
	snprintf(town, sizeof(town), "%.9s", h->village);
	snprintf(town_cmd, sizeof(town_cmd), "%s镇级指挥部", village_name(g, town));
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO relocation_support(household_id, responsible_person,"
			" responsible_phone, village_command, town_command) VALUES (?, ?, ?, ?, ?)",
			"itttt", h->id, person, phone, village_cmd, town_cmd);
	static const int offset[] = {-75, -40, -5, 0, 20};
	static const char *const by[] = {"村干部", "派出所", "搬迁工作组", "安置点管理员", "社区服务中心"};
	bool settled = strcmp(h->status, "settled") == 0;
	bool late = !settled && rng_pct(&r, 10);
	for (int k = 0; steps_names[k] && rc == STORE_OK; k++) {
		long due = reloc + offset[k] + 10, done = reloc + offset[k];
		bool is_done = settled || k < 4;
		if (!is_done)	/* the last formalities of a household not yet settled */
			due = late ? today - rng_range(&r, 10, 60) : today + rng_range(&r, 20, 120);
		date_format(due, a);
		date_format(done, b);
		rc = store_exec(cx->db, "INSERT INTO relocation_steps(household_id, step, due_date,"
			" done_date, done_by) VALUES (?, ?, ?, ?, ?)", "ittt" "t", h->id,
			steps_names[k], a, is_done ? b : NULL, is_done ? by[k] : NULL);
	}
	/* visits: most households seen in the last three months, a few missed */
	int visits = rng_range(&r, 1, 3);
	long last = rng_pct(&r, 96) ? today - rng_range(&r, 1, g->s.visit_days - 1)
		: today - rng_range(&r, g->s.visit_days + 5, g->s.visit_days + 200);
	static const char *const found[] = {"家庭成员均在务工，生活稳定", "孩子按时上学，无困难",
		"老人身体欠佳，已联系家庭医生", "反映就业需求，已推荐到扶贫车间", "房屋设施正常，无诉求"};
	for (int v = 0; v < visits && rc == STORE_OK; v++) {
		date_format(last - v * rng_range(&r, 60, 120), a);
		rc = store_exec(cx->db, "INSERT INTO visits(household_id, date, kind, visitor, found,"
			" created_at) VALUES (?, ?, ?, ?, ?, ?)", "itttt" "t", h->id, a,
			v % 2 ? "return_visit" : "visit", person, found[rng_range(&r, 0, 4)], now);
	}
	/* labor-capacity volumes: each labor-force member is a candidate */
	for (int i = 0; i < h->n && rc == STORE_OK; i++) {
		const struct member *m = &h->m[i];
		bool labor = strcmp(m->birth, g->d.labor_born_after) > 0 &&
			     strcmp(m->birth, g->d.labor_born_by) <= 0 &&
			     (!strcmp(m->labor, "ordinary") || !strcmp(m->labor, "skilled") ||
			      !strcmp(m->labor, "weak"));
		if (!labor || g->candidates_left <= 0)
			continue;
		bool take = (long)(rng_next(&r) % (uint64_t)g->candidates_left) < g->volumes_left;
		g->candidates_left--;
		if (!take)
			continue;
		/* the extra items go to the volumes taken while extras remain: spread evenly */
		int items = 1 + (g->extra_left > 0 && (long)(rng_next(&r) % (uint64_t)g->volumes_left) <
				 g->extra_left);
		g->volumes_left--;
		g->extra_left -= items - 1;
		for (int k = 0; k < items && rc == STORE_OK; k++) {
			char title[96];
			int64_t item;
			snprintf(title, sizeof(title), k ? "%s 劳动力技能登记表" : "%s 劳动能力评估表", m->name);
			rc = archive_item_insert(cx, h->id, h->number, h->village, title, "labor_capacity",
						 h->reloc, "30y", "就业服务中心 档案柜", 0, &item);
			if (rc == STORE_OK)
				rc = store_exec(cx->db, "UPDATE items SET person_id = ? WHERE id = ?", "ii",
						m->id, item);
		}
	}
	return rc;
}

/* Labor-force members in the whole county: the pool the volumes are drawn from. */
static long count_candidates(struct gen *g)
{
	int rc;
	return (long)store_one_int(g->cx->db, &rc, "SELECT count(*) FROM persons WHERE status = 'member'"
		" AND labor_capacity IN ('ordinary', 'skilled', 'weak') AND birth_date > ? AND"
		" birth_date <= ?", "tt", g->d.labor_born_after, g->d.labor_born_by);
}

static int load_chunk(struct gen *g, int64_t after, struct hh *hs, int *n)
{
	*n = 0;
	struct store_rows *r = store_query(g->cx->db, "SELECT h.id, h.number, h.origin_village,"
		" coalesce(h.dest_community, ''), h.status, h.category, coalesce(h.relocation_date, ''),"
		" p.id, p.birth_date, coalesce(p.labor_capacity, ''), p.name"
		" FROM households h JOIN persons p ON p.household_id = h.id AND p.status = 'member'"
		" WHERE h.id > ? AND h.id <= ? ORDER BY h.id, p.id", "ii", after, after + CHUNK);
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		if (*n == 0 || hs[*n - 1].id != id) {
			struct hh *h = &hs[(*n)++];
			h->id = id;
			h->n = 0;
			snprintf(h->number, sizeof(h->number), "%s", store_text(r, 1));
			snprintf(h->village, sizeof(h->village), "%s", store_text(r, 2));
			snprintf(h->community, sizeof(h->community), "%s", store_text(r, 3));
			snprintf(h->status, sizeof(h->status), "%s", store_text(r, 4));
			snprintf(h->category, sizeof(h->category), "%s", store_text(r, 5));
			snprintf(h->reloc, sizeof(h->reloc), "%s", store_text(r, 6));
		}
		struct hh *h = &hs[*n - 1];
		if (h->n == MAX_MEMBERS)
			continue;
		struct member *m = &h->m[h->n++];
		m->id = store_int(r, 7);
		snprintf(m->birth, sizeof(m->birth), "%s", store_text(r, 8));
		snprintf(m->labor, sizeof(m->labor), "%s", store_text(r, 9));
		snprintf(m->name, sizeof(m->name), "%s", store_text(r, 10));
	}
	return store_finish(r);
}

int demo_followup(struct ctx *cx, uint64_t seed, long volumes, long files)
{
	struct gen *g = calloc(1, sizeof(*g));
	struct hh *hs = calloc(CHUNK, sizeof(*hs));
	int rc = STORE_ERROR;
	if (!g || !hs || files < volumes)
		goto out;
	g->cx = cx;
	g->seed = seed;
	if (!followup_settings_load(cx, &g->s))
		goto out;
	followup_dates_for(&g->s, cx->today, &g->d);
	struct store_rows *r = store_query(cx->db, "SELECT code, short_name FROM divisions"
		" WHERE code LIKE '520628%' AND level >= 4", NULL);
	while (store_next(r) && g->nvillages < 1024) {
		snprintf(g->village_names[g->nvillages][0], 40, "%s", store_text(r, 0));
		snprintf(g->village_names[g->nvillages][1], 40, "%s", store_text(r, 1));
		g->nvillages++;
	}
	if (store_finish(r) != STORE_OK || make_employers(g) != STORE_OK)
		goto out;
	g->candidates_left = count_candidates(g);
	g->volumes_left = volumes < g->candidates_left ? volumes : g->candidates_left;
	g->extra_left = files - volumes;
	int64_t max_id = store_one_int(cx->db, &rc, "SELECT coalesce(max(id), 0) FROM households", NULL);
	for (int64_t after = 0; after < max_id && rc == STORE_OK; after += CHUNK) {
		int n;
		rc = load_chunk(g, after, hs, &n);
		for (int i = 0; i < n && rc == STORE_OK; i++) {
			struct arena scratch;	/* item codes and names, per household */
			struct ctx hcx = *cx;
			arena_init(&scratch, 0);
			hcx.arena = &scratch;
			g->cx = &hcx;
			rc = make_household(g, &hs[i]);
			g->cx = cx;
			arena_release(&scratch);
		}
		if (rc == STORE_OK && (after / CHUNK) % 10 == 9 &&
		    (store_commit(cx->db) != STORE_OK || store_begin(cx->db) != STORE_OK))
			rc = STORE_ERROR;
	}
out:
	if (g)
		free(g->sets);
	free(g);
	free(hs);
	return rc;
}
