/*
 * demo_halls: the two halls the article describes, filled.
 *
 * "The Tuanshan Homesickness Museum covers an area of 500 square meters. It takes the four
 * chapters of Thanksgiving, Root-seeking, Remembrance and Prospects as its main line.
 * Through graphic, physical, audio and video carriers ... more than 600 people are
 * organized to visit"; "The Yucai Community City Experience Center is built around five
 * sections including smart living experience, anti-drug and anti-virus, fire simulation,
 * and urban transportation" (the fifth, 城市生活常识, is this generator's choice).
 * Visits fall over the 365 days up to today; the Homesickness Hall's add up to exactly
 * DEMO_HOMESICKNESS_VISITORS people, so the county report shows that figure from records.
 */
#include "demo/demo_halls.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "demo/demo.h"
#include "demo/demo_archive.h"
#include "demo/rng.h"
#include "domain/archive.h"
#include "domain/audit.h"
#include "domain/hall.h"

#define DONORS 12
#define MAX_VISITS 400

struct exhibit_plan {
	const char *title, *description;
	bool donated;	/* an item of a donor household's file; else an object the hall holds */
};

struct section_plan {
	const char *name, *description;
	struct exhibit_plan exhibits[4];
};

static const struct section_plan homesickness[] = {
	{"感恩", "党的好政策让搬迁群众住上新房：搬迁前后对比、帮扶干部走访的影像",
	 {{"搬迁前的老木房", "搬迁群众捐赠的老屋照片", true},
	  {"帮扶干部入户走访", "驻村工作队走访时的留影", true},
	  {"第一把新房钥匙", "搬迁户领到安置房钥匙的那一天", true}}},
	{"寻根", "各乡镇的来处：村寨、族谱与地方风物",
	 {{"老寨全景", "搬迁前村寨的全景照片", true},
	  {"苗族刺绣背带", "搬迁群众带来的手工背带原件", false},
	  {"老族谱", "一户人家保存的族谱，翻拍件存本户档案", true}}},
	{"记忆", "农耕时代的生活：农具、家什与乡音",
	 {{"石磨", "推豆腐用的石磨（馆藏实物）", false},
	  {"犁与耙", "搬迁前耕地用的农具（馆藏实物）", false},
	  {"火塘边的全家福", "一户人家在老屋火塘边的合影", true}}},
	{"展望", "新市民的新生活：就业、上学与社区服务",
	 {{"扶贫车间里的新工人", "搬迁后在社区扶贫车间就业", true},
	  {"孩子们的新学校", "搬迁后就近入学的孩子", true}}},
};

static const struct section_plan experience[] = {
	{"智慧生活体验", "智能家居、自助缴费与手机办事", {{"自助缴费一体机", "水电气缴费的体验设备（馆藏）", false}}},
	{"禁毒防艾", "禁毒与防治艾滋病宣传教育", {{"禁毒知识展板", "图文展板（馆藏）", false}}},
	{"消防模拟", "火灾逃生与灭火器使用的模拟体验", {{"模拟逃生通道", "烟雾逃生体验（馆藏）", false}}},
	{"城市交通", "红绿灯、斑马线与公交出行", {{"交通信号模拟路口", "过马路体验（馆藏）", false}}},
	{"城市生活常识", "垃圾分类、邻里公约与社区服务指南", {{"垃圾分类互动台", "分类投放体验（馆藏）", false}}},
};

static const char *const groups[] = {"团山社区搬迁群众参观团", "老年协会", "新市民培训班",
	"青少年研学团", "搬迁群众代表", "楼栋长与志愿者", "妇女之家", "扶贫车间职工"};
static const char *const guides[] = {"吴晓燕", "杨丽", "龙海", "田芳"};

struct donor {
	int64_t id;
	char number[20], village[16];
};

/* The first households of the hall's community, whose files the donations join. */
static int donors_of(struct ctx *cx, const char *community, struct donor *d, int *n)
{
	*n = 0;
	struct store_rows *r = store_query(cx->db, "SELECT id, number, origin_village FROM households"
		" WHERE dest_community = ? ORDER BY id LIMIT ?", "ti", community, (int64_t)DONORS);
	while (store_next(r) && *n < DONORS) {
		d[*n].id = store_int(r, 0);
		snprintf(d[*n].number, sizeof(d[*n].number), "%s", store_text(r, 1));
		snprintf(d[*n].village, sizeof(d[*n].village), "%s", store_text(r, 2));
		(*n)++;
	}
	return store_finish(r);
}

/* One hall's sections and exhibits. */
static int fill_hall(struct ctx *cx, int64_t hall, const char *community,
		     const struct section_plan *plan, int nplan, bool pictures, const char *now,
		     struct demo_halls_summary *sum)
{
	struct donor donors[DONORS];
	int ndonors, given = 0;
	int rc = donors_of(cx, community, donors, &ndonors);
	char day[11];
	date_format(cx->today - 400, day);
	for (int s = 0; s < nplan && rc == STORE_OK; s++) {
		rc = store_exec(cx->db, "INSERT INTO hall_sections(facility_id, position, name,"
			" description, created_at) VALUES (?, ?, ?, ?, ?)", "iittt", hall,
			(int64_t)s + 1, plan[s].name, plan[s].description, now);
		int64_t section = store_last_id(cx->db);
		sum->sections++;
		for (int e = 0; e < 4 && plan[s].exhibits[e].title && rc == STORE_OK; e++) {
			const struct exhibit_plan *x = &plan[s].exhibits[e];
			int64_t item = 0;
			const char *kind = "object";
			if (x->donated && ndonors) {
				const struct donor *d = &donors[given++ % ndonors];
				rc = archive_item_insert(cx, d->id, d->number, d->village, x->title, "other",
							 day, "permanent", NULL, 0, &item);
				if (rc == STORE_OK && pictures) {
					char name[40];
					snprintf(name, sizeof(name), "hall-%lld-%d.jpg", (long long)hall, given);
					rc = demo_archive_picture(cx, item, 100 + (int)sum->exhibits, name);
					kind = "picture";
				}
			}
			if (rc == STORE_OK)
				rc = store_exec(cx->db, "INSERT INTO hall_exhibits(section_id, position, kind,"
					" title, description, item_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
					"iitttnt", section, (int64_t)e + 1, kind, x->title, x->description,
					item ? &item : NULL, now);
			sum->exhibits++;
		}
	}
	return rc;
}

/* A year of visits to a hall adding up to `people` (groups of lo..hi), in date order. */
static int visits(struct ctx *cx, struct rng *r, int64_t hall, const char *community,
		  int people, int lo, int hi, const char *now, struct demo_halls_summary *sum)
{
	int sizes[MAX_VISITS], n = 0;
	for (int left = people; left > 0 && n < MAX_VISITS; n++) {
		int k = rng_range(r, lo, hi);
		sizes[n] = left - k < lo ? left : k;	/* the last group takes the rest */
		left -= sizes[n];
	}
	struct donor hh[DONORS];
	int nhh;
	int rc = donors_of(cx, community, hh, &nhh);
	for (int i = 0; i < n && rc == STORE_OK; i++) {
		char day[11];
		/* spread over the year, a few days' jitter, never after today */
		long d = cx->today - 364 + (long)i * 365 / n + rng_range(r, 0, 2);
		date_format(d > cx->today ? cx->today : d, day);
		rc = store_exec(cx->db, "INSERT INTO hall_visits(facility_id, visited_on, group_name,"
			" people, guide, created_at) VALUES (?, ?, ?, ?, ?, ?)", "ittitt", hall, day,
			groups[rng_range(r, 0, (int)(sizeof(groups) / sizeof(groups[0])) - 1)],
			(int64_t)sizes[i], guides[rng_range(r, 0, 3)], now);
		int64_t visit = store_last_id(cx->db);
		int represented = nhh && rng_pct(r, 50) ? rng_range(r, 1, 3) : 0;
		int first = nhh ? rng_range(r, 0, nhh - 1) : 0;
		for (int k = 0; k < represented && k < nhh && rc == STORE_OK; k++)
			rc = store_exec(cx->db, "INSERT INTO hall_visit_households(visit_id, household_id)"
					" VALUES (?, ?)", "ii", visit, hh[(first + k) % nhh].id);
		sum->visits++;
	}
	return rc;
}

int demo_halls(struct ctx *cx, uint64_t seed, bool pictures, struct demo_halls_summary *sum)
{
	struct rng r = {seed ^ 0x48414C4Cull};
	char now[21];
	audit_now(now);
	struct store_rows *q = store_query(cx->db, "SELECT id, community_code, kind FROM facilities"
		" WHERE kind IN (?, ?) ORDER BY id", "tt", hall_kinds[0], hall_kinds[1]);
	int64_t ids[8];
	char communities[8][16], kinds[8][24];
	int n = 0;
	while (store_next(q) && n < 8) {
		ids[n] = store_int(q, 0);
		snprintf(communities[n], 16, "%s", store_text(q, 1));
		snprintf(kinds[n], 24, "%s", store_text(q, 2));
		n++;
	}
	int rc = store_finish(q);
	for (int i = 0; i < n && rc == STORE_OK; i++) {
		bool home = strcmp(kinds[i], hall_kinds[0]) == 0;
		rc = fill_hall(cx, ids[i], communities[i], home ? homesickness : experience,
			       home ? 4 : 5, pictures, now, sum);
		if (rc == STORE_OK)
			rc = visits(cx, &r, ids[i], communities[i], home ? DEMO_HOMESICKNESS_VISITORS
				    : 1460, home ? 6 : 12, home ? 28 : 48, now, sum);
		if (home)
			sum->homesickness_visitors += DEMO_HOMESICKNESS_VISITORS;
	}
	return rc;
}
