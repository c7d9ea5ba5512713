/*
 * demo: the generated county. Everything follows from a seeded PRNG, so one seed always
 * gives the same county. Household sizes are drawn, then nudged one person at a time
 * until each category's total is exact; the report then counts the records.
 */
#include "demo/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/idnumber.h"
#include "domain/audit.h"
#include "domain/division.h"
#include "domain/household.h"
#include "domain/person.h"
#include "domain/user.h"
#include "demo/demo_archive.h"
#include "demo/demo_followup.h"
#include "demo/demo_services.h"
#include "demo/demo_evaluations.h"
#include "demo/demo_activities.h"
#include "demo/demo_petitions.h"
#include "demo/demo_volunteers.h"
#include "demo/demo_halls.h"
#include "demo/rng.h"

/* The article's figures (Songtao, 2019-12-30). */
#define ARTICLE_HOUSEHOLDS 14697
#define ARTICLE_PERSONS 68130
#define ARTICLE_POOR_HOUSEHOLDS 10629
#define ARTICLE_POOR_PERSONS 51021
#define ARTICLE_ARCHIVED_FILES 13330	/* complete "one household, one file" archives */
#define ARTICLE_LABOR_FILES 6048	/* labor-capacity items (件) ... */
#define ARTICLE_LABOR_VOLUMES 4061	/* ... in persons' volumes (卷) */
#define SAMPLE_PICTURES 24	/* items that get real bytes: a partly scanned archive */

#define MAX_SIZE 9
#define ROOMS_PER_BUILDING (3 * 18 * 4)	/* units × floors × rooms per floor */

/* Ages are reckoned at the article's date, so the county does not age between runs. */
#define REF_YEAR 2019

static double monotonic_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- ID numbers */

/* Sequence counters per (code, birth day, gender): 500 numbers each. Days count from
 * 1900-01-01; codes are 522229 (before 2011, when Tongren became a city) and 520628. */
#define FIRST_YEAR 1900
#define DAYS ((REF_YEAR - FIRST_YEAR + 1) * 366)

struct id_alloc {
	unsigned short used[2][DAYS][2];
};

/* Writes a unique, valid ID number for the birth date (moved a day on when the day's
 * 500 numbers of that gender are used up) and returns the birth day number used. */
static long make_id(struct id_alloc *ids, long birth, int male, char out[19])
{
	long first = date_days(FIRST_YEAR, 1, 1);
	for (;; birth++) {
		int y, m, d;
		date_from_days(birth, &y, &m, &d);
		int code = y >= 2011;
		long day = birth - first;
		if (day < 0 || day >= DAYS)
			day = 0;
		unsigned short *n = &ids->used[code][day][male];
		if (*n >= 499)
			continue;
		int seq = male ? 2 * *n + 1 : 2 * *n + 2;
		(*n)++;
		char first17[40];	/* 17 digits; room for what the compiler cannot rule out */
		snprintf(first17, sizeof(first17), "%s%04d%02d%02d%03d",
			 code ? SONGTAO_CODE : SONGTAO_OLD_CODE, y, m, d, seq);
		memcpy(out, first17, 17);
		out[17] = idnumber_check_char(first17);
		out[18] = '\0';
		return birth;
	}
}

/* ---------------------------------------------------------------- places */

struct site_plan {
	const char *name, *community;
	int weight;
	int64_t id;
	int64_t building_id;
	int building_no, rooms_used;
};

static struct site_plan sites_template[] = {
	{"团山安置点", "520628002030", 34, 0, 0, 0, 0},
	{"育才安置点", "520628002031", 28, 0, 0, 0, 0},
	{"平块安置点", "520628002001", 10, 0, 0, 0, 0},
	{"白岩安置点", "520628001001", 10, 0, 0, 0, 0},
	{"星光安置点", "520628001002", 9, 0, 0, 0, 0},
	{"滨江安置点", "520628002002", 9, 0, 0, 0, 0},
};
#define NSITES COUNT(sites_template)

/* Allocates the next free room at a site, opening a new building when one is full. */
static int next_room(struct ctx *cx, struct site_plan *s, int64_t *room_id)
{
	int rc = STORE_OK;
	if (!s->building_id || s->rooms_used == ROOMS_PER_BUILDING) {
		char name[32];
		snprintf(name, sizeof(name), "%d栋", ++s->building_no);
		rc = store_exec(cx->db, "INSERT INTO buildings(site_id, name) VALUES (?, ?)", "it",
				s->id, name);
		s->building_id = store_last_id(cx->db);
		s->rooms_used = 0;
	}
	int k = s->rooms_used++;
	char unit[16], number[16];
	snprintf(unit, sizeof(unit), "%d单元", k / (18 * 4) + 1);
	snprintf(number, sizeof(number), "%d%02d", (k % (18 * 4)) / 4 + 1, k % 4 + 1);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO rooms(building_id, unit, number) VALUES (?, ?, ?)",
				"itt", s->building_id, unit, number);
	*room_id = store_last_id(cx->db);
	return rc;
}

/* ---------------------------------------------------------------- households */

/* Household sizes for `n` households summing to exactly `total`. */
static void plan_sizes(struct rng *r, unsigned char *sizes, long n, long total)
{
	static const int weights[MAX_SIZE] = {5, 12, 19, 23, 19, 12, 6, 3, 1};	/* sizes 1..9 */
	long sum = 0;
	for (long i = 0; i < n; i++) {
		sizes[i] = (unsigned char)(rng_weighted(r, weights, MAX_SIZE) + 1);
		sum += sizes[i];
	}
	while (sum != total) {
		long i = (long)(rng_next(r) % (uint64_t)n);
		if (sum < total && sizes[i] < MAX_SIZE) {
			sizes[i]++;
			sum++;
		} else if (sum > total && sizes[i] > 1) {
			sizes[i]--;
			sum--;
		}
	}
}

struct member_plan {
	const char *relation;
	int male, age;
};

/* Who lives in a household of `size`: a head, usually a spouse, perhaps a parent, the
 * children, and in older households a daughter-in-law and grandchildren. */
static int plan_members(struct rng *r, int size, struct member_plan *m)
{
	int n = 0;
	int head_male = rng_pct(r, 86);
	int head_age = size == 1 ? rng_range(r, 45, 85) : rng_range(r, 26, 72);
	m[n++] = (struct member_plan){"head", head_male, head_age};
	if (n < size && rng_pct(r, 90)) {
		int age = head_age + rng_range(r, -6, 4);
		m[n++] = (struct member_plan){"spouse", !head_male, age < 18 ? 18 : age};
	}
	if (n < size && size >= 4 && head_age < 52 && rng_pct(r, 35))
		m[n++] = (struct member_plan){"parent", rng_pct(r, 40), head_age + rng_range(r, 21, 30)};
	int married_son = 0;
	while (n < size) {
		int oldest = head_age - 20;
		if (oldest < 0)
			oldest = 0;
		int age = rng_range(r, head_age - 40 > 0 ? head_age - 40 : 0, oldest);
		if (!married_son && head_age >= 50 && size - n >= 3 && age >= 22) {
			m[n++] = (struct member_plan){"son", 1, age};
			m[n++] = (struct member_plan){"daughter_in_law", 0, age + rng_range(r, -3, 2)};
			married_son = age;
			continue;
		}
		if (married_son && married_son >= 22) {
			int male = rng_pct(r, 52);
			m[n++] = (struct member_plan){male ? "grandson" : "granddaughter", male,
						      rng_range(r, 0, married_son - 20)};
			continue;
		}
		int male = rng_pct(r, 52);
		m[n++] = (struct member_plan){male ? "son" : "daughter", male, age};
	}
	return n;
}

static const char *pick_labor(struct rng *r, int age, const char *health)
{
	static const char *const able[] = {"ordinary", "skilled", "weak", "lost"};
	static const int weights[] = {62, 16, 17, 5};
	if (age < 16 || age > 70)
		return "none";
	if (strcmp(health, "disabled") == 0 || strcmp(health, "serious_illness") == 0)
		return rng_pct(r, 70) ? "lost" : "weak";
	if (age > 60)
		return rng_pct(r, 50) ? "weak" : "none";
	return able[rng_weighted(r, weights, 4)];
}

static const char *pick_education(struct rng *r, int age)
{
	static const char *const levels[] = {"none", "primary", "junior", "senior", "vocational",
					     "college"};
	static const int old_w[] = {40, 38, 17, 3, 1, 1};
	static const int mid_w[] = {8, 30, 42, 10, 7, 3};
	static const int young_w[] = {1, 8, 45, 20, 16, 10};
	if (age < 3)
		return NULL;
	if (age < 6)
		return "preschool";
	if (age < 12)
		return "primary";
	if (age < 15)
		return "junior";
	const int *w = age >= 55 ? old_w : age >= 30 ? mid_w : young_w;
	return levels[rng_weighted(r, w, 6)];
}

static const char *pick_health(struct rng *r, int age)
{
	static const char *const states[] = {"healthy", "chronic", "serious_illness", "disabled"};
	static const int young[] = {92, 3, 2, 3};
	static const int old[] = {62, 25, 6, 7};
	return states[rng_weighted(r, age >= 55 ? old : young, 4)];
}

/* Inserts one generated household with its members. */
static int make_household(struct ctx *cx, struct rng *r, struct id_alloc *ids,
			  const char *category, int size, const char *village, int village_seq,
			  struct site_plan *site, const struct demo_archive_checklist *docs, int complete,
			  int cabinet)
{
	static const char *const ethnicities[] = {"miao", "han", "tujia", "dong", "gelao"};
	static const int eth_w[] = {66, 20, 12, 1, 1};
	struct member_plan plan[MAX_SIZE];
	char number[24], phone[16], reloc[11], name[32];
	int64_t room_id, id;
	int n = plan_members(r, size, plan);
	int rc = next_room(cx, site, &room_id);

	long reloc_day = date_days(2016, 6, 1) + rng_range(r, 0, 1290);
	date_format(reloc_day, reloc);
	snprintf(number, sizeof(number), "%s%04d", village, village_seq);
	snprintf(phone, sizeof(phone), "1%d%d%08d", rng_range(r, 3, 8), rng_range(r, 0, 9),
		 rng_range(r, 0, 99999999));
	struct household_row row = {
		.number = number, .category = category,
		.status = rng_pct(r, 94) ? "settled" : "relocated",
		.origin_village = village, .dest_community = site->community,
		.site_id = &site->id, .room_id = &room_id, .relocation_date = reloc,
		.phone = rng_pct(r, 85) ? phone : NULL, .note = NULL,
	};
	if (rc == STORE_OK)
		rc = household_insert(cx, &row, &id);

	const char *surname = surnames[rng_weighted(r, surname_weights, COUNT(surnames))];
	const char *family_eth = ethnicities[rng_weighted(r, eth_w, 5)];
	for (int i = 0; i < n && rc == STORE_OK; i++) {
		struct person_in p;
		char idn[19];
		int married_in = strcmp(plan[i].relation, "spouse") == 0 ||
				 strcmp(plan[i].relation, "daughter_in_law") == 0;
		const char *sn = married_in || (strcmp(plan[i].relation, "parent") == 0 && !plan[i].male)
			? surnames[rng_weighted(r, surname_weights, COUNT(surnames))] : surname;
		rng_name(r, sn, plan[i].male, name, sizeof(name));
		int age = plan[i].age > 95 ? 95 : plan[i].age;
		long birth = date_days(REF_YEAR - age - 1, 12, 31) - rng_range(r, 0, 364);
		make_id(ids, birth, plan[i].male, idn);

		memset(&p, 0, sizeof(p));
		if (idnumber_parse(idn, cx->today, &p.idn) != IDNUMBER_OK)
			return STORE_ERROR;	/* the generator itself would be wrong */
		p.has_id = true;
		p.name = name;
		p.relation = plan[i].relation;
		p.ethnicity = married_in && rng_pct(r, 30) ? ethnicities[rng_weighted(r, eth_w, 5)]
							   : family_eth;
		p.health = pick_health(r, age);
		p.education = pick_education(r, age);
		p.labor_capacity = pick_labor(r, age, p.health);
		p.phone = i == 0 ? row.phone : NULL;
		int64_t pid;
		rc = person_insert(cx, id, &p, "registered", reloc, &pid);
	}
	if (rc == STORE_OK)
		rc = household_index(cx, id);
	int poor = strcmp(category, "registered_poor") == 0;
	if (rc == STORE_OK)
		rc = demo_archive_items(cx, r, id, number, village, reloc, poor ? docs->poor : docs->sync,
				poor ? docs->npoor : docs->nsync, complete, cabinet,
				site->building_no * ROOMS_PER_BUILDING + site->rooms_used);
	return rc;
}

/* ---------------------------------------------------------------- the county */

static int load_villages(struct ctx *cx, char (**codes)[13], int *n)
{
	int rc;
	*n = (int)store_one_int(cx->db, &rc, "SELECT count(*) FROM divisions WHERE level = 5"
				" AND code LIKE '520628%' AND name LIKE '%村民委员会'", NULL);
	if (rc != STORE_OK || *n == 0)
		return STORE_ERROR;
	*codes = arena_alloc(cx->arena, sizeof(**codes) * (size_t)*n);
	if (!*codes)
		return STORE_ERROR;
	struct store_rows *r = store_query(cx->db, "SELECT code FROM divisions WHERE level = 5"
		" AND code LIKE '520628%' AND name LIKE '%村民委员会' ORDER BY code", NULL);
	for (int i = 0; i < *n && store_next(r); i++)
		snprintf((*codes)[i], 13, "%s", store_text(r, 0));
	return store_finish(r);
}

static int make_sites(struct ctx *cx, struct site_plan *sites)
{
	int rc = STORE_OK;
	memcpy(sites, sites_template, sizeof(sites_template));
	for (int i = 0; i < NSITES && rc == STORE_OK; i++) {
		rc = store_exec(cx->db, "INSERT INTO sites(name, community_code) VALUES (?, ?)", "tt",
				sites[i].name, sites[i].community);
		sites[i].id = store_last_id(cx->db);
	}
	return rc;
}

static int make_users(struct ctx *cx, const char **err_key)
{
	/* login, role, scope, and the person's name the pages show */
	static const char *const users[][4] = {
		{"admin", "admin", "", "宋涛"},
		{"county", "county", "520628", "杨光荣"},
		{"liaogao", "town", "520628002", "龙正国"},	/* 蓼皋街道: Tuanshan and Yucai lie here */
		{"zhengda", "town", "520628118", "田茂林"},	/* 正大镇, an origin town */
		{"tuanshan", "community", "520628002030", "吴晓梅"},
		{"yucai", "community", "520628002031", "麻建华"},
		{"archivist", "archivist", "520628", "石秀英"},
		{"auditor", "auditor", "520628", "杨文斌"},
	};
	for (int i = 0; i < COUNT(users); i++)
		if (user_add_named(cx, users[i][0], users[i][3], users[i][1], users[i][2],
				   DEMO_PASSWORD, err_key))
			return -1;
	return 0;
}

int demo_generate(struct ctx *cx, const struct demo_options *opt, struct demo_summary *sum,
		  const char **err_key)
{
	int rc;
	long hh_poor = ARTICLE_POOR_HOUSEHOLDS, hh_sync = ARTICLE_HOUSEHOLDS - ARTICLE_POOR_HOUSEHOLDS;
	long p_poor = ARTICLE_POOR_PERSONS, p_sync = ARTICLE_PERSONS - ARTICLE_POOR_PERSONS;
	long archived = ARTICLE_ARCHIVED_FILES;
	long labor_files = ARTICLE_LABOR_FILES, labor_volumes = ARTICLE_LABOR_VOLUMES;
	struct demo_archive_checklist docs;
	double started = monotonic_seconds();
	memset(sum, 0, sizeof(*sum));
	*err_key = "internal";
	if (store_one_int(cx->db, &rc, "SELECT count(*) FROM households", NULL) > 0) {
		*err_key = "demo_not_empty";
		return -1;
	}
	if (opt->persons) {
		if (opt->persons < 100 || opt->persons > 20000000) {
			*err_key = "demo_persons_range";
			return -1;
		}
		double f = (double)opt->persons / ARTICLE_PERSONS;
		p_poor = (long)(ARTICLE_POOR_PERSONS * f + 0.5);
		p_sync = opt->persons - p_poor;
		hh_poor = (long)(ARTICLE_POOR_HOUSEHOLDS * f + 0.5);
		hh_sync = (long)((ARTICLE_HOUSEHOLDS - ARTICLE_POOR_HOUSEHOLDS) * f + 0.5);
		archived = (long)(ARTICLE_ARCHIVED_FILES * f + 0.5);
		labor_files = (long)(ARTICLE_LABOR_FILES * f + 0.5);
		labor_volumes = (long)(ARTICLE_LABOR_VOLUMES * f + 0.5);
	}
	struct rng r = {opt->seed ? opt->seed : 2019};
	long total = hh_poor + hh_sync;
	unsigned char *sizes = malloc((size_t)total);
	struct id_alloc *ids = calloc(1, sizeof(*ids));
	int *village_seq = NULL;
	char (*villages)[13] = NULL;
	int nvillages = 0;
	struct site_plan sites[NSITES];
	int site_w[NSITES];
	if (!sizes || !ids)
		goto fail;
	plan_sizes(&r, sizes, hh_poor, p_poor);
	plan_sizes(&r, sizes + hh_poor, hh_sync, p_sync);

	store_bulk(cx->db, true);
	if (store_begin(cx->db) != STORE_OK)
		goto fail;
	if (opt->with_users && make_users(cx, err_key))
		goto rollback;
	*err_key = "internal";
	if (load_villages(cx, &villages, &nvillages) != STORE_OK ||
	    !(village_seq = calloc((size_t)nvillages, sizeof(int))) ||
	    make_sites(cx, sites) != STORE_OK || demo_archive_checklists(cx, &docs) != STORE_OK ||
	    docs.npoor == 0 || docs.nsync == 0)
		goto rollback;
	for (int i = 0; i < NSITES; i++)
		site_w[i] = sites[i].weight;

	/* Interleave the categories as a real intake would, committing in batches so the
	 * write-ahead log stays small at province scale. */
	long next_poor = 0, next_sync = hh_poor, archived_done = 0;
	for (long k = 0; k < total; k++) {
		long remaining_poor = hh_poor - next_poor, remaining = total - k;
		int poor = next_poor < hh_poor &&
			   (long)(rng_next(&r) % (uint64_t)remaining) < remaining_poor;
		long idx = poor ? next_poor++ : next_sync++;
		int v = (int)(rng_next(&r) % (uint64_t)nvillages);
		int s = rng_weighted(&r, site_w, NSITES);
		int complete = (long)(rng_next(&r) % (uint64_t)remaining) < archived - archived_done;
		archived_done += complete;
		if (++village_seq[v] > 9999)
			goto rollback;
		/* Each household's strings live in an arena of its own: a province-size run
		 * would otherwise outgrow any request-sized arena. */
		struct arena scratch;
		struct ctx hcx = *cx;
		arena_init(&scratch, 0);
		hcx.arena = &scratch;
		rc = make_household(&hcx, &r, ids, poor ? "registered_poor" : "synchronous",
				    sizes[idx], villages[v], village_seq[v], &sites[s], &docs,
				    complete, s);
		arena_release(&scratch);
		if (rc != STORE_OK)
			goto rollback;
		sum->households++;
		sum->persons += sizes[idx];
		if (poor) {
			sum->poor_households++;
			sum->poor_persons += sizes[idx];
		}
		if (k % 20000 == 19999 && (store_commit(cx->db) != STORE_OK ||
					   store_begin(cx->db) != STORE_OK))
			goto fail;
	}
	if (opt->sample_files && demo_archive_pictures(cx, SAMPLE_PICTURES) != STORE_OK)
		goto rollback;
	sum->seconds_registry = monotonic_seconds() - started;
	if (!opt->no_followup && demo_followup(cx, opt->seed ? opt->seed : 2019, labor_volumes,
					       labor_files) != STORE_OK)
		goto rollback;
	sum->seconds_followup = monotonic_seconds() - started - sum->seconds_registry;
	struct demo_services_summary svc = {0};
	if (!opt->no_followup && demo_services(cx, opt->seed ? opt->seed : 2019, &svc) != STORE_OK)
		goto rollback;
	sum->facilities = svc.facilities;
	sum->service_requests = svc.requests;
	if (!opt->no_followup && demo_petitions(cx, opt->seed ? opt->seed : 2019,
						&sum->petitions) != STORE_OK)
		goto rollback;
	if (!opt->no_followup && demo_volunteers(cx, opt->seed ? opt->seed : 2019, &sum->volunteers,
						 &sum->volunteer_visits, &sum->needs) != STORE_OK)
		goto rollback;
	struct demo_evaluations_summary eva = {0};	/* 文明大家比 in 团山 and 育才 */
	if (!opt->no_followup && demo_evaluations(cx, opt->seed ? opt->seed : 2019, &eva) != STORE_OK)
		goto rollback;
	sum->evaluations = eva.schemes;
	sum->awards = eva.awards;
	sum->seconds_services = monotonic_seconds() - started - sum->seconds_registry -
				sum->seconds_followup;
	struct demo_activities_summary act = {0};
	if (!opt->no_followup && demo_activities(cx, opt->seed ? opt->seed : 2019, &act) != STORE_OK)
		goto rollback;
	sum->activities = act.activities;
	sum->attendances = act.attendances;
	sum->businesses = act.businesses;
	sum->home_jobs = act.home_jobs;
	sum->seconds_activities = monotonic_seconds() - started - sum->seconds_registry -
				  sum->seconds_followup - sum->seconds_services;
	struct demo_halls_summary halls = {0};
	double halls_started = monotonic_seconds();
	if (!opt->no_followup && demo_halls(cx, opt->seed ? opt->seed : 2019,
					    opt->sample_files && cx->blobs, &halls) != STORE_OK)
		goto rollback;
	sum->hall_exhibits = halls.exhibits;
	sum->hall_visits = halls.visits;
	sum->homesickness_hall_visitors = halls.homesickness_visitors;
	sum->seconds_halls = monotonic_seconds() - halls_started;
	json_t *what = json_pack("{s:I, s:I, s:I}", "seed", (json_int_t)r.s, "households",
				 (json_int_t)sum->households, "persons", (json_int_t)sum->persons);
	rc = audit_write(cx, "demo", "county", 0, NULL, what);
	json_decref(what);
	if (rc != STORE_OK || store_commit(cx->db) != STORE_OK)
		goto rollback;
	for (int i = 0; i < NSITES; i++)
		sum->rooms += (sites[i].building_no - 1) * ROOMS_PER_BUILDING + sites[i].rooms_used;
	sum->sites = NSITES;
	store_bulk(cx->db, false);
	free(sizes);
	free(ids);
	free(village_seq);
	return 0;
rollback:
	store_rollback(cx->db);
fail:
	store_bulk(cx->db, false);
	free(sizes);
	free(ids);
	free(village_seq);
	return -1;
}
