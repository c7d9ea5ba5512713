/*
 * demo_petitions: a year of suggestions and petitions (有话大家说) for the generated county.
 *
 * The article's communities hear their residents in a speaking room (说事室), at the
 * letters-and-visits reception, through a suggestion box, at the integration office and at
 * talk booths. Petitions fall over the 365 days up to today from about one household in
 * twelve, a third of the suggestion box's and a few others anonymous. Nine in ten are replied
 * by their category's deadline, some late; a few are forgotten, open past the deadline, so
 * the overdue worklist has work in it; recent ones are still running. Seven in ten replies
 * are rated; four in ten of the dissatisfied appeal, which reopens the petition.
 */
#include "demo/demo_petitions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "demo/rng.h"

#define TUANSHAN "520628002030"
#define YUCAI "520628002031"

struct category {
	char code[41];
	int days;
};

/* What people say, by category (the catalogue's codes of 011_petitions.sql); a category an
 * administrator adds is heard with the general words. */
static const struct {
	const char *category;
	int weight;
	const char *said[3];
	const char *reply;
} words[] = {
	{"housing_quality", 14, {"卫生间墙面渗水", "窗户关不严，冬天漏风", "楼顶防水层起鼓"},
	 "已通知施工单位返修，完工后请签字确认"},
	{"property_management", 16, {"楼道灯坏了两周", "电梯经常停运", "小区垃圾清运不及时"},
	 "已督促物业公司整改，并建立每周巡查"},
	{"employment", 14, {"想参加电工技能培训", "扶贫车间工资迟发", "希望就近安排公益性岗位"},
	 "已登记需求，就业创业服务中心将推送岗位和培训信息"},
	{"social_security", 10, {"医保报销比例不清楚", "养老保险转移接续怎么办", "低保复核结果有疑问"},
	 "已由民政、医保窗口当面解释政策并复核"},
	{"schooling", 8, {"孩子转学手续还没办好", "希望增设课后托管", "上学路上缺少交通护学岗"},
	 "已协调教育部门办理，并设立放学护学岗"},
	{"health", 7, {"家庭医生很久没来随访", "希望医疗站延长夜间服务", "慢病药品在站里拿不到"},
	 "已安排家庭医生上门，医疗站增配常用慢病药品"},
	{"neighbourhood", 9, {"楼上噪音影响休息", "邻居占用公共楼道堆放杂物", "停车位被长期占用"},
	 "已由楼栋长和网格员上门调解，双方达成一致"},
	{"subsidy", 8, {"搬迁补助还没有到账", "产业奖补申请没有回音", "临时救助何时发放"},
	 "已核实，补助资金本月内发放到户"},
	{"environment", 8, {"绿化带杂草丛生", "垃圾桶太少", "下水道堵塞有异味"},
	 "已安排保洁和维修人员处理完毕"},
	{"suggestion", 6, {"建议开设老年人活动室", "建议周末开放图书室", "建议增设便民理发点"},
	 "感谢建议，已纳入社区年度服务计划"},
};

static const char *const channels[] = {"speaking_room", "letters_and_visits", "suggestion_box",
	"integration_office", "talk_booth"};
static const int channel_w[] = {30, 12, 18, 20, 20};

struct household_row {
	int64_t id, person;
	char community[13];
};

static int load_households(struct ctx *cx, struct household_row **out, long *n)
{
	int rc;
	long cap = (long)store_one_int(cx->db, &rc, "SELECT count(*) FROM households"
				       " WHERE dest_community IS NOT NULL", NULL);
	*n = 0;
	*out = rc == STORE_OK && cap > 0 ? calloc((size_t)cap, sizeof(**out)) : NULL;
	if (!*out)
		return rc == STORE_OK && cap == 0 ? STORE_OK : STORE_ERROR;
	struct store_rows *r = store_query(cx->db, "SELECT h.id, h.dest_community, (SELECT min(p.id)"
		" FROM persons p WHERE p.household_id = h.id) FROM households h"
		" WHERE h.dest_community IS NOT NULL ORDER BY h.id", NULL);
	while (store_next(r) && *n < cap) {
		struct household_row *h = &(*out)[(*n)++];
		h->id = store_int(r, 0);
		snprintf(h->community, sizeof(h->community), "%s", store_text(r, 1));
		h->person = store_null(r, 2) ? 0 : store_int(r, 2);
	}
	return store_finish(r);
}

static int load_categories(struct ctx *cx, struct category *c, int *weights, int *n)
{
	*n = 0;
	struct store_rows *r = store_query(cx->db, "SELECT code, deadline_days FROM"
		" petition_categories WHERE active = 1 ORDER BY sort, code", NULL);
	while (store_next(r) && *n < 32) {
		struct category *x = &c[*n];
		snprintf(x->code, sizeof(x->code), "%s", store_text(r, 0));
		x->days = (int)store_int(r, 1);
		weights[*n] = 2;
		for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (strcmp(words[k].category, x->code) == 0)
				weights[*n] = words[k].weight;
		(*n)++;
	}
	return store_finish(r);
}

/* "YYYY-MM-DDTHH:MM:SSZ" of a local (UTC+8) moment: day and seconds after its midnight. */
static void instant(long day, long secs, char out[21])
{
	long long t = (long long)day * 86400 + secs - 8 * 3600;
	long d = (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
	int s = (int)((t - (long long)d * 86400) % 86400);
	int y, m, dd;
	char buf[64];
	date_from_days(d, &y, &m, &dd);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, dd, s / 3600,
		 s / 60 % 60, s % 60);
	snprintf(out, 21, "%.20s", buf);
}

static int add_step(struct ctx *cx, int64_t id, const char *kind, long day, long secs,
		    const char *who, const char *text)
{
	char at[21];
	instant(day, secs, at);
	return store_exec(cx->db, "INSERT INTO petition_steps(petition_id, kind, at, user_id,"
			  " username, text) VALUES (?, ?, ?, NULL, ?, ?)", "itttt", id, kind, at, who,
			  text);
}

/* The day of a reply to a petition opened on `opened` with `days` to answer: mostly in
 * time, one in ten late, one in twenty-five forgotten (-1: no reply). */
static long reply_day(struct rng *r, long opened, int days)
{
	int fate = rng_range(r, 1, 100);
	if (fate <= 4)
		return -1;
	if (fate <= 14)
		return opened + days + rng_range(r, 1, days / 2 + 3);
	return opened + rng_range(r, 0, days);
}

static int make_petition(struct ctx *cx, struct rng *r, const struct household_row *h,
			 const struct category *c)
{
	long today = cx->today, day = today - rng_range(r, 0, 364);
	long secs = rng_range(r, 8 * 3600 + 1800, 18 * 3600);
	const char *channel = channels[rng_weighted(r, channel_w, 5)];
	int anonymous = strcmp(channel, "suggestion_box") == 0 ? rng_pct(r, 35) : rng_pct(r, 4);
	const char *said = "社区服务方面的意见", *reply = "已研究处理，并向群众反馈";
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strcmp(words[k].category, c->code) == 0) {
			said = words[k].said[rng_range(r, 0, 2)];
			reply = words[k].reply;
		}
	const char *who = strcmp(h->community, TUANSHAN) == 0 ? "tuanshan"
		: strcmp(h->community, YUCAI) == 0 ? "yucai" : "county";
	/* the story: replied (or not), rated, appealed, replied again */
	long opened = day, replied = reply_day(r, day, c->days), replied_first = -1;
	const char *satisfaction = NULL;
	long rated = -1, appealed = -1;
	int appeals = 0;
	if (replied > today || (replied == today && rng_pct(r, 50)))
		replied = -1;	/* still running, or forgotten */
	if (replied >= 0 && rng_pct(r, 70) && replied + 2 <= today) {
		int s = rng_range(r, 1, 100);
		satisfaction = s <= 65 ? "satisfied" : s <= 90 ? "basically_satisfied" : "dissatisfied";
		rated = replied + rng_range(r, 0, 2);
		if (s > 90 && rng_pct(r, 40) && rated + 1 <= today) {
			appealed = rated + rng_range(r, 1, 5);
			if (appealed > today)
				appealed = today;
			appeals = 1;
			replied_first = replied;
			opened = appealed;
			replied = opened + rng_range(r, 0, c->days);
			if (replied > today)
				replied = -1;
			satisfaction = NULL;
		}
	}
	char received_at[21], received_on[11], opened_on[11], deadline[11], replied_at[21],
	     replied_on[11];
	long reply_secs = rng_range(r, 9 * 3600, 17 * 3600);
	instant(day, secs, received_at);
	date_format(day, received_on);
	date_format(opened, opened_on);
	date_format(opened + c->days, deadline);
	instant(replied, reply_secs, replied_at);
	date_format(replied, replied_on);
	int64_t hh = h->id, person = h->person;
	bool named = !anonymous, has_reply = replied >= 0;
	int rc = store_exec(cx->db, "INSERT INTO petitions(community_code, household_id, person_id,"
		" anonymous, channel, category, content, status, received_at, received_on, opened_on,"
		" deadline, reply, replied_at, replied_on, replied_by, satisfaction, appeals)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"tnnittttttt" "tttttti", h->community, named ? &hh : NULL,
		named && person ? &person : NULL, (int64_t)anonymous, channel, c->code, said,
		has_reply ? "replied" : "open", received_at, received_on, opened_on, deadline,
		has_reply ? reply : NULL, has_reply ? replied_at : NULL, has_reply ? replied_on : NULL,
		has_reply ? who : NULL, has_reply ? satisfaction : NULL, (int64_t)appeals);
	int64_t id = store_last_id(cx->db);
	if (rc == STORE_OK)
		rc = add_step(cx, id, "received", day, secs, who, NULL);
	if (rc == STORE_OK && appeals) {
		rc = add_step(cx, id, "replied", replied_first, reply_secs, who, reply);
		if (rc == STORE_OK)
			rc = add_step(cx, id, "rated", rated, 12 * 3600, who, "dissatisfied");
		if (rc == STORE_OK)
			rc = add_step(cx, id, "appealed", appealed, 10 * 3600, who, "问题没有解决");
	}
	if (rc == STORE_OK && has_reply)
		rc = add_step(cx, id, "replied", replied, reply_secs, who, reply);
	if (rc == STORE_OK && has_reply && satisfaction)
		rc = add_step(cx, id, "rated", rated, 12 * 3600 + 60, who, satisfaction);
	return rc;
}

int demo_petitions(struct ctx *cx, uint64_t seed, long *n)
{
	struct rng r = {seed ^ 0x9e7171ull};
	struct category cats[32];
	int weights[32], nc = 0;
	struct household_row *hh = NULL;
	long nh = 0;
	*n = 0;
	int rc = load_categories(cx, cats, weights, &nc);
	if (rc != STORE_OK || nc == 0)
		return rc;
	rc = load_households(cx, &hh, &nh);
	for (long i = 0; i < nh && rc == STORE_OK; i++) {
		if (!rng_pct(&r, 8))	/* about one household in twelve speaks up in a year */
			continue;
		rc = make_petition(cx, &r, &hh[i], &cats[rng_weighted(&r, weights, nc)]);
		if (++*n % 20000 == 0 && rc == STORE_OK &&
		    (store_commit(cx->db) != STORE_OK || store_begin(cx->db) != STORE_OK))
			rc = STORE_ERROR;
	}
	free(hh);
	return rc;
}
