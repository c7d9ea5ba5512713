/*
 * The fault walk over every write operation (after SQLite's test_malloc.c): for each
 * operation in the table below, fail storage call k = 1, 2, ... until the operation
 * succeeds. After every failed attempt the operation must have said OUT_INTERNAL (a
 * storage failure is never "not found", "invalid" or "unauthorized"), left no transaction
 * open, left every table exactly as it was (rows compared by content, not only counted),
 * and left no file in the blob store's blobs/ or tmp/ that was not there before. At the
 * end of each walk the database passes PRAGMA integrity_check.
 *
 * A new write operation joins the walk by adding a row to `ops`.
 */
#include "tests/unit/cmocka_prelude.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/idnumber.h"
#include "domain/archive.h"
#include "domain/checklist.h"
#include "domain/employers.h"
#include "domain/jobs.h"
#include "domain/trainings.h"
#include "domain/fixity.h"
#include "domain/family_doctor.h"
#include "domain/guarantees.h"
#include "domain/schooling.h"
#include "domain/plots.h"
#include "domain/steps.h"
#include "domain/visits.h"
#include "domain/household.h"
#include "domain/import.h"
#include "domain/person.h"
#include "domain/session.h"
#include "domain/facility.h"
#include "domain/service.h"
#include "domain/evaluation.h"
#include "domain/petition.h"
#include "domain/activity.h"
#include "domain/business.h"
#include "domain/hall.h"
#include "domain/site.h"
#include "core/date.h"
#include "domain/needs.h"
#include "domain/user.h"
#include "domain/volunteer.h"
#include "domain/worklist.h"
#include "tests/unit/testdb.h"

#define MAX_ATTEMPTS 400	/* the longest operation today takes 36 storage calls */

/* ------------------------------------------------------------------ fixtures */

/* Records the operations work on, made once before the walks (and not under faults). */
static struct {
	int64_t hh, hh2, hh_room;	/* households: main, a second (move target), one to place */
	int64_t head, worker, child, elder, mover, leaver;
	int64_t item, item_files, item_remove;	/* archive items */
	int64_t job, site, room, employer;
	char session_token[SESSION_TOKEN_LEN + 1];
	int64_t centre, request;	/* a service centre, a service request received */
	int64_t petition;	/* a petition awaiting its reply */
	int64_t need, volunteer;	/* an open need of hh; a volunteer account to assign */
	char due[11];
	int64_t evaluation;	/* a scheme of evaluation with one household scored */
	int64_t activity, business;	/* a community activity, a start-up */
	int64_t hall, hall_section;	/* the Homesickness Hall and its first chapter */
} F;

static int id_seq = 100;

/* A valid Songtao ID number for a birth date, unique within the test. */
static const char *new_id(char out[19], const char *yyyymmdd)
{
	char first17[32];
	snprintf(first17, sizeof(first17), "520628%.8s%03d", yyyymmdd, id_seq++ % 1000);
	memcpy(out, first17, 17);
	out[17] = idnumber_check_char(first17);
	out[18] = '\0';
	return out;
}

static int64_t member_id(json_t *household, const char *relation)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(household, "members"), i, m)
		if (strcmp(json_string_value(json_object_get(m, "relation")), relation) == 0)
			return json_integer_value(json_object_get(m, "id"));
	fail_msg("no %s in the household", relation);
	return 0;
}

static json_t *household_body(void)
{
	char a[19], b[19], c[19], d[19];
	return json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s},"
		" {s:s, s:s, s:s}]}",
		"category", "registered_poor", "origin_village", "520628118201", "dest_community",
		"520628002030", "members",
		"id_number", new_id(a, "19800101"), "name", "张伟", "relation", "head",
		"id_number", new_id(b, "19850303"), "name", "李芳", "relation", "spouse",
		"id_number", new_id(c, "20150505"), "name", "张小明", "relation", "son",
		"id_number", new_id(d, "19450707"), "name", "张老汉", "relation", "parent");
}

static int64_t make_household(struct testdb *t, json_t **out)
{
	json_t *body = household_body();
	testdb_reset(t);
	enum outcome res = household_create(&t->cx, body, out);
	json_decref(body);
	assert_int_equal(res, OUT_OK);
	return json_integer_value(json_object_get(*out, "id"));
}

/* Starts a finished temporary file holding `text` (distinct text, distinct blob). */
static void temp_file(struct testdb *t, struct blob_writer *w, const char *text)
{
	assert_int_equal(blob_writer_open(&t->blobs, w, 1 << 20), 0);
	assert_int_equal(blob_writer_write(w, text, strlen(text)), 0);
	assert_int_equal(blob_writer_finish(w), 0);
}

/* One uploaded PDF with a thumbnail and an upright copy, as upload.c hands them over. */
struct upload_set {
	struct blob_writer w, thumb, reference;
	struct media_info media;
	struct archive_file file;
};

static void upload_start(struct testdb *t, struct upload_set *u, const char *tag)
{
	char text[256];
	memset(u, 0, sizeof(*u));
	snprintf(text, sizeof(text), "%%PDF-1.4\n%% fault walk %s\n%%%%EOF\n", tag);
	temp_file(t, &u->w, text);
	snprintf(text, sizeof(text), "thumbnail of %s", tag);
	temp_file(t, &u->thumb, text);
	snprintf(text, sizeof(text), "upright copy of %s", tag);
	temp_file(t, &u->reference, text);
	u->media = (struct media_info){.width = 600, .height = 800, .has_thumbnail = true,
				       .has_reference = true};
	u->file = (struct archive_file){"证明.pdf", &u->w, "application/pdf", &u->media,
					&u->thumb, &u->reference};
}

/* What upload.c does when the request ends, whatever happened. */
static void upload_end(struct upload_set *u)
{
	blob_writer_abort(&u->w);
	blob_writer_abort(&u->thumb);
	blob_writer_abort(&u->reference);
}

static int64_t make_item(struct testdb *t, int64_t household, const char *tag)
{
	struct upload_set u;
	json_t *out = NULL;
	json_t *fields = json_pack("{s:s, s:s, s:s}", "title", tag, "doc_type", "application",
				   "paper_location", "A柜");
	testdb_reset(t);
	upload_start(t, &u, tag);
	enum outcome res = archive_item_create(&t->cx, household, fields, &u.file, 1, &out);
	upload_end(&u);
	json_decref(fields);
	assert_int_equal(res, OUT_OK);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

static int fixtures(void **state)
{
	if (testdb_setup(state))
		return -1;
	struct testdb *t = *state;
	json_t *h = NULL, *out = NULL;
	const char *err = NULL;

	F.hh = make_household(t, &h);
	F.head = member_id(h, "head");
	F.worker = member_id(h, "spouse");
	F.child = member_id(h, "son");
	F.elder = member_id(h, "parent");
	json_decref(h);
	F.hh2 = make_household(t, &h);
	F.mover = member_id(h, "son");
	F.leaver = member_id(h, "parent");
	json_decref(h);
	F.hh_room = make_household(t, &h);
	json_decref(h);

	F.item = make_item(t, F.hh, "patch me");
	F.item_files = make_item(t, F.hh, "add files to me");
	F.item_remove = make_item(t, F.hh, "remove me");

	testdb_reset(t);
	json_t *body = json_pack("{s:s, s:s, s:s}", "type", "county", "employer", "砖厂",
				 "start_date", "2024-01-01");
	assert_int_equal(jobs_create(&t->cx, F.worker, body, &out), OUT_OK);
	F.job = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);

	testdb_reset(t);
	body = json_pack("{s:s, s:s}", "name", "团山一期", "community_code", "520628002030");
	assert_int_equal(site_create(&t->cx, body, &out), OUT_OK);
	F.site = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);
	testdb_reset(t);
	body = json_pack("{s:s, s:i, s:i, s:i}", "name", "A栋", "units", 1, "floors", 2,
			 "rooms_per_floor", 2);
	assert_int_equal(site_add_building(&t->cx, F.site, body, &out), OUT_OK);
	json_decref(out);
	json_decref(body);
	testdb_reset(t);
	assert_int_equal(site_rooms(&t->cx, F.site, true, 0, 10, &out), OUT_OK);
	F.room = json_integer_value(json_object_get(json_array_get(json_object_get(out, "items"), 0),
						    "id"));
	assert_true(F.room > 0);
	json_decref(out);

	testdb_reset(t);
	body = json_pack("{s:s, s:s, s:s}", "community_code", "520628002030", "kind",
			 "community_service_center", "name", "团山社区服务中心");
	assert_int_equal(facility_create(&t->cx, body, &out), OUT_OK);
	F.centre = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);
	testdb_reset(t);
	body = json_pack("{s:I, s:s, s:s}", "household_id", (json_int_t)F.hh, "matter", "id_card",
			 "channel", "window");
	assert_int_equal(service_request_create(&t->cx, body, &out), OUT_OK);
	F.request = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);
	testdb_reset(t);
	body = json_pack("{s:I, s:s, s:s, s:s, s:b}", "household_id", (json_int_t)F.hh, "category",
			 "housing_quality", "channel", "speaking_room", "content", "墙面渗水", "anonymous",
			 0);
	assert_int_equal(petition_create(&t->cx, body, &out), OUT_OK);
	F.petition = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);
	testdb_reset(t);
	body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:[{s:s, s:s, s:i, s:i, s:i}]}", "kind",
			 "hygiene_household", "subject", "household", "division", "520628002030",
			 "period_from", "2026-01-01", "period_to", "2026-12-31", "award_top", 3, "criteria",
			 "code", "clean", "name", "室内整洁", "min", 0, "max", 10, "weight", 100);
	assert_int_equal(evaluation_create(&t->cx, body, &out), OUT_OK);
	F.evaluation = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);
	testdb_reset(t);
	body = json_pack("{s:I, s:s, s:{s:i}}", "household_id", (json_int_t)F.hh, "evaluator", "评委甲",
			 "scores", "clean", 8);
	assert_int_equal(evaluation_score(&t->cx, F.evaluation, body, &out), OUT_OK);
	json_decref(out);
	json_decref(body);
	testdb_reset(t);
	body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "community", "520628002030", "kind",
			 "festival", "title", "端午包粽子", "held_on", "2026-06-19", "place", "广场",
			 "organiser", "社区居委会");
	assert_int_equal(activity_create(&t->cx, body, &out), OUT_OK);
	F.activity = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);
	testdb_reset(t);
	body = json_pack("{s:s, s:s, s:s, s:s, s:[I]}", "community", "520628002030", "name",
			 "杨记便民店", "kind", "retail", "founded_on", "2025-03-01", "founders",
			 (json_int_t)F.head);
	assert_int_equal(business_create(&t->cx, body, &out), OUT_OK);
	F.business = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);
	testdb_reset(t);
	body = json_pack("{s:s, s:s, s:s}", "community_code", "520628002030", "kind",
			 "homesickness_hall", "name", "团山社区乡愁馆");
	assert_int_equal(facility_create(&t->cx, body, &out), OUT_OK);
	F.hall = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);
	testdb_reset(t);
	body = json_pack("{s:s}", "name", "感恩");
	assert_int_equal(hall_section_create(&t->cx, F.hall, body, &out), OUT_OK);
	F.hall_section = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);

	testdb_reset(t);
	assert_int_equal(user_add(&t->cx, "walker", "town", "520628118", "walk-the-faults-42",
				  &err), 0);
	assert_int_equal(user_add(&t->cx, "sleeper", "volunteer", "520628118201","walk-the-faults-42",
				  &err), 0);
	assert_int_equal(user_set_disabled(&t->cx, "sleeper", true, &err), 0);
	json_t *sleeper = user_find(&t->cx, 0, "sleeper");
	F.volunteer = json_integer_value(json_object_get(sleeper, "id"));
	json_decref(sleeper);
	testdb_reset(t);
	date_format(t->cx.today + 30, F.due);	/* a need's due day: ahead, within a year */
	body = json_pack("{s:s, s:s, s:s}", "category", "employment", "description", "想找工作",
			 "due_on", F.due);
	assert_int_equal(ledger_append(&t->cx, &needs_ledger, F.hh, body, &out), OUT_OK);
	F.need = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	json_decref(body);

	struct session_limits lim = {8, 1000, 1000, 60};
	int retry = 0;
	testdb_reset(t);
	assert_int_equal(session_login(&t->cx, &lim, "walker", "walk-the-faults-42",
				       F.session_token, &retry), OUT_OK);
	return 0;
}

/* ------------------------------------------------------------------ the operations */

/* Each runs one write operation with a fresh body; on OUT_OK it may hand back *out. Set-up
 * an operation needs (an ETag, a household to close, a fresh upload) comes first, outside
 * the count; then arm() starts the count, right before the domain call. */
typedef enum outcome (*op_fn)(struct testdb *t, json_t **out);
struct db_state;

static int armed_k;	/* the storage call to fail in this attempt */
static struct testdb *armed_t;
static struct db_state *armed_before;	/* the tables as the operation found them */
static void db_state_take(struct testdb *t, struct db_state *s);

static void arm(void)
{
	db_state_take(armed_t, armed_before);
	store_fault_inject(armed_k);
}

/* Builds a JSON body from a jansson format, arms the count, makes `call` with it and
 * returns its outcome, freeing the body. */
#define WITH_BODY(call, ...)                                             \
	do {                                                             \
		json_t *body = json_pack(__VA_ARGS__);                   \
		assert_non_null(body);                                   \
		arm();                                                   \
		enum outcome res_ = (call);                              \
		json_decref(body);                                       \
		return res_;                                             \
	} while (0)

static enum outcome op_household_create(struct testdb *t, json_t **out)
{
	json_t *body = household_body();
	arm();
	enum outcome res = household_create(&t->cx, body, out);
	json_decref(body);
	return res;
}

/* An import of a CSV: one new household of two (village by name within its town). */
static enum outcome op_import(struct testdb *t, json_t **out)
{
	char path[400], head[19], wife[19];
	snprintf(path, sizeof(path), "%s/import.csv", t->dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "姓名,身份证号,与户主关系,搬迁类型,迁出乡镇,迁出村,搬迁日期\n"
		"石一,%s,户主,建档立卡户,木树镇,冲头村,2019/5/1\n"
		"石二,%s,妻子,,,,\n", new_id(head, "19700101"), new_id(wife, "19720304"));
	fclose(f);
	struct import_opts o = {.kind = "households", .path = path, .file_name = "import.csv"};
	arm();
	enum outcome res = import_run(&t->cx, &o, out);
	unlink(path);
	return res;
}

static const char *household_if_match(struct testdb *t, int64_t id, char etag[48])
{
	int64_t version = 0;
	assert_int_equal(household_version(&t->cx, id, &version), OUT_OK);
	household_etag_for(id, version, etag);
	return etag;
}

static enum outcome op_household_patch(struct testdb *t, json_t **out)
{
	char etag[48];
	household_if_match(t, F.hh, etag);
	WITH_BODY(household_patch(&t->cx, F.hh, etag, body, out), "{s:s, s:s}", "phone",
		  "13800000000", "note", "电话已核实");
}

static enum outcome op_household_place_in_room(struct testdb *t, json_t **out)
{
	char etag[48];
	household_if_match(t, F.hh_room, etag);
	WITH_BODY(household_patch(&t->cx, F.hh_room, etag, body, out), "{s:I, s:I}", "site_id",
		  (json_int_t)F.site, "room_id", (json_int_t)F.room);
}

static enum outcome op_household_close(struct testdb *t, json_t **out)
{
	json_t *h = NULL;
	int64_t id = make_household(t, &h);
	json_decref(h);
	testdb_reset(t);
	WITH_BODY(household_close(&t->cx, id, body, out), "{s:s, s:s}", "reason", "merged",
		  "date", "2020-01-02");
}

static enum outcome op_member_add(struct testdb *t, json_t **out)
{
	char id[19];
	WITH_BODY(person_create(&t->cx, body, out), "{s:I, s:s, s:s, s:s, s:s, s:s}",
		  "household_id", (json_int_t)F.hh, "id_number", new_id(id, "20190101"),
		  "name", "张小宝", "relation", "son", "event", "birth", "event_date", "2019-01-01");
}

static enum outcome op_person_patch(struct testdb *t, json_t **out)
{
	char etag[48];
	json_t *p = person_load(&t->cx, F.worker);
	assert_non_null(p);
	person_etag(p, etag);
	json_decref(p);
	WITH_BODY(person_patch(&t->cx, F.worker, etag, body, out), "{s:s, s:s}", "name", "李芳芳",
		  "phone", "13900000001");
}

static enum outcome op_person_move(struct testdb *t, json_t **out)
{
	WITH_BODY(person_move(&t->cx, F.mover, body, out), "{s:I, s:s, s:s}", "household_id",
		  (json_int_t)F.hh, "relation", "grandson", "date", "2020-03-01");
}

static enum outcome op_person_leave(struct testdb *t, json_t **out)
{
	WITH_BODY(person_leave(&t->cx, F.leaver, body, out), "{s:s, s:s}", "kind", "death",
		  "date", "2021-01-01");
}

/* Archive operations with files: the uploads are made before the walk's count starts and
 * ended (aborted, as upload.c does) after the operation, so a leaked blob or temporary
 * file shows in the folder comparison. */
static int upload_tag;

static enum outcome op_item_create(struct testdb *t, json_t **out)
{
	struct upload_set u;
	char tag[32];
	snprintf(tag, sizeof(tag), "create %d", upload_tag);	/* same bytes every attempt */
	upload_start(t, &u, tag);
	json_t *fields = json_pack("{s:s, s:s, s:s, s:s}", "title", "户口簿", "doc_type",
				   "application", "retention", "永久", "date", "2019-04-01");
	arm();
	enum outcome res = archive_item_create(&t->cx, F.hh, fields, &u.file, 1, out);
	json_decref(fields);
	upload_end(&u);
	return res;
}

static enum outcome op_item_add_files(struct testdb *t, json_t **out)
{
	struct upload_set u;
	char tag[32];
	snprintf(tag, sizeof(tag), "add %d", upload_tag);
	upload_start(t, &u, tag);
	json_t *fields = json_object();
	arm();
	enum outcome res = archive_item_add_files(&t->cx, F.item_files, fields, &u.file, 1, out);
	json_decref(fields);
	upload_end(&u);
	return res;
}

static enum outcome op_item_patch(struct testdb *t, json_t **out)
{
	char etag[48];
	json_t *item = NULL;
	assert_int_equal(archive_item_get(&t->cx, F.item, &item), OUT_OK);
	archive_item_etag(item, etag);
	json_decref(item);
	WITH_BODY(archive_item_patch(&t->cx, F.item, etag, body, out), "{s:s, s:s, s:i}",
		  "title", "户口簿（新）", "paper_location", "B柜", "pages", 3);
}

static enum outcome op_item_remove(struct testdb *t, json_t **out)
{
	WITH_BODY(archive_item_remove(&t->cx, F.item_remove, body, out), "{s:s}", "reason",
		  "重复扫描");
}

static enum outcome op_doc_type_put(struct testdb *t, json_t **out)
{
	WITH_BODY(checklist_doc_type_put(&t->cx, body, out), "{s:s, s:s, s:s, s:s, s:{s:b, s:b}}",
		  "code", "resettlement_card", "name", "安置卡", "name_en", "Resettlement card",
		  "retention", "30y", "required", "registered_poor", 0, "synchronous", 0);
}

static enum outcome op_job_create(struct testdb *t, json_t **out)
{
	WITH_BODY(jobs_create(&t->cx, F.worker, body, out), "{s:s, s:s, s:s, s:i, s:b}", "type",
		  "workshop", "employer", "团山社区扶贫车间", "start_date", "2025-03-01",
		  "monthly_income", 2600, "main", 1);
}

static enum outcome op_job_patch(struct testdb *t, json_t **out)
{
	WITH_BODY(jobs_patch(&t->cx, F.job, "*", body, out), "{s:s}", "end_date", "2024-12-31");
}

static enum outcome op_training_create(struct testdb *t, json_t **out)
{
	WITH_BODY(trainings_create(&t->cx, F.worker, body, out), "{s:s, s:s, s:i, s:s, s:s, s:s}",
		  "type", "skills", "course", "电工", "hours", 40, "start_date", "2025-03-01",
		  "end_date", "2025-03-05", "certificate", "初级电工证");
}

static enum outcome op_employer_create(struct testdb *t, json_t **out)
{
	WITH_BODY(employers_create(&t->cx, body, out), "{s:s, s:s, s:s}", "name",
		  "团山社区公共服务站", "kind", "public_service_station", "community", "520628002030");
}

static enum outcome op_guarantee_create(struct testdb *t, json_t **out)
{
	WITH_BODY(guarantees_create(&t->cx, F.worker, body, out), "{s:s, s:s, s:s}", "kind",
		  "medical_insurance", "status", "enrolled", "start_date", "2024-01-01");
}

static enum outcome op_schooling_put(struct testdb *t, json_t **out)
{
	WITH_BODY(ledger_replace(&t->cx, &schooling_ledger, F.child, "*", body, out), "{s:s, s:s, s:s}", "status",
		  "enrolled", "school", "团山小学", "grade", "四年级");
}

static enum outcome op_family_doctor_put(struct testdb *t, json_t **out)
{
	WITH_BODY(ledger_replace(&t->cx, &family_doctor_ledger, F.elder, "*", body, out), "{s:b, s:s, s:s}", "signed", 1,
		  "date", "2024-04-01", "doctor", "团山社区卫生站 吴医生");
}

static enum outcome op_plots_put(struct testdb *t, json_t **out)
{
	WITH_BODY(ledger_replace(&t->cx, &plots_ledger, F.hh, "*", body, out),
		  "{s:[{s:s, s:f, s:s, s:i}, {s:s, s:i, s:s}]}", "items",
		  "kind", "contracted", "area_mu", 3.5, "use", "transferred", "annual_income", 1400,
		  "kind", "forest", "area_mu", 12, "use", "shares");
}

static enum outcome op_steps_put(struct testdb *t, json_t **out)
{
	WITH_BODY(ledger_replace(&t->cx, &steps_ledger, F.hh, "*", body, out),
		  "{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:I}, {s:s, s:s}]}",
		  "responsible_person", "杨帮扶", "responsible_phone", "13800000001",
		  "village_command", "聚宝村指挥部", "town_command", "正大镇指挥部", "items",
		  "step", "registration", "done_date", "2019-03-01", "done_by", "村干部",
		  "evidence_item_id", (json_int_t)F.item,
		  "step", "hukou_transfer", "due_date", "2019-06-01");
}

static enum outcome op_visit_create(struct testdb *t, json_t **out)
{
	WITH_BODY(visits_create(&t->cx, F.hh, body, out), "{s:s, s:s, s:s, s:s}", "date",
		  "2024-05-01", "kind", "visit", "visitor", "社区网格员", "found", "务工正常");
}

static enum outcome op_followup_settings_put(struct testdb *t, json_t **out)
{
	WITH_BODY(worklist_rules_put(&t->cx, body, out), "{s:{s:i}, s:{s:b}}", "settings",
		  "visit_days", 120, "rules", "zero_employment", 0);
}

static enum outcome op_site_create(struct testdb *t, json_t **out)
{
	WITH_BODY(site_create(&t->cx, body, out), "{s:s, s:s}", "name", "团山二期",
		  "community_code", "520628002030");
}

static enum outcome op_site_add_building(struct testdb *t, json_t **out)
{
	WITH_BODY(site_add_building(&t->cx, F.site, body, out), "{s:s, s:i, s:i, s:i}", "name",
		  "B栋", "units", 2, "floors", 3, "rooms_per_floor", 2);
}

static enum outcome op_facility_create(struct testdb *t, json_t **out)
{
	WITH_BODY(facility_create(&t->cx, body, out), "{s:s, s:s, s:s, s:i}", "community_code",
		  "520628002030", "kind", "convenience_supermarket", "name", "便民超市1号", "area_m2", 80);
}

static enum outcome op_facility_patch(struct testdb *t, json_t **out)
{
	WITH_BODY(facility_patch(&t->cx, F.centre, "*", body, out), "{s:s, s:s}", "opening_hours",
		  "08:00-18:00", "status", "closed");
}

static enum outcome op_facility_add_window(struct testdb *t, json_t **out)
{
	WITH_BODY(facility_add_window(&t->cx, F.centre, body, out), "{s:s, s:[s, s]}", "name",
		  "1号窗口", "departments", "human_resources", "civil_affairs");
}

static enum outcome op_service_request_create(struct testdb *t, json_t **out)
{
	WITH_BODY(service_request_create(&t->cx, body, out), "{s:I, s:s, s:s, s:[I]}", "person_id",
		  (json_int_t)F.head, "matter", "employment_registration", "channel", "window", "items",
		  (json_int_t)F.item);
}

static enum outcome op_service_request_move(struct testdb *t, json_t **out)
{
	WITH_BODY(service_request_move(&t->cx, F.request, NULL, body, out), "{s:s, s:s}", "status",
		  "accepted", "note", "材料齐全");
}

static enum outcome op_petition_create(struct testdb *t, json_t **out)
{
	WITH_BODY(petition_create(&t->cx, body, out), "{s:I, s:s, s:s, s:s, s:b}", "person_id",
		  (json_int_t)F.head, "category", "employment", "channel", "talk_booth", "content",
		  "想参加技能培训", "anonymous", 0);
}

static enum outcome op_hall_section_create(struct testdb *t, json_t **out)
{
	WITH_BODY(hall_section_create(&t->cx, F.hall, body, out), "{s:s, s:i}", "name", "序厅",
		  "position", 1);
}

static enum outcome op_hall_exhibit_create(struct testdb *t, json_t **out)
{
	WITH_BODY(hall_exhibit_create(&t->cx, F.hall, body, out), "{s:I, s:s, s:s, s:I}",
		  "section_id", (json_int_t)F.hall_section, "kind", "object", "title", "老物件",
		  "item_id", (json_int_t)F.item);
}

static enum outcome op_hall_visit_create(struct testdb *t, json_t **out)
{
	WITH_BODY(hall_visit_create(&t->cx, F.hall, body, out), "{s:s, s:s, s:i, s:[I]}",
		  "visited_on", "2026-01-05", "group_name", "老年协会", "people", 12, "households",
		  (json_int_t)F.hh);
}

static enum outcome op_petition_reply(struct testdb *t, json_t **out)
{
	WITH_BODY(petition_act(&t->cx, F.petition, NULL, body, out), "{s:s, s:s}", "action",
		  "reply", "content", "已派人查看");
}

static enum outcome op_need_create(struct testdb *t, json_t **out)
{
	WITH_BODY(ledger_append(&t->cx, &needs_ledger, F.hh, body, out), "{s:s, s:s, s:s, s:s}",
		  "category", "health_care", "description", "慢病随访", "due_on", F.due,
		  "source", "other");
}

static enum outcome op_need_resolve(struct testdb *t, json_t **out)
{
	WITH_BODY(need_resolve(&t->cx, F.need, body, out), "{s:s}", "measure", "推荐到扶贫车间");
}

static enum outcome op_assignments_put(struct testdb *t, json_t **out)
{
	WITH_BODY(volunteer_assignments_put(&t->cx, F.volunteer, body, out), "{s:[I], s:s, s:s}",
		  "households", (json_int_t)F.hh, "kind", "party_member", "post", "党员中心户");
}

static enum outcome op_evaluation_create(struct testdb *t, json_t **out)
{
	WITH_BODY(evaluation_create(&t->cx, body, out), "{s:s, s:s, s:s, s:s, s:s, s:f, s:[{s:s, s:s,"
		  " s:i, s:i, s:i}, {s:s, s:s, s:i, s:i, s:i}]}", "kind", "moral_household", "subject",
		  "household", "division", "520628002030", "period_from", "2026-01-01", "period_to",
		  "2026-12-31", "award_threshold", 80.0, "criteria", "code", "filial", "name", "孝老爱亲",
		  "min", 0, "max", 10, "weight", 60, "code", "honest", "name", "诚实守信", "min", 0, "max",
		  5, "weight", 40);
}

static enum outcome op_evaluation_score(struct testdb *t, json_t **out)
{
	WITH_BODY(evaluation_score(&t->cx, F.evaluation, body, out), "{s:I, s:s, s:{s:f}}",
		  "household_id", (json_int_t)F.hh, "evaluator", "评委乙", "scores", "clean", 9.5);
}

static enum outcome op_evaluation_approve(struct testdb *t, json_t **out)
{
	WITH_BODY(evaluation_act(&t->cx, F.evaluation, NULL, body, out), "{s:s}", "action", "approve");
}

static enum outcome op_activity_create(struct testdb *t, json_t **out)
{
	WITH_BODY(activity_create(&t->cx, body, out), "{s:s, s:s, s:s, s:s, s:s, s:s}", "community",
		  "520628002030", "kind", "sports", "title", "健步走", "held_on", "2026-05-01", "place",
		  "广场", "organiser", "团委");
}

static enum outcome op_activity_attend(struct testdb *t, json_t **out)
{
	WITH_BODY(activity_attend(&t->cx, F.activity, body, out), "{s:I}", "person_id",
		  (json_int_t)F.worker);
}

static enum outcome op_business_create(struct testdb *t, json_t **out)
{
	WITH_BODY(business_create(&t->cx, body, out), "{s:s, s:s, s:s, s:[I, I]}", "name", "杨家面馆",
		  "kind", "catering", "founded_on", "2025-05-01", "founders", (json_int_t)F.head,
		  (json_int_t)F.worker);
}

static enum outcome op_business_support(struct testdb *t, json_t **out)
{
	WITH_BODY(business_add_support(&t->cx, F.business, body, out), "{s:s, s:I, s:s, s:s}", "kind",
		  "loan", "amount", (json_int_t)50000, "granted_on", "2025-04-01", "source", "创业担保贷款");
}

/* The account operations answer 0 or -1 with a message key; "internal" is the storage
 * failure, any other key would be a storage failure passed off as the user's mistake. */
static const char *last_key;	/* the message key of the last refused account operation */

static enum outcome from_key(int rc, const char *err)
{
	last_key = err;
	if (rc == 0)
		return OUT_OK;
	return err && strcmp(err, "internal") == 0 ? OUT_INTERNAL : OUT_INVALID;
}

static enum outcome op_user_add(struct testdb *t, json_t **out)
{
	const char *err = NULL;
	(void)out;
	arm();
	int rc = user_add(&t->cx, "newcomer", "community", "520628002030",
		     "a-long-enough-password", &err);
	return from_key(rc, err);
}

static enum outcome op_user_passwd(struct testdb *t, json_t **out)
{
	const char *err = NULL;
	(void)out;
	arm();
	int rc = user_passwd(&t->cx, "sleeper", "another-long-password", &err);
	return from_key(rc, err);
}

static enum outcome op_user_disable(struct testdb *t, json_t **out)
{
	const char *err = NULL;
	(void)out;
	arm();
	int rc = user_set_disabled(&t->cx, "walker", true, &err);
	return from_key(rc, err);
}

static enum outcome op_user_enable(struct testdb *t, json_t **out)
{
	const char *err = NULL;
	(void)out;
	arm();
	int rc = user_set_disabled(&t->cx, "sleeper", false, &err);
	return from_key(rc, err);
}

static enum outcome op_session_login(struct testdb *t, json_t **out)
{
	struct session_limits lim = {8, 1000, 1000, 60};
	char token[SESSION_TOKEN_LEN + 1];
	int retry = 0;
	(void)out;
	arm();
	return session_login(&t->cx, &lim, "sleeper", "another-long-password", token, &retry);
}

static enum outcome op_session_logout(struct testdb *t, json_t **out)
{
	(void)out;
	arm();
	return session_logout(&t->cx, F.session_token) == STORE_OK ? OUT_OK : OUT_INTERNAL;
}

static enum outcome op_fixity_check(struct testdb *t, json_t **out)
{
	struct fixity_result res;
	(void)out;
	arm();
	int rc = fixity_check(&t->cx, &res);
	fixity_result_release(&res);
	return rc == 0 ? OUT_OK : OUT_INTERNAL;
}

/* In an order where each operation finds what it needs (the password is set before the
 * log-in that uses it, the account enabled before that).
 *
 * `known_wrong` marks a defect found by this walk and reported, not yet fixed: a storage
 * failure answered with that outcome instead of INTERNAL. The walk still demands that such
 * a failure change nothing, and it fails when the defect is gone, so the mark is removed
 * with the fix rather than forgotten. */
static const struct fault_op {
	const char *name;
	op_fn run;
	enum outcome known_wrong;
	const char *defect;
	const char *may_change;	/* a table the operation may leave changed, and why (above) */
} ops[] = {
	{.name = "household create", .run = op_household_create},
	{.name = "import households", .run = op_import},
	{.name = "household patch", .run = op_household_patch},
	{.name = "household placed in a room", .run = op_household_place_in_room},
	{.name = "household close", .run = op_household_close},
	{.name = "member add (person create)", .run = op_member_add},
	{.name = "person patch", .run = op_person_patch},
	{.name = "person move", .run = op_person_move},
	{.name = "person leave", .run = op_person_leave},
	{.name = "archive item create with a file", .run = op_item_create},
	{.name = "archive item add files", .run = op_item_add_files},
	{.name = "archive item patch", .run = op_item_patch},
	{.name = "archive item remove", .run = op_item_remove},
	{.name = "document type put", .run = op_doc_type_put},
	{.name = "job create", .run = op_job_create},
	{.name = "job patch", .run = op_job_patch},
	{.name = "training create", .run = op_training_create},
	{.name = "employer create", .run = op_employer_create},
	{.name = "guarantee create", .run = op_guarantee_create},
	{.name = "schooling put", .run = op_schooling_put},
	{.name = "family doctor put", .run = op_family_doctor_put},
	{.name = "plots put", .run = op_plots_put},
	{.name = "steps put", .run = op_steps_put},
	{.name = "visit create", .run = op_visit_create},
	{.name = "follow-up settings put", .run = op_followup_settings_put},
	{.name = "site create", .run = op_site_create},
	{.name = "facility create", .run = op_facility_create},
	{.name = "facility patch", .run = op_facility_patch},
	{.name = "facility add window", .run = op_facility_add_window},
	{.name = "service request create", .run = op_service_request_create},
	{.name = "service request move", .run = op_service_request_move},
	{.name = "petition create", .run = op_petition_create},
	{.name = "petition reply", .run = op_petition_reply},
	{.name = "evaluation create", .run = op_evaluation_create},
	{.name = "evaluation score", .run = op_evaluation_score},
	{.name = "evaluation approve", .run = op_evaluation_approve},
	{.name = "activity create", .run = op_activity_create},
	{.name = "activity attend", .run = op_activity_attend},
	{.name = "business create", .run = op_business_create},
	{.name = "business support", .run = op_business_support},
	{.name = "hall section create", .run = op_hall_section_create},
	{.name = "hall exhibit create", .run = op_hall_exhibit_create},
	{.name = "hall visit create", .run = op_hall_visit_create},
	{.name = "site add building", .run = op_site_add_building},
	{.name = "need create", .run = op_need_create},
	{.name = "need resolve", .run = op_need_resolve},
	{.name = "volunteer assignments put", .run = op_assignments_put},
	{.name = "user add", .run = op_user_add},
	{.name = "user password", .run = op_user_passwd},
	{.name = "user enable", .run = op_user_enable},
	/* An attempt is counted before the password is checked, so parallel guesses cannot
	 * outrun the limit; an attempt that then meets a storage failure stays counted. */
	{.name = "session login", .run = op_session_login, .may_change = "login_limits"},
	{.name = "session logout", .run = op_session_logout},
	{.name = "user disable", .run = op_user_disable},
	{.name = "fsck (the fixity check's record)", .run = op_fixity_check},
};

/* ------------------------------------------------------------------ what "nothing changed" means */

#define MAX_TABLES 96

/* Every table's row count and an order-independent digest of its rows' contents. */
struct db_state {
	int n;
	char name[MAX_TABLES][64];
	int64_t rows[MAX_TABLES];
	uint64_t digest[MAX_TABLES];
};

static uint64_t row_digest(const char *text)
{
	unsigned char h[8];
	uint64_t v = 0;
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, strlen(text), NULL, 0);
	for (int i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return v;
}

/* One query per table that reads its every row as one text (every column quoted, so NULL,
 * '' and blobs all differ). A failed operation's rollback restores the very pages, so the
 * rows come back in the same order and the texts compare exactly. Built once per table. */
static struct {
	char name[64];
	char *sql;
} table_sql[MAX_TABLES];

static const char *table_query(struct testdb *t, const char *name)
{
	int i;
	for (i = 0; i < MAX_TABLES && table_sql[i].sql; i++)
		if (strcmp(table_sql[i].name, name) == 0)
			return table_sql[i].sql;
	assert_true(i < MAX_TABLES);
	struct buf sql;
	buf_init(&sql);
	buf_puts(&sql, "SELECT count(*), group_concat(''");
	struct store_rows *r = store_query(t->db, "SELECT name FROM pragma_table_info(?)", "t", name);
	while (store_next(r))
		buf_printf(&sql, " || ',' || quote(\"%s\")", store_text(r, 0));
	assert_int_equal(store_finish(r), STORE_OK);
	buf_printf(&sql, ", char(10)) FROM \"%s\"", name);
	snprintf(table_sql[i].name, sizeof(table_sql[i].name), "%s", name);
	table_sql[i].sql = buf_detach(&sql, NULL);
	return table_sql[i].sql;
}

static void db_state_take(struct testdb *t, struct db_state *s)
{
	memset(s, 0, sizeof(*s));
	struct store_rows *r = store_query(t->db, "SELECT name FROM sqlite_master WHERE type = 'table'"
					   " AND name NOT LIKE 'sqlite_%' ORDER BY name", NULL);
	while (store_next(r)) {
		assert_true(s->n < MAX_TABLES);
		snprintf(s->name[s->n++], 64, "%s", store_text(r, 0));
	}
	assert_int_equal(store_finish(r), STORE_OK);
	for (int i = 0; i < s->n; i++) {
		r = store_query(t->db, table_query(t, s->name[i]), NULL);
		assert_true(store_next(r));
		s->rows[i] = store_int(r, 0);
		s->digest[i] = row_digest(store_text(r, 1));
		assert_int_equal(store_finish(r), STORE_OK);
	}
}

/* Fails the test naming the first table that differs. */
static void db_state_same(const struct db_state *a, const struct db_state *b, const char *op,
			  int k, const char *may_change)
{
	if (a->n != b->n)
		fail_msg("%s, storage call %d failed: %d tables before, %d after", op, k, a->n, b->n);
	for (int i = 0; i < a->n; i++)
		if ((!may_change || strcmp(a->name[i], may_change) != 0) &&
		    (a->rows[i] != b->rows[i] || a->digest[i] != b->digest[i]))
			fail_msg("%s, storage call %d failed: table %s changed (%lld rows before,"
				 " %lld after)", op, k, a->name[i], (long long)a->rows[i],
				 (long long)b->rows[i]);
}

/* Every file under the data folder (blobs/ and tmp/), sorted, one per line. */
static void list_files(const char *dir, const char *rel, struct buf *out)
{
	char path[1400];
	struct dirent **names;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	int n = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *e = names[i]->d_name;
		if (strcmp(e, ".") && strcmp(e, "..")) {
			char sub[700], full[2100];
			struct stat st;
			snprintf(sub, sizeof(sub), "%s/%s", rel, e);
			snprintf(full, sizeof(full), "%s/%s", dir, sub);
			if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
				list_files(dir, sub, out);
			else
				buf_printf(out, "%s\n", sub);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static void files_take(struct testdb *t, struct buf *out)
{
	buf_init(out);
	list_files(t->blobs.root, "blobs", out);
	list_files(t->blobs.root, "tmp", out);
}

static void integrity_ok(struct testdb *t)
{
	struct store_rows *r = store_query(t->db, "PRAGMA integrity_check", NULL);
	assert_true(store_next(r));
	assert_string_equal(store_text(r, 0), "ok");
	store_finish(r);
}

/* ------------------------------------------------------------------ the walk */

static const char *outcome_name(enum outcome o)
{
	static const char *const names[] = {"OK", "BAD_REQUEST", "INVALID", "NOT_FOUND", "CONFLICT",
		"PRECONDITION_FAILED", "PRECONDITION_REQUIRED", "TOO_LARGE", "UNSUPPORTED",
		"UNAUTHORIZED", "FORBIDDEN", "RATE_LIMITED", "METHOD_NOT_ALLOWED",
		"RANGE_NOT_SATISFIABLE", "BUSY", "INTERNAL"};
	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

static void walk(struct testdb *t, const struct fault_op *op)
{
	struct db_state *before = malloc(sizeof(*before)), *now = malloc(sizeof(*now));
	struct buf files_before, files_now;
	enum outcome wrong = OUT_OK;	/* the first answer that was not INTERNAL */
	int k, wrong_at = 0;
	const char *wrong_key = NULL;
	assert_non_null(before);
	assert_non_null(now);
	upload_tag++;
	for (k = 1; k < MAX_ATTEMPTS; k++) {
		json_t *out = NULL;
		testdb_reset(t);
		/* The folder before any upload of the attempt (they are aborted at its end);
		 * the tables when arm() starts the count. */
		files_take(t, &files_before);
		armed_k = k;
		last_key = NULL;
		armed_t = t;
		armed_before = before;
		enum outcome res = op->run(t, &out);
		store_fault_inject(0);
		assert_int_equal(t->db->tx_depth, 0);
		if (res == OUT_OK) {
			json_decref(out);
			buf_release(&files_before);
			break;
		}
		if (res != OUT_INTERNAL && t->errs.n)
			fail_msg("%s, storage call %d failed: answered %s with %s: %s", op->name, k,
				 outcome_name(res), t->errs.items[0].field, t->errs.items[0].code);
		if (res != OUT_INTERNAL && !wrong) {
			wrong = res;
			wrong_key = last_key;
			wrong_at = k;
		}
		assert_null(out);
		db_state_take(t, now);
		db_state_same(before, now, op->name, k, op->may_change);
		files_take(t, &files_now);
		if (strcmp(files_before.data, files_now.data) != 0)
			fail_msg("%s, storage call %d failed: the data folder changed\nbefore:\n%s"
				 "after:\n%s", op->name, k, files_before.data, files_now.data);
		buf_release(&files_before);
		buf_release(&files_now);
	}
	print_message("%-34s succeeded at storage call %d\n", op->name, k);
	if (op->known_wrong) {
		if (wrong != op->known_wrong)
			fail_msg("%s: the known defect (%s) is gone or changed (now %s): remove the"
				 " mark", op->name, op->defect, outcome_name(wrong));
		print_message("  KNOWN DEFECT: storage call %d failed, answered %s%s%s: %s\n",
			      wrong_at, outcome_name(wrong), wrong_key ? " " : "",
			      wrong_key ? wrong_key : "", op->defect);
	} else if (wrong) {
		fail_msg("%s, storage call %d failed: answered %s%s%s, not INTERNAL", op->name,
			 wrong_at, outcome_name(wrong), wrong_key ? " " : "", wrong_key ? wrong_key : "");
	}
	assert_true(k > 1);	/* the first storage call's failure was seen */
	assert_true(k < MAX_ATTEMPTS);
	integrity_ok(t);
	free(before);
	free(now);
}

static void every_write_leaves_nothing_behind_when_storage_fails(void **state)
{
	struct testdb *t = *state;
	const char *only = getenv("FAULT_WALK_ONLY");	/* a name part, to run one walk */
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!only || strstr(ops[i].name, only))
			walk(t, &ops[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_write_leaves_nothing_behind_when_storage_fails),
	};
	return cmocka_run_group_tests(tests, fixtures, testdb_teardown);
}
