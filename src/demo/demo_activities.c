/*
 * demo_activities: a year of community activities and the start-ups of the generated county.
 *
 * 邻里大家走: each destination community holds four to eight activities a month over the 365
 * days up to today — festivals, square dancing, health talks, skills classes, activities for
 * children and the elderly — each attended by 10 to 60 members of its households, drawn so
 * that some households come often, many now and then, and a good share never (the
 * participation list has households with none).
 *
 * 致富大家干: about one self-employed person in five has registered their business; it is
 * founded the day their self-employed job began, sometimes with a second member of the
 * household, employs a few people, and most received support (a start-up guarantee loan, a
 * subsidy, training). The job points to the business. One flexible job in four is home
 * employment (居家就业: piece-work at home from the workshops).
 */
#include "demo/demo_activities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "demo/rng.h"
#include "domain/audit.h"

static const struct {
	const char *kind;
	int weight;
	const char *titles[3];
	const char *place;
} activities[] = {
	{"culture", 14, {"广场舞展演", "苗族飞歌联欢", "社区文艺汇演"}, "社区文化广场"},
	{"sports", 12, {"篮球友谊赛", "健步走", "拔河比赛"}, "群众体育中心"},
	{"festival", 10, {"端午包粽子", "中秋共赏月", "春节写春联"}, "新时代文明实践站"},
	{"neighbourhood", 12, {"邻里百家宴", "楼栋邻里节", "邻里互助茶话会"}, "邻里互助服务中心"},
	{"volunteer", 10, {"清洁家园志愿服务", "义务理发", "助老志愿服务"}, "安置区楼栋"},
	{"party", 8, {"党员主题党日", "感党恩听党话跟党走宣讲", "党史学习讲座"}, "党群服务中心"},
	{"health", 9, {"慢病防治讲座", "义诊进社区", "健康知识讲座"}, "社区医疗服务站"},
	{"skills", 9, {"家政技能培训", "电商直播培训", "刺绣技艺课"}, "就业创业服务中心"},
	{"children", 8, {"四点半课堂", "暑期托管", "儿童绘本阅读"}, "图书室"},
	{"elderly", 8, {"重阳敬老宴", "老年人健康体检", "银龄读书会"}, "社区乡愁馆"},
};
static const char *const organisers[] = {"社区居委会", "社区党支部", "妇联", "团委", "志愿者协会",
	"社区医疗服务站", "就业创业服务中心"};

/* The households of one community: first member's id and the number of members. */
struct home {
	int64_t id, first;
	int members;
	int zeal;	/* 0: never comes, 1..3: how keen */
};

struct community {
	char code[13];
	struct home *homes;
	long n, cap;
};

static int load(struct ctx *cx, struct rng *r, struct community **out, int *ncomm)
{
	*out = NULL;
	*ncomm = 0;
	int cap = 0;
	struct store_rows *q = store_query(cx->db, "SELECT h.id, h.dest_community, (SELECT"
		" min(p.id) FROM persons p WHERE p.household_id = h.id), (SELECT count(*) FROM persons"
		" p WHERE p.household_id = h.id) FROM households h WHERE h.dest_community IS NOT NULL"
		" AND h.status <> 'closed' ORDER BY h.dest_community, h.id", NULL);
	while (store_next(q)) {
		if (store_null(q, 2))
			continue;
		const char *code = store_text(q, 1);
		if (!*ncomm || strcmp((*out)[*ncomm - 1].code, code) != 0) {
			if (*ncomm == cap) {
				cap = cap ? cap * 2 : 16;
				struct community *grown = realloc(*out, (size_t)cap * sizeof(**out));
				if (!grown)
					break;
				*out = grown;
			}
			struct community *c = &(*out)[(*ncomm)++];
			memset(c, 0, sizeof(*c));
			snprintf(c->code, sizeof(c->code), "%s", code);
		}
		struct community *c = &(*out)[*ncomm - 1];
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 256;
			struct home *grown = realloc(c->homes, (size_t)c->cap * sizeof(*grown));
			if (!grown)
				break;
			c->homes = grown;
		}
		int z = rng_range(r, 1, 100);
		c->homes[c->n++] = (struct home){store_int(q, 0), store_int(q, 2),
			(int)store_int(q, 3), z <= 35 ? 0 : z <= 75 ? 1 : z <= 93 ? 2 : 3};
	}
	return store_finish(q);
}

static void release(struct community *c, int n)
{
	for (int i = 0; i < n; i++)
		free(c[i].homes);
	free(c);
}

/* One activity of community c on `day` with its attendance. */
static int one_activity(struct ctx *cx, struct rng *r, struct community *c, long day,
			const char *now, struct demo_activities_summary *sum)
{
	int w[sizeof(activities) / sizeof(activities[0])];
	int nk = (int)(sizeof(w) / sizeof(w[0]));
	for (int k = 0; k < nk; k++)
		w[k] = activities[k].weight;
	int k = rng_weighted(r, w, nk);
	char held[11];
	date_format(day, held);
	const char *title = activities[k].titles[rng_range(r, 0, 2)];
	const char *org = organisers[rng_range(r, 0, (int)(sizeof(organisers) / sizeof(organisers[0])) - 1)];
	int rc = store_exec(cx->db, "INSERT INTO activities(community_code, kind, title, held_on,"
		" place, organiser, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", "ttttttt", c->code,
		activities[k].kind, title, held, activities[k].place, org, now);
	if (rc != STORE_OK)
		return rc;
	int64_t id = store_last_id(cx->db);
	sum->activities++;
	/* attendees: households drawn by their zeal, one or two members each */
	int want = rng_range(r, 10, 60);
	for (int tries = 0; tries < want * 4 && want > 0 && c->n > 0; tries++) {
		struct home *h = &c->homes[rng_range(r, 0, (int)(c->n - 1))];
		if (h->zeal == 0 || rng_range(r, 1, 3) > h->zeal)
			continue;
		int people = h->members > 1 && rng_pct(r, 35) ? 2 : 1;
		for (int m = 0; m < people && want > 0; m++) {
			int64_t person = h->first + (m ? rng_range(r, 1, h->members - 1) : 0);
			/* a person already there stays once (UNIQUE): skip rather than fail */
			int found = 0;
			int64_t there = store_one_int(cx->db, &found, "SELECT count(*) FROM"
				" activity_attendance WHERE activity_id = ? AND person_id = ?", "ii", id,
				person);
			if (found != STORE_OK)
				return found;
			if (there)
				continue;
			rc = store_exec(cx->db, "INSERT INTO activity_attendance(activity_id, person_id,"
					" household_id, created_at) VALUES (?, ?, ?, ?)", "iiit", id,
					person, h->id, now);
			if (rc != STORE_OK)
				return rc;
			sum->attendances++;
			want--;
		}
	}
	return STORE_OK;
}

static const char *const kinds[] = {"retail", "catering", "handicraft", "farming", "services",
	"transport", "ecommerce", "workshop", "other"};
static const int kind_w[] = {22, 18, 12, 10, 14, 8, 8, 6, 2};
static const char *const trades[] = {"便民店", "小吃店", "刺绣坊", "养殖场", "家政服务部", "货运部",
	"网店", "加工坊", "综合服务部"};

static int start_ups(struct ctx *cx, struct rng *r, const char *now,
		     struct demo_activities_summary *sum)
{
	struct store_rows *q = store_query(cx->db, "SELECT j.id, j.person_id, p.name, p.household_id,"
		" h.dest_community, j.start_date, (SELECT count(*) FROM persons o WHERE"
		" o.household_id = p.household_id) FROM jobs j JOIN persons p ON p.id = j.person_id"
		" JOIN households h ON h.id = p.household_id WHERE j.type = 'self_employed' AND"
		" h.dest_community IS NOT NULL ORDER BY j.id", NULL);
	struct pick {
		int64_t job, person, household;
		char name[64], community[13], start[11];
		int members;
	} *picks = NULL;
	long n = 0, cap = 0;
	while (store_next(q)) {
		if (!rng_pct(r, 20))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			struct pick *grown = realloc(picks, (size_t)cap * sizeof(*grown));
			if (!grown)
				break;
			picks = grown;
		}
		struct pick *p = &picks[n++];
		p->job = store_int(q, 0);
		p->person = store_int(q, 1);
		p->household = store_int(q, 3);
		snprintf(p->name, sizeof(p->name), "%s", store_text(q, 2));
		snprintf(p->community, sizeof(p->community), "%s", store_text(q, 4));
		snprintf(p->start, sizeof(p->start), "%s", store_text(q, 5));
		p->members = (int)store_int(q, 6);
	}
	int rc = store_finish(q);
	for (long i = 0; rc == STORE_OK && i < n; i++) {
		struct pick *p = &picks[i];
		int k = rng_weighted(r, kind_w, (int)(sizeof(kind_w) / sizeof(kind_w[0])));
		char name[128];
		/* the family name and the trade: 杨记便民店 #id keeps names unique in a community */
		snprintf(name, sizeof(name), "%.3s记%s%ld", p->name, trades[k], i + 1);
		int s = rng_range(r, 1, 100);
		const char *status = s <= 85 ? "operating" : s <= 94 ? "suspended" : "closed";
		rc = store_exec(cx->db, "INSERT INTO businesses(community_code, name, kind, address,"
			" founded_on, status, employees, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			"tttttt" "it", p->community, name, kinds[k], "安置区商铺", p->start, status,
			(int64_t)rng_range(r, 0, 8), now);
		int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
		if (rc == STORE_OK)
			rc = store_exec(cx->db, "INSERT INTO business_founders(business_id, person_id)"
					" VALUES (?, ?)", "ii", id, p->person);
		/* a second founder of the household: the next member, now and then */
		if (rc == STORE_OK && p->members > 1 && rng_pct(r, 25))
			rc = store_exec(cx->db, "INSERT INTO business_founders(business_id, person_id)"
				" SELECT ?, min(o.id) FROM persons o WHERE o.household_id = ? AND o.id <> ?",
				"iii", id, p->household, p->person);
		if (rc == STORE_OK)
			rc = store_exec(cx->db, "UPDATE jobs SET business_id = ? WHERE id = ?", "ii", id,
					p->job);
		/* support: a loan, a subsidy, training; most had one, some two or three */
		static const char *const support[] = {"loan", "subsidy", "training"};
		static const char *const sources[] = {"创业担保贷款（县人社局）", "一次性创业补贴",
			"创业培训（就业创业服务中心）"};
		static const int amounts[][2] = {{20000, 150000}, {2000, 10000}, {0, 0}};
		int y, m, d;
		long founded = date_parse(p->start, &y, &m, &d) ? date_days(y, m, d) : cx->today;
		for (int t = 0; rc == STORE_OK && t < 3; t++) {
			if (!rng_pct(r, t == 0 ? 55 : t == 1 ? 45 : 35))
				continue;
			long on = founded + rng_range(r, 0, 180);
			char day[11];
			date_format(on > cx->today ? cx->today : on, day);
			int64_t amount = amounts[t][1] ? rng_range(r, amounts[t][0] / 1000,
				amounts[t][1] / 1000) * 1000 : 0;
			rc = store_exec(cx->db, "INSERT INTO business_support(business_id, kind, amount,"
				" granted_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?)", "itittt", id,
				support[t], amount, day, sources[t], now);
			sum->support += rc == STORE_OK;
		}
		sum->businesses += rc == STORE_OK;
	}
	free(picks);
	return rc;
}

int demo_activities(struct ctx *cx, uint64_t seed, struct demo_activities_summary *sum)
{
	struct rng r = {seed ^ 0xac71f1ull};
	char now[21];
	audit_now(now);
	memset(sum, 0, sizeof(*sum));
	struct community *comms = NULL;
	int ncomm = 0;
	int rc = load(cx, &r, &comms, &ncomm);
	for (int c = 0; rc == STORE_OK && c < ncomm; c++)
		for (long month = 0; rc == STORE_OK && month < 12; month++) {
			int count = rng_range(&r, 4, 8);
			for (int a = 0; rc == STORE_OK && a < count; a++)
				rc = one_activity(cx, &r, &comms[c], cx->today - month * 30 -
						  rng_range(&r, 0, 29), now, sum);
		}
	release(comms, ncomm);
	if (rc == STORE_OK)
		rc = start_ups(cx, &r, now, sum);
	/* home employment: one flexible job in four (by its id, so the same for a seed) */
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "UPDATE jobs SET type = 'home', employer = '居家来料加工'"
				" WHERE type = 'flexible' AND id % 4 = 0", NULL);
	int got = STORE_OK;
	if (rc == STORE_OK)
		sum->home_jobs = (long)store_one_int(cx->db, &got, "SELECT count(*) FROM jobs WHERE"
						      " type = 'home'", NULL);
	return rc == STORE_OK ? got : rc;
}
