/*
 * demo_services: the facilities the article names and a year of one-stop service requests.
 *
 * 团山 (Tuanshan) "has set up community service centers, property management service
 * centers, employment and entrepreneurship service centers, community civil service
 * centers, trade-union/youth/women's comprehensive service centers and community medical
 * service stations, all with staff stations" and "28 community convenience supermarkets";
 * 育才 (Yucai) "established neighborhood mutual assistance service centers, mass sports
 * centers, library rooms, community police offices", with human resources, civil affairs,
 * trade-union/youth/women's "and other departments" at the one-stop centre's windows.
 * Requests fall over the 365 days up to today, so the overdue worklist shows a platform at
 * work: most are done (nine in ten within the promised days), some referred or rejected,
 * the recent ones still open, a few open past their day.
 */
#include "demo/demo_services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "demo/rng.h"
#include "domain/service.h"

#define TUANSHAN "520628002030"
#define YUCAI "520628002031"
#define SUPERMARKETS 28		/* the article's figure for 团山 */
#define MAX_WINDOWS 16

struct window_plan {
	const char *name;
	const char *departments[5];
};

struct facility_plan {
	const char *community, *kind, *name, *address;
	int area;
	const char *hours;
	struct window_plan windows[4];
};

static const struct facility_plan plans[] = {
	{TUANSHAN, "community_service_center", "团山社区服务中心", "团山安置点1栋1楼", 620, "08:30-17:30",
	 {{"综合受理窗口", {"community", "public_security", "education", "housing", NULL}},
	  {"社保医保窗口", {"human_resources", "medical_insurance", NULL}}}},
	{TUANSHAN, "property_service_center", "团山物业管理服务中心", "团山安置点3栋1楼", 180, "08:00-20:00",
	 {{"物业服务窗口", {"housing", NULL}}}},
	{TUANSHAN, "employment_service_center", "团山就业创业服务中心", "团山安置点1栋2楼", 260, "08:30-17:30",
	 {{"就业登记窗口", {"human_resources", NULL}}, {"创业服务窗口", {"human_resources", NULL}}}},
	{TUANSHAN, "civil_affairs_center", "团山社区民政服务中心", "团山安置点1栋2楼", 150, "08:30-17:30",
	 {{"民政窗口", {"civil_affairs", NULL}}}},
	{TUANSHAN, "union_youth_women_center", "团山工青妇综合服务中心", "团山安置点2栋1楼", 140, "08:30-17:30",
	 {{"工青妇窗口", {"union_youth_women", NULL}}}},
	{TUANSHAN, "medical_station", "团山社区医疗服务站", "团山安置点5栋1楼", 300, "00:00-24:00",
	 {{"家庭医生签约窗口", {"health", "medical_insurance", NULL}}}},
	{TUANSHAN, "homesickness_hall", "团山社区乡愁馆", "团山安置点文化广场", 500, "09:00-17:00", {{0}}},
	{YUCAI, "mutual_aid_center", "育才社区邻里互助服务中心", "育才安置点2栋1楼", 480, "08:30-17:30",
	 {{"人社窗口", {"human_resources", "medical_insurance", NULL}}, {"民政窗口", {"civil_affairs", NULL}},
	  {"工青妇窗口", {"union_youth_women", NULL}},
	  {"综合窗口", {"community", "health", "education", "housing", NULL}}}},
	{YUCAI, "sports_center", "育才社区群众体育中心", "育才安置点中心广场", 1200, "06:00-22:00", {{0}}},
	{YUCAI, "library", "育才社区图书室", "育才安置点2栋2楼", 160, "09:00-20:00", {{0}}},
	{YUCAI, "police_office", "育才社区警务室", "育才安置点1栋1楼", 90, "00:00-24:00",
	 {{"户籍窗口", {"public_security", NULL}}}},
	{YUCAI, "experience_hall", "育才社区城市体验馆", "育才安置点文化中心", 3000, "09:00-17:00", {{0}}},
};

struct window {
	int64_t id;
	const char *community;
	const char *const *departments;
};

struct matter {
	char code[48], department[48];
	int days, weight;
};

static int insert_facility(struct ctx *cx, const char *community, const char *kind,
			   const char *name, const char *address, int area, const char *hours,
			   const char *contact, const char *now, int64_t *id)
{
	int64_t a = area;
	int rc = store_exec(cx->db, "INSERT INTO facilities(community_code, kind, name, address,"
		" area_m2, opening_hours, contact, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
		" 'open', ?)", "ttttnttt", community, kind, name, address, area ? &a : NULL, hours,
		contact, now);
	*id = store_last_id(cx->db);
	return rc;
}

static int make_facilities(struct ctx *cx, struct rng *r, const char *now, struct window *w,
			   int *nw, struct demo_services_summary *sum)
{
	int rc = STORE_OK;
	*nw = 0;
	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]) && rc == STORE_OK; i++) {
		const struct facility_plan *p = &plans[i];
		char phone[16];
		snprintf(phone, sizeof(phone), "0856-23%05d", rng_range(r, 10000, 99999));
		int64_t fid;
		rc = insert_facility(cx, p->community, p->kind, p->name, p->address, p->area, p->hours,
				     phone, now, &fid);
		sum->facilities++;
		for (int k = 0; k < 4 && p->windows[k].name && rc == STORE_OK; k++) {
			rc = store_exec(cx->db, "INSERT INTO service_windows(facility_id, name, created_at)"
					" VALUES (?, ?, ?)", "itt", fid, p->windows[k].name, now);
			int64_t wid = store_last_id(cx->db);
			for (int d = 0; p->windows[k].departments[d] && rc == STORE_OK; d++)
				rc = store_exec(cx->db, "INSERT INTO window_departments(window_id, department)"
						" VALUES (?, ?)", "it", wid, p->windows[k].departments[d]);
			if (*nw < MAX_WINDOWS)
				w[(*nw)++] = (struct window){wid, p->community, p->windows[k].departments};
			sum->windows++;
		}
	}
	/* the 28 convenience supermarkets, spread over 团山's buildings */
	for (int i = 1; i <= SUPERMARKETS && rc == STORE_OK; i++) {
		char name[64], address[64], phone[16];
		snprintf(name, sizeof(name), "团山便民超市%d号店", i);
		snprintf(address, sizeof(address), "团山安置点%d栋底商", (i - 1) % 14 + 1);
		snprintf(phone, sizeof(phone), "138%08d", rng_range(r, 0, 99999999));
		int64_t fid;
		rc = insert_facility(cx, TUANSHAN, "convenience_supermarket", name, address,
				     rng_range(r, 40, 160), "07:30-22:30", phone, now, &fid);
		sum->facilities++;
	}
	return rc;
}

/* A window of the community with the matter's department, or 0. */
static int64_t pick_window(struct rng *r, const struct window *w, int nw, const char *community,
			   const char *department)
{
	int64_t found[MAX_WINDOWS];
	int n = 0;
	for (int i = 0; i < nw; i++) {
		if (strcmp(w[i].community, community) != 0)
			continue;
		for (int d = 0; w[i].departments[d]; d++)
			if (strcmp(w[i].departments[d], department) == 0) {
				found[n++] = w[i].id;
				break;
			}
	}
	return n ? found[rng_range(r, 0, n - 1)] : 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" of a local (UTC+8) moment: day and seconds after its midnight. */
static void instant(long day, long secs, char out[21])
{
	long long t = (long long)day * 86400 + secs - 8 * 3600;
	long d = (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
	int s = (int)((t - (long long)d * 86400) % 86400);
	int y, m, dd;
	char buf[64];	/* room for what the compiler cannot rule out */
	date_from_days(d, &y, &m, &dd);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, dd, s / 3600,
		 s / 60 % 60, s % 60);
	snprintf(out, 21, "%.20s", buf);
}

static int add_step(struct ctx *cx, int64_t id, const char *status, const char *at, const char *who)
{
	return store_exec(cx->db, "INSERT INTO service_request_steps(request_id, status, at, user_id,"
			  " username, note) VALUES (?, ?, ?, NULL, ?, NULL)", "ittt", id, status, at, who);
}

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

static int load_matters(struct ctx *cx, struct matter *m, int *n)
{
	/* how often each matter comes to the desk, by its department */
	static const struct {
		const char *department;
		int weight;
	} often[] = {{"human_resources", 9}, {"civil_affairs", 6}, {"health", 7},
		{"medical_insurance", 6}, {"public_security", 4}, {"education", 3}, {"housing", 5},
		{"community", 8}, {"union_youth_women", 2}};
	*n = 0;
	struct store_rows *r = store_query(cx->db, "SELECT code, department, promised_days FROM"
		" service_matters WHERE active = 1 ORDER BY sort, code LIMIT 32", NULL);
	while (store_next(r) && *n < 32) {
		struct matter *x = &m[(*n)++];
		snprintf(x->code, sizeof(x->code), "%s", store_text(r, 0));
		snprintf(x->department, sizeof(x->department), "%s", store_text(r, 1));
		x->days = (int)store_int(r, 2);
		x->weight = 1;
		for (size_t k = 0; k < sizeof(often) / sizeof(often[0]); k++)
			if (strcmp(often[k].department, x->department) == 0)
				x->weight = often[k].weight;
	}
	return store_finish(r);
}

static int make_request(struct ctx *cx, struct rng *r, const struct household_row *h,
			const struct matter *m, const struct window *w, int nw)
{
	static const char *const channels[] = {"window", "phone", "door_to_door", "online"};
	static const int channel_w[] = {60, 15, 15, 10};
	long today = cx->today;
	long day = today - rng_range(r, 0, 364);
	int wd = (int)(((day % 7) + 7 + 3) % 7);
	if (wd >= 5)	/* the desks are open Monday to Friday */
		day -= wd - 4;
	long secs = rng_range(r, 8 * 3600 + 1800, 17 * 3600 + 1800);
	const char *channel = channels[rng_weighted(r, channel_w, 4)];
	int64_t window = strcmp(channel, "window") == 0 ? pick_window(r, w, nw, h->community,
								       m->department) : 0;
	if (!window && strcmp(channel, "window") == 0)
		channel = rng_pct(r, 50) ? "phone" : "door_to_door";
	const char *who = strcmp(h->community, TUANSHAN) == 0 ? "tuanshan"
		: strcmp(h->community, YUCAI) == 0 ? "yucai" : "county";
	long due = service_due_day(day, m->days);
	/* the fate: how long it took, in working hours spread over calendar days */
	int late = rng_pct(r, 10);
	long took_days = late ? rng_range(r, m->days + 1, m->days * 2 + 3) : rng_range(r, 0, m->days);
	long close_day = service_due_day(day, (int)took_days);
	if (took_days == 0)
		close_day = day;
	long close_secs = took_days == 0 ? secs + rng_range(r, 600, 4 * 3600)
		: rng_range(r, 9 * 3600, 17 * 3600);
	int fate = rng_range(r, 1, 100);
	const char *status = fate <= 88 ? "done" : fate <= 95 ? "referred" : "rejected";
	int stays_open = close_day > today || (close_day == today && rng_pct(r, 50)) ||
			 (day < today - 30 && rng_pct(r, 1));	/* a few forgotten */
	if (stays_open)
		status = rng_pct(r, 30) ? "received" : rng_pct(r, 50) ? "accepted" : "in_progress";
	char received_at[21], received_on[11], due_on[11], closed_at[21], closed_on[11];
	instant(day, secs, received_at);
	date_format(day, received_on);
	date_format(due, due_on);
	instant(close_day, close_secs, closed_at);
	date_format(close_day, closed_on);
	int64_t seconds = ((int64_t)close_day - day) * 86400 + (close_secs - secs);
	bool closed = !service_status_open(status), done = strcmp(status, "done") == 0;
	bool referred = strcmp(status, "referred") == 0;
	int64_t person = h->person;
	int rc = store_exec(cx->db, "INSERT INTO service_requests(community_code, household_id,"
		" person_id, matter, window_id, channel, status, received_at, received_on, due_on,"
		" closed_at, closed_on, done_seconds, referred_to, receiving_party, reason)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"tintnttttttt" "nttt", h->community, h->id, person ? &person : NULL, m->code,
		window ? &window : NULL, channel, status, received_at, received_on, due_on,
		closed ? closed_at : NULL, closed ? closed_on : NULL, done ? &seconds : NULL,
		referred ? m->department : NULL, referred ? "县直部门业务股室" : NULL,
		strcmp(status, "rejected") == 0 ? "材料不全，已一次性告知补正" : NULL);
	int64_t id = store_last_id(cx->db);
	if (rc == STORE_OK)
		rc = add_step(cx, id, "received", received_at, who);
	if (rc == STORE_OK && strcmp(status, "received") != 0 && strcmp(status, "rejected") != 0) {
		char at[21];
		instant(day, secs + rng_range(r, 120, 1800), at);
		rc = add_step(cx, id, "accepted", at, who);
	}
	if (rc == STORE_OK && (strcmp(status, "in_progress") == 0 || (done && took_days > 0))) {
		char at[21];
		instant(day, secs + rng_range(r, 1900, 3 * 3600), at);
		rc = add_step(cx, id, "in_progress", at, who);
	}
	if (rc == STORE_OK && closed)
		rc = add_step(cx, id, status, closed_at, who);
	return rc;
}

int demo_services(struct ctx *cx, uint64_t seed, struct demo_services_summary *sum)
{
	struct rng r = {seed ^ 0x5e41ce5ull};
	struct window windows[MAX_WINDOWS];
	struct matter matters[32];
	int weights[32];
	int nw = 0, nm = 0;
	char now[21];
	struct household_row *hh = NULL;
	long n = 0;
	memset(sum, 0, sizeof(*sum));
	instant(cx->today - 400, 9 * 3600, now);	/* the facilities were there before */
	int rc = make_facilities(cx, &r, now, windows, &nw, sum);
	if (rc == STORE_OK)
		rc = load_matters(cx, matters, &nm);
	if (rc == STORE_OK && nm == 0)
		return STORE_OK;
	for (int i = 0; i < nm; i++)
		weights[i] = matters[i].weight;
	if (rc == STORE_OK)
		rc = load_households(cx, &hh, &n);
	for (long i = 0; i < n && rc == STORE_OK; i++) {
		/* about three households in ten come to the desk in a year; a few come twice */
		int times = rng_pct(&r, 30) ? (rng_pct(&r, 15) ? 2 : 1) : 0;
		for (int k = 0; k < times && rc == STORE_OK; k++) {
			rc = make_request(cx, &r, &hh[i], &matters[rng_weighted(&r, weights, nm)],
					  windows, nw);
			if (++sum->requests % 20000 == 0 && rc == STORE_OK &&
			    (store_commit(cx->db) != STORE_OK || store_begin(cx->db) != STORE_OK))
				rc = STORE_ERROR;
		}
	}
	free(hh);
	return rc;
}
