/*
 * demo_volunteers: 困难大家帮 for the generated county: volunteers of 团山 and 育才 with
 * their assignments, a year of visits and the needs ledger.
 *
 * The article's communities organise party members (党员) and building leaders (楼栋长) to
 * visit door to door. Each community gets a building leader for each of its first
 * BUILDING_LEADERS buildings (every open household living there is theirs), PARTY_MEMBERS
 * party members with PER_MEMBER households each (one-to-one; the first of them also
 * point-to-point: a household of another party member's list) and a few other volunteers.
 * Every household reached is visited about every month or two over the last year, some
 * visits being return visits; about one visit in six raises a need (a category of
 * 012_volunteers.sql), due in one to four weeks; 86 in 100 are resolved by then, 11 late,
 * 3 never (still open: past their day, the overdue worklist has work in it).
 *
 * The work is bounded by the number of volunteers, not by the county's size: a province
 * run adds the same few thousand rows.
 */
#include "demo/demo_volunteers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "demo/rng.h"

#define BUILDING_LEADERS 6	/* per community */
#define PARTY_MEMBERS 10
#define OTHERS 4
#define PER_MEMBER 8
#define ROOMS_MAX 256	/* rooms of a building (the demo builds 216) */

static const struct {
	const char *code, *prefix, *office;
} communities[] = {
	{"520628002030", "ts", "tuanshan"},	/* 团山社区 */
	{"520628002031", "yc", "yucai"},	/* 育才社区 */
};

static const struct {
	const char *category;
	int weight;
	const char *need, *measure;
} needs_words[] = {
	{"employment", 20, "家中劳动力想找离家近的工作", "推荐到社区扶贫车间就业"},
	{"living_hardship", 14, "冬季取暖困难", "协调发放取暖补助和棉被"},
	{"health_care", 14, "老人慢病需要定期陪同就医", "联系家庭医生上门随访"},
	{"schooling", 10, "孩子转学手续未办完", "协调教育部门办理转学"},
	{"elderly_care", 12, "独居老人需要日常照看", "安排邻里互助结对照看"},
	{"housing_repair", 12, "卫生间漏水", "报物业维修，已修复"},
	{"paperwork", 10, "户口迁移手续不清楚", "陪同到便民服务窗口办理"},
	{"psychological", 5, "搬迁后不适应，情绪低落", "网格员和心理咨询志愿者上门谈心"},
	{"other", 3, "希望参加社区文体活动", "推荐加入社区文艺队"},
};

static const char *const found[] = {
	"家中情况稳定，生活正常", "了解就业情况，务工收入稳定", "宣传医保和养老保险政策",
	"检查用电用气安全", "老人身体尚可，叮嘱按时服药", "孩子上学正常", "反映楼道卫生问题，已转物业",
};

/* The volunteer accounts of one community, with the person's name: inserted with the demo
 * password's hash (the community office's, computed once by user_add), and their
 * profiles. */
static int add_volunteer(struct ctx *cx, const char *username, const char *full_name,
			 const char *scope, const char *office, const char *kind, const char *post,
			 int64_t *id)
{
	char now[21];
	date_format(cx->today, now);
	snprintf(now + 10, sizeof(now) - 10, "T00:00:00Z");
	int rc = store_exec(cx->db, "INSERT INTO users(username, full_name, role, scope,"
		" password_hash, created_at, password_changed_at) SELECT ?, ?, 'volunteer', ?,"
		" password_hash, ?, ? FROM users WHERE username = ?", "tttttt", username, full_name,
		scope, now, now, office);
	*id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO volunteers(user_id, kind, post, updated_at)"
				" VALUES (?, ?, ?, ?)", "ittt", *id, kind, post, now);
	return rc;
}

/* Ids of the community's open households not living in the given buildings' rooms, and of
 * its first buildings, in id order. */
static int load_community(struct ctx *cx, const char *code, int64_t *buildings, int *nb,
			  int64_t **households, long *nh)
{
	*nb = 0;
	*nh = 0;
	struct store_rows *r = store_query(cx->db, "SELECT b.id FROM buildings b JOIN sites s"
		" ON s.id = b.site_id WHERE s.community_code = ? ORDER BY b.id LIMIT ?", "ti", code,
		(int64_t)BUILDING_LEADERS);
	while (store_next(r))
		buildings[(*nb)++] = store_int(r, 0);
	int rc = store_finish(r);
	long want = (PARTY_MEMBERS + OTHERS) * PER_MEMBER;
	*households = calloc((size_t)want, sizeof(int64_t));
	if (rc != STORE_OK || !*households)
		return STORE_ERROR;
	/* the households of the other buildings: a party member's are not the leaders' */
	r = store_query(cx->db, "SELECT h.id FROM households h LEFT JOIN rooms m ON m.id = h.room_id"
		" WHERE h.dest_community = ? AND h.status <> 'closed' AND (m.building_id IS NULL"
		" OR m.building_id > ?) ORDER BY h.id LIMIT ?", "tii", code,
		*nb ? buildings[*nb - 1] : (int64_t)0, (int64_t)want);
	while (store_next(r) && *nh < want)
		(*households)[(*nh)++] = store_int(r, 0);
	return store_finish(r);
}

/* A year of visits to one household by one volunteer (`visitor` their name, `login` their
 * account), with the needs some of them raise: raised by the account, owned and resolved
 * by it or by the community office's. */
static int visit_household(struct ctx *cx, struct rng *r, int64_t hh, int64_t user,
			   const char *visitor, const char *login, const char *office, long *visits,
			   long *needs)
{
	static int weights[COUNT(needs_words)];
	for (int k = 0; k < COUNT(needs_words); k++)
		weights[k] = needs_words[k].weight;
	int rc = STORE_OK;
	for (long day = cx->today - 365 + rng_range(r, 0, 40); day <= cx->today && rc == STORE_OK;
	     day += rng_range(r, 25, 65)) {
		char date[11], at[21];
		date_format(day, date);
		snprintf(at, sizeof(at), "%sT02:%02d:00Z", date, rng_range(r, 0, 59));
		const char *kind = rng_pct(r, 25) ? "return_visit" : "visit";
		rc = store_exec(cx->db, "INSERT INTO visits(household_id, date, kind, visitor, found,"
			" user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", "ittttit", hh, date, kind,
			visitor, found[rng_range(r, 0, COUNT(found) - 1)], user, at);
		++*visits;
		if (rc != STORE_OK || !rng_pct(r, 17))
			continue;
		int k = rng_weighted(r, weights, COUNT(needs_words));
		int64_t visit = store_last_id(cx->db);
		long due = day + rng_range(r, 7, 28), resolved = -1;
		int fate = rng_range(r, 1, 100);
		if (fate <= 86)
			resolved = day + rng_range(r, 1, (int)(due - day));
		else if (fate <= 97)
			resolved = due + rng_range(r, 1, 20);
		if (resolved > cx->today)
			resolved = -1;	/* still open: overdue once its day is past */
		char due_on[11], resolved_on[11];
		date_format(due, due_on);
		date_format(resolved, resolved_on);
		rc = store_exec(cx->db, "INSERT INTO needs(household_id, category, description, source,"
			" source_id, measure, owner, due_on, resolved, resolved_on, resolved_by, raised_on,"
			" raised_by, user_id, created_at) VALUES (?, ?, ?, 'visit', ?, ?, ?, ?, ?, ?, ?, ?,"
			" ?, ?, ?)", "itti" "ttti" "ttt" "tit", hh, needs_words[k].category,
			needs_words[k].need, visit, resolved >= 0 ? needs_words[k].measure : NULL,
			rng_pct(r, 60) ? login : office, due_on, (int64_t)(resolved >= 0),
			resolved >= 0 ? resolved_on : NULL, resolved >= 0 ? (rng_pct(r, 50) ? login
			: office) : NULL, date, login, user, at);
		++*needs;
	}
	return rc;
}

int demo_volunteers(struct ctx *cx, uint64_t seed, long *volunteers, long *visits, long *needs)
{
	struct rng r = {seed ^ 0x7011a7eull};
	int rc = STORE_OK;
	*volunteers = *visits = *needs = 0;
	for (int c = 0; c < COUNT(communities) && rc == STORE_OK; c++) {
		int64_t buildings[BUILDING_LEADERS], *hh = NULL, id;
		int nb = 0;
		long nh = 0;
		const char *code = communities[c].code, *office = communities[c].office;
		/* the accounts log in with the demo password: none without the demo's users */
		if (store_one_int(cx->db, &rc, "SELECT count(*) FROM users WHERE username = ?", "t",
				  office) == 0)
			continue;
		if (rc == STORE_OK)
			rc = load_community(cx, code, buildings, &nb, &hh, &nh);
		char name[64], visitor[32], post[64];
		/* building leaders: a building each, every household living in it */
		for (int b = 0; b < nb && rc == STORE_OK; b++) {
			snprintf(name, sizeof(name), "%sld%02d", communities[c].prefix, b + 1);
			snprintf(post, sizeof(post), "第%d栋楼栋长", b + 1);
			rng_name(&r, surnames[rng_weighted(&r, surname_weights, COUNT(surnames))],
				 rng_pct(&r, 50), visitor, sizeof(visitor));
			rc = add_volunteer(cx, name, visitor, code, office, "building_leader", post, &id);
			if (rc == STORE_OK)
				rc = store_exec(cx->db, "INSERT INTO volunteer_buildings(user_id, building_id)"
						" VALUES (?, ?)", "ii", id, buildings[b]);
			struct store_rows *q = rc == STORE_OK ? store_query(cx->db, "SELECT DISTINCT"
				" household_id FROM volunteer_reach WHERE user_id = ? ORDER BY household_id", "i", id) : NULL;
			int64_t reached[ROOMS_MAX];
			int n = 0;
			while (q && store_next(q) && n < ROOMS_MAX)
				reached[n++] = store_int(q, 0);
			if (q && store_finish(q) != STORE_OK)
				rc = STORE_ERROR;
			for (int k = 0; k < n && rc == STORE_OK; k++)
				rc = visit_household(cx, &r, reached[k], id, visitor, name, office, visits,
						     needs);
			++*volunteers;
		}
		/* party members and others: a handful of households each */
		for (int v = 0; v < PARTY_MEMBERS + OTHERS && rc == STORE_OK; v++) {
			bool member = v < PARTY_MEMBERS;
			snprintf(name, sizeof(name), "%s%s%02d", communities[c].prefix, member ? "dy" : "zy",
				 member ? v + 1 : v - PARTY_MEMBERS + 1);
			rng_name(&r, surnames[rng_weighted(&r, surname_weights, COUNT(surnames))],
				 rng_pct(&r, 50), visitor, sizeof(visitor));
			rc = add_volunteer(cx, name, visitor, code, office, member ? "party_member"
					   : "other", member ? "党员中心户" : "志愿服务队", &id);
			for (long k = (long)v * PER_MEMBER; k < (long)(v + 1) * PER_MEMBER && k < nh
			     && rc == STORE_OK; k++) {
				rc = store_exec(cx->db, "INSERT INTO volunteer_households(user_id,"
						" household_id) VALUES (?, ?)", "ii", id, hh[k]);
				if (rc == STORE_OK)
					rc = visit_household(cx, &r, hh[k], id, visitor, name, office,
							     visits, needs);
			}
			/* point-to-point: the first party member also looks in on the next list's first */
			if (rc == STORE_OK && v == 0 && nh > PER_MEMBER)
				rc = store_exec(cx->db, "INSERT INTO volunteer_households(user_id,"
						" household_id) VALUES (?, ?)", "ii", id, hh[PER_MEMBER]);
			++*volunteers;
		}
		free(hh);
	}
	return rc;
}
