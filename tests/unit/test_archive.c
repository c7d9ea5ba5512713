/* Unit tests for domain/archive.c, through its public functions: an item refused for any
 * reason leaves no row, no blob, no audit entry and no new household version behind;
 * reference codes follow the rule and item numbers never come back; a change needs the
 * item's current ETag and changes only what it names; removal keeps everything; a file
 * replaced is superseded, not deleted; lists honour their filters, pages and the scope;
 * and the checklist (what a file still lacks) agrees with the completeness count. */
#include "tests/unit/cmocka_prelude.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/idnumber.h"
#include "domain/archive.h"
#include "domain/checklist.h"
#include "domain/household.h"
#include "tests/unit/testdb.h"

static struct testdb *T;
static int64_t HH, HH_SYNC, HEAD;	/* a registered-poor household, a synchronous one */
static char NUMBER[32];			/* HH's household number */

/* ------------------------------------------------------------------ fixtures */

static int id_seq = 300;

static const char *new_id(char out[19], const char *yyyymmdd)
{
	char first17[32];
	snprintf(first17, sizeof(first17), "520628%.8s%03d", yyyymmdd, id_seq++ % 1000);
	memcpy(out, first17, 17);
	out[17] = idnumber_check_char(first17);
	out[18] = '\0';
	return out;
}

static int64_t make_household(const char *category, json_t **out)
{
	char a[19], b[19];
	json_t *body = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}]}",
		"category", category, "origin_village", "520628118201", "dest_community",
		"520628002030", "members",
		"id_number", new_id(a, "19800101"), "name", "张伟", "relation", "head",
		"id_number", new_id(b, "19850303"), "name", "李芳", "relation", "spouse");
	testdb_reset(T);
	enum outcome res = household_create(&T->cx, body, out);
	json_decref(body);
	assert_int_equal(res, OUT_OK);
	return json_integer_value(json_object_get(*out, "id"));
}

static int setup(void **state)
{
	if (testdb_setup(state))
		return -1;
	T = *state;
	json_t *h = NULL;
	HH = make_household("registered_poor", &h);
	snprintf(NUMBER, sizeof(NUMBER), "%s", json_string_value(json_object_get(h, "number")));
	HEAD = json_integer_value(json_object_get(json_array_get(json_object_get(h, "members"), 0),
						  "id"));
	json_decref(h);
	HH_SYNC = make_household("synchronous", &h);
	json_decref(h);
	return HH && HH_SYNC && HEAD ? 0 : -1;
}

/* One upload as upload.c hands it over: a finished temporary file. */
struct upload {
	struct blob_writer w;
	struct archive_file file;
};

static void upload_start(struct upload *u, const char *name, const char *mime, const char *text)
{
	memset(u, 0, sizeof(*u));
	assert_int_equal(blob_writer_open(&T->blobs, &u->w, 1 << 20), 0);
	if (*text)
		assert_int_equal(blob_writer_write(&u->w, text, strlen(text)), 0);
	assert_int_equal(blob_writer_finish(&u->w), 0);
	u->file = (struct archive_file){name, &u->w, mime, NULL, NULL, NULL};
}

static void upload_end(struct upload *u) { blob_writer_abort(&u->w); }

/* ------------------------------------------------------------------ what is stored */

static int64_t q(const char *sql, int64_t arg)
{
	int rc;
	int64_t n = store_one_int(T->db, &rc, sql, "i", arg);
	assert_int_equal(rc, STORE_OK);
	return n;
}

static int nfiles_seen;
static int count_file(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)path, (void)sb, (void)ftw;
	if (type == FTW_F)
		nfiles_seen++;
	return 0;
}

/* Files on disk under the data folder's blobs/ and tmp/. */
static int disk_files(void)
{
	char path[400];
	nfiles_seen = 0;
	snprintf(path, sizeof(path), "%s/data/blobs", T->dir);
	nftw(path, count_file, 16, FTW_PHYS);
	snprintf(path, sizeof(path), "%s/data/tmp", T->dir);
	nftw(path, count_file, 16, FTW_PHYS);
	return nfiles_seen;
}

/* Everything an archive write may touch, to compare before and after a refusal. */
struct snapshot {
	int64_t items, files, blobs, audit, hh_version, next_item_no, active;
	int disk;
};

static void snap(struct snapshot *s, int64_t household)
{
	memset(s, 0, sizeof(*s));	/* padding too: snapshots are compared whole */
	s->items = q("SELECT count(*) + coalesce(sum(version), 0) FROM items WHERE ? > 0", 1);
	s->files = q("SELECT count(*) + coalesce(sum(superseded), 0) FROM files WHERE ? > 0", 1);
	s->blobs = q("SELECT count(*) FROM blobs WHERE ? > 0", 1);
	s->audit = q("SELECT count(*) FROM audit WHERE ? > 0", 1);
	s->hh_version = q("SELECT version FROM households WHERE id = ?", household);
	s->next_item_no = q("SELECT next_item_no FROM households WHERE id = ?", household);
	s->active = q("SELECT count(*) FROM items WHERE ? > 0 AND status = 'active'", 1);
	/* uploads in flight are temporary files: counted by the caller, not here */
	s->disk = disk_files();
}

static void unchanged(const struct snapshot *a, int64_t household, int temp_files, const char *what)
{
	struct snapshot b;
	snap(&b, household);
	b.disk -= temp_files;
	if (memcmp(a, &b, sizeof(b)) != 0)
		fail_msg("%s left something behind: items %lld/%lld files %lld/%lld blobs %lld/%lld"
			 " audit %lld/%lld version %lld/%lld next %lld/%lld disk %d/%d", what,
			 (long long)a->items, (long long)b.items, (long long)a->files,
			 (long long)b.files, (long long)a->blobs, (long long)b.blobs,
			 (long long)a->audit, (long long)b.audit, (long long)a->hh_version,
			 (long long)b.hh_version, (long long)a->next_item_no,
			 (long long)b.next_item_no, a->disk, b.disk);
	assert_int_equal(T->db->tx_depth, 0);	/* no transaction left open */
}

/* Creates an item; returns its JSON (the caller's). */
static json_t *create(int64_t household, json_t *fields, struct archive_file *files, int n,
		      enum outcome want)
{
	json_t *out = NULL;
	testdb_reset(T);
	enum outcome res = archive_item_create(&T->cx, household, fields, files, n, &out);
	if (res != want)
		fail_msg("create: outcome %d, want %d (first error %s %s)", res, want,
			 T->errs.n ? T->errs.items[0].field : "-", T->errs.n ? T->errs.items[0].code : "-");
	if (want == OUT_OK)
		assert_non_null(out);
	else
		assert_null(out);
	return out;
}

static json_t *paper_item(int64_t household, const char *title, const char *doc_type)
{
	json_t *f = json_pack("{s:s, s:s, s:s}", "title", title, "doc_type", doc_type,
			      "paper_location", "A柜3层");
	json_t *out = create(household, f, NULL, 0, OUT_OK);
	json_decref(f);
	return out;
}

static const char *first_error(void) { return T->errs.n ? T->errs.items[0].code : ""; }

/* ------------------------------------------------------------------ create */

/* Each refusal: the outcome, the error, and nothing stored (rows, blobs, temporary files
 * other than the upload's own, the audit, the household's version and item counter). */
static void refused_creates_leave_nothing(void **state)
{
	(void)state;
	static const struct {
		const char *fields;	/* JSON */
		const char *name, *mime, *bytes;	/* the one upload, or name NULL for none */
		enum outcome want;
		const char *error;
	} cases[] = {
		{"{\"doc_type\": \"application\"}", "a.pdf", "application/pdf", "%PDF-1", OUT_INVALID, "required"},
		{"{\"title\": \" \", \"doc_type\": \"application\"}", "a.pdf", "application/pdf", "%PDF-2", OUT_INVALID, "required"},
		{"{\"title\": \"t\", \"doc_type\": \"no_such_type\"}", "a.pdf", "application/pdf", "%PDF-3", OUT_INVALID, "unknown_value"},
		{"{\"title\": \"t\", \"doc_type\": \"application\", \"date\": \"2019-02-30\"}", "a.pdf", "application/pdf", "%PDF-4", OUT_INVALID, NULL},
		{"{\"title\": \"t\", \"doc_type\": \"application\", \"retention\": \"forever\"}", "a.pdf", "application/pdf", "%PDF-5", OUT_INVALID, "unknown_value"},
		{"{\"title\": \"t\", \"doc_type\": \"application\", \"pages\": \"0\"}", "a.pdf", "application/pdf", "%PDF-6", OUT_INVALID, "out_of_range"},
		{"{\"title\": \"t\", \"doc_type\": \"application\", \"pages\": \"100001\"}", "a.pdf", "application/pdf", "%PDF-7", OUT_INVALID, "out_of_range"},
		{"{\"title\": \"t\", \"doc_type\": \"application\", \"pages\": \"+5\"}", "a.pdf", "application/pdf", "%PDF-8", OUT_INVALID, "out_of_range"},
		{"{\"title\": \"t\", \"doc_type\": \"application\", \"pages\": \"5 \"}", "a.pdf", "application/pdf", "%PDF-9", OUT_INVALID, "out_of_range"},
		{"{\"title\": \"t\", \"doc_type\": \"application\", \"person_id\": \"999999\"}", "a.pdf", "application/pdf", "%PDF-10", OUT_INVALID, "person_not_in_household"},
		{"{\"title\": \"t\", \"doc_type\": \"application\", \"colour\": \"red\"}", "a.pdf", "application/pdf", "%PDF-11", OUT_INVALID, NULL},
		{"{\"title\": \"t\", \"doc_type\": \"application\", \"paper_location\": \"\"}", "a.pdf", "application/pdf", "%PDF-12", OUT_INVALID, "empty"},
		{"{\"title\": \"t\", \"doc_type\": \"application\"}", NULL, NULL, NULL, OUT_INVALID, "paper_or_file_required"},
		{"{\"title\": \"t\", \"doc_type\": \"application\"}", "../etc/passwd", "application/pdf", "%PDF-13", OUT_INVALID, "file_name_invalid"},
		{"{\"title\": \"t\", \"doc_type\": \"application\"}", "a\\b.pdf", "application/pdf", "%PDF-14", OUT_INVALID, "file_name_invalid"},
		{"{\"title\": \"t\", \"doc_type\": \"application\"}", "..", "application/pdf", "%PDF-15", OUT_INVALID, "file_name_invalid"},
		{"{\"title\": \"t\", \"doc_type\": \"application\"}", "", "application/pdf", "%PDF-16", OUT_INVALID, "file_name_invalid"},
		{"{\"title\": \"t\", \"doc_type\": \"application\"}", "line\nbreak.pdf", "application/pdf", "%PDF-17", OUT_INVALID, "file_name_invalid"},
		{"{\"title\": \"t\", \"doc_type\": \"application\"}", "bad\xff.pdf", "application/pdf", "%PDF-18", OUT_INVALID, "file_name_invalid"},
		{"{\"title\": \"t\", \"doc_type\": \"application\"}", "empty.pdf", "application/pdf", "", OUT_INVALID, "file_empty"},
		{"{\"title\": \"t\", \"doc_type\": \"application\"}", "x.exe", "application/x-dosexec", "MZ", OUT_UNSUPPORTED, "file_type_not_allowed"},
		{"{\"title\": \"t\", \"doc_type\": \"application\"}", "x.html", "text/html", "<html>", OUT_UNSUPPORTED, "file_type_not_allowed"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct snapshot before;
		struct upload u;
		json_t *fields = json_loads(cases[i].fields, 0, NULL);
		assert_non_null(fields);
		snap(&before, HH);
		if (cases[i].name)
			upload_start(&u, cases[i].name, cases[i].mime, cases[i].bytes);
		json_t *out = create(HH, fields, cases[i].name ? &u.file : NULL, cases[i].name ? 1 : 0,
				     cases[i].want);
		if (cases[i].error && strcmp(first_error(), cases[i].error) != 0)
			fail_msg("case %zu: error %s, want %s", i, first_error(), cases[i].error);
		unchanged(&before, HH, cases[i].name ? 1 : 0, cases[i].fields);
		if (cases[i].name)
			upload_end(&u);
		json_decref(out);
		json_decref(fields);
	}
	/* a name of 255 bytes is the longest */
	char name[300];
	memset(name, 'n', 256);
	memcpy(name + 251, ".pdf", 5);	/* 255 bytes */
	struct upload u;
	struct snapshot before;
	json_t *fields = json_pack("{s:s, s:s}", "title", "long name", "doc_type", "other");
	upload_start(&u, name, "application/pdf", "%PDF-long-name");
	json_decref(create(HH, fields, &u.file, 1, OUT_OK));
	upload_end(&u);
	memset(name, 'n', 256);
	memcpy(name + 252, ".pdf", 5);	/* 256 bytes */
	snap(&before, HH);
	upload_start(&u, name, "application/pdf", "%PDF-longer-name");
	json_decref(create(HH, fields, &u.file, 1, OUT_INVALID));
	unchanged(&before, HH, 1, "a 256-byte name");
	upload_end(&u);
	json_decref(fields);
}

/* Who may file into which household: another role, another scope, a closed file. */
static void create_needs_an_open_household_in_reach(void **state)
{
	(void)state;
	json_t *fields = json_pack("{s:s, s:s, s:s}", "title", "t", "doc_type", "application",
				   "paper_location", "A");
	struct snapshot before;
	struct actor a = T->actor;
	const struct actor *saved = T->cx.actor;
	T->cx.actor = &a;
	snap(&before, HH);

	a.role = ROLE_AUDITOR;		/* reads, never files */
	json_decref(create(HH, fields, NULL, 0, OUT_FORBIDDEN));
	a.role = ROLE_VOLUNTEER;	/* a volunteer's reach is its assignments: none here */
	snprintf(a.scope, sizeof(a.scope), "520628118201");
	json_decref(create(HH, fields, NULL, 0, OUT_NOT_FOUND));
	a.role = ROLE_ARCHIVIST;	/* files, within its scope */
	snprintf(a.scope, sizeof(a.scope), "520628119");
	json_decref(create(HH, fields, NULL, 0, OUT_NOT_FOUND));	/* outside: does not exist */
	json_decref(create(987654, fields, NULL, 0, OUT_NOT_FOUND));
	unchanged(&before, HH, 0, "out of reach");
	snprintf(a.scope, sizeof(a.scope), "520628118");
	json_t *ok = create(HH, fields, NULL, 0, OUT_OK);
	assert_int_equal(json_integer_value(json_object_get(ok, "household_id")), HH);
	json_decref(ok);
	T->cx.actor = saved;

	/* a closed household's file takes nothing more */
	json_t *h = NULL;
	int64_t closed = make_household("synchronous", &h);
	json_decref(h);
	assert_int_equal(store_exec(T->db, "UPDATE households SET status = 'closed' WHERE id = ?", "i",
				    closed), STORE_OK);
	snap(&before, closed);
	json_decref(create(closed, fields, NULL, 0, OUT_CONFLICT));
	assert_string_equal(first_error(), "household_closed");
	unchanged(&before, closed, 0, "closed household");
	json_decref(fields);
}

/* COUNTY-YEAR-RETENTION-HOUSEHOLD-ITEM; the item number only rises, also past a removal;
 * the retention is the type's unless given, in words or as the paper says it. */
static void reference_codes_follow_the_rule(void **state)
{
	(void)state;
	json_t *h = NULL;
	int64_t hh = make_household("registered_poor", &h);
	char number[32], want[96];
	snprintf(number, sizeof(number), "%s", json_string_value(json_object_get(h, "number")));
	json_decref(h);
	int64_t version = q("SELECT version FROM households WHERE id = ?", hh);

	json_t *a = paper_item(hh, "申请书", "application");	/* permanent */
	snprintf(want, sizeof(want), "520628-%.4s-Y-%s-0001",
		 json_string_value(json_object_get(a, "created_at")), number);
	assert_string_equal(json_string_value(json_object_get(a, "reference_code")), want);
	assert_int_equal(json_integer_value(json_object_get(a, "item_no")), 1);
	assert_int_equal(json_integer_value(json_object_get(a, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(a, "retention")), "permanent");
	assert_false(json_is_true(json_object_get(a, "electronic_only")));
	assert_string_equal(json_string_value(json_object_get(a, "status")), "active");
	/* the household's version moved on: its ETag and caches see the new item */
	assert_int_equal(q("SELECT version FROM households WHERE id = ?", hh), version + 1);
	assert_int_equal(q("SELECT count(*) FROM audit WHERE entity = 'item' AND action = 'create'"
			   " AND entity_id = ?", json_integer_value(json_object_get(a, "id"))), 1);

	/* the item's date gives the year; retention spoken as on paper */
	json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", "复印件", "doc_type",
			      "id_copies", "date", "2019-06-01", "retention", "10年", "paper_location",
			      "B", "pages", "12", "person_id", "");
	json_object_set_new(f, "person_id", json_sprintf("%lld", (long long)HEAD));
	json_t *b = create(hh, f, NULL, 0, OUT_INVALID);	/* HEAD is not of this household */
	assert_string_equal(first_error(), "person_not_in_household");
	json_object_del(f, "person_id");
	b = create(hh, f, NULL, 0, OUT_OK);
	snprintf(want, sizeof(want), "520628-2019-D10-%s-0002", number);
	assert_string_equal(json_string_value(json_object_get(b, "reference_code")), want);
	assert_string_equal(json_string_value(json_object_get(b, "retention")), "10y");
	assert_int_equal(json_integer_value(json_object_get(b, "pages")), 12);
	json_decref(f);

	/* removed, its number is not given again */
	json_t *reason = json_pack("{s:s}", "reason", "filed twice"), *out = NULL;
	testdb_reset(T);
	assert_int_equal(archive_item_remove(&T->cx, json_integer_value(json_object_get(b, "id")),
					     reason, &out), OUT_OK);
	json_decref(out);
	json_decref(reason);
	json_t *c = paper_item(hh, "协议", "relocation_agreement");
	assert_int_equal(json_integer_value(json_object_get(c, "item_no")), 3);
	json_t *d = paper_item(hh, "其他", "other");	/* 10 years by its type */
	assert_non_null(strstr(json_string_value(json_object_get(d, "reference_code")), "-D10-"));
	assert_non_null(strstr(json_string_value(json_object_get(d, "reference_code")), "-0004"));
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(d);
}

static void files_are_stored_once_and_kept(void **state)
{
	(void)state;
	struct upload u1, u2;
	json_t *f = json_pack("{s:s, s:s}", "title", "照片", "doc_type", "photos_before_after");
	upload_start(&u1, "前.jpg", "image/jpeg", "same bytes");
	upload_start(&u2, "后.jpg", "image/jpeg", "same bytes");
	struct archive_file files[2] = {u1.file, u2.file};
	json_t *item = create(HH, f, files, 2, OUT_OK);
	upload_end(&u1);
	upload_end(&u2);
	json_decref(f);
	assert_true(json_is_true(json_object_get(item, "electronic_only")));
	json_t *fl = json_object_get(item, "files");
	assert_int_equal(json_array_size(fl), 2);
	const char *sha = json_string_value(json_object_get(json_array_get(fl, 0), "sha256"));
	assert_string_equal(sha, json_string_value(json_object_get(json_array_get(fl, 1), "sha256")));
	assert_int_equal(blobstore_verify(&T->blobs, sha, 10), BLOB_OK);
	int rc;
	assert_int_equal(store_one_int(T->db, &rc, "SELECT count(*) FROM blobs WHERE sha256 = ?", "t",
				       sha), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fl, 0), "name")), "前.jpg");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fl, 0), "kind")), "image");
	json_decref(item);
}

/* ------------------------------------------------------------------ patch */

static enum outcome patch(int64_t id, const char *if_match, const char *body_json, json_t **out)
{
	json_t *body = json_loads(body_json, 0, NULL);
	assert_non_null(body);
	testdb_reset(T);
	enum outcome res = archive_item_patch(&T->cx, id, if_match, body, out);
	json_decref(body);
	return res;
}

static void patch_needs_the_current_etag(void **state)
{
	(void)state;
	json_t *item = paper_item(HH, "原标题", "application"), *out = NULL;
	int64_t id = json_integer_value(json_object_get(item, "id"));
	char etag[48], stale[48];
	archive_item_etag(item, etag);
	snprintf(stale, sizeof(stale), "\"i%lld-%lld\"", (long long)id, 0LL);
	char want[48];
	snprintf(want, sizeof(want), "\"i%lld-1\"", (long long)id);
	assert_string_equal(etag, want);
	struct snapshot before;
	snap(&before, HH);
	assert_int_equal(patch(id, NULL, "{\"title\": \"新\"}", &out), OUT_PRECONDITION_REQUIRED);
	assert_null(out);
	assert_int_equal(patch(id, stale, "{\"title\": \"新\"}", &out), OUT_PRECONDITION_FAILED);
	assert_int_equal(patch(id, "", "{\"title\": \"新\"}", &out), OUT_PRECONDITION_FAILED);
	assert_int_equal(patch(id, "i1-1", "{\"title\": \"新\"}", &out), OUT_PRECONDITION_FAILED);
	unchanged(&before, HH, 0, "stale patch");

	/* with the ETag: only the named keys change, the version moves, the old ETag is stale */
	assert_int_equal(patch(id, etag, "{\"title\": \"新标题\", \"pages\": 7}", &out), OUT_OK);
	assert_string_equal(json_string_value(json_object_get(out, "title")), "新标题");
	assert_int_equal(json_integer_value(json_object_get(out, "pages")), 7);
	assert_string_equal(json_string_value(json_object_get(out, "paper_location")), "A柜3层");
	assert_string_equal(json_string_value(json_object_get(out, "doc_type")), "application");
	assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
	assert_int_equal(q("SELECT version FROM households WHERE id = ?", HH), before.hh_version + 1);
	json_decref(out);
	assert_int_equal(patch(id, etag, "{\"title\": \"again\"}", &out), OUT_PRECONDITION_FAILED);

	/* the reference code is never renumbered, even when the type's retention differs */
	const char *code = json_string_value(json_object_get(item, "reference_code"));
	snprintf(etag, sizeof(etag), "\"i%lld-2\"", (long long)id);
	assert_int_equal(patch(id, etag, "{\"doc_type\": \"media_report\", \"pages\": \"3\","
			       " \"date\": \"2018-01-02\"}", &out), OUT_OK);
	assert_string_equal(json_string_value(json_object_get(out, "reference_code")), code);
	assert_string_equal(json_string_value(json_object_get(out, "retention")), "permanent");
	assert_string_equal(json_string_value(json_object_get(out, "doc_type")), "media_report");
	assert_int_equal(json_integer_value(json_object_get(out, "pages")), 3);
	assert_string_equal(json_string_value(json_object_get(out, "title")), "新标题");
	json_decref(out);
	/* null clears what may be empty */
	snprintf(etag, sizeof(etag), "\"i%lld-3\"", (long long)id);
	assert_int_equal(patch(id, etag, "{\"pages\": null, \"date\": null}", &out), OUT_OK);
	assert_true(json_is_null(json_object_get(out, "pages")));
	assert_true(json_is_null(json_object_get(out, "date")));
	json_decref(out);
	json_decref(item);
}

static void refused_patches_change_nothing(void **state)
{
	(void)state;
	json_t *item = paper_item(HH, "不变", "application"), *out = NULL;
	int64_t id = json_integer_value(json_object_get(item, "id"));
	char etag[48];
	archive_item_etag(item, etag);
	static const struct {
		const char *body, *error;
	} cases[] = {
		{"{\"title\": null}", "required"},
		{"{\"title\": \"\"}", "empty"},
		{"{\"title\": 5}", "type_string"},
		{"{\"doc_type\": null}", "required"},
		{"{\"doc_type\": \"nope\"}", "unknown_value"},
		{"{\"pages\": 0}", NULL},
		{"{\"pages\": \"x\"}", "out_of_range"},
		{"{\"pages\": 100001}", NULL},
		{"{\"date\": \"yesterday\"}", NULL},
		{"{\"retention\": \"10y\"}", NULL},		/* part of the code: not changeable */
		{"{\"reference_code\": \"x\"}", NULL},
		{"{\"status\": \"removed\"}", NULL},
		{"{\"paper_location\": null}", "paper_or_file_required"},	/* no files either */
		{"{\"title\": \"ctl\\u0007\"}", "control_character"},
	};
	struct snapshot before;
	snap(&before, HH);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum outcome res = patch(id, etag, cases[i].body, &out);
		if (res != OUT_INVALID)
			fail_msg("%s: outcome %d", cases[i].body, res);
		assert_null(out);
		if (cases[i].error && strcmp(first_error(), cases[i].error) != 0)
			fail_msg("%s: error %s, want %s", cases[i].body, first_error(), cases[i].error);
		unchanged(&before, HH, 0, cases[i].body);
	}
	testdb_reset(T);
	json_t *notobj = json_string("x");
	assert_int_equal(archive_item_patch(&T->cx, id, etag, notobj, &out), OUT_INVALID);
	json_decref(notobj);
	assert_int_equal(patch(987654, etag, "{\"title\": \"x\"}", &out), OUT_NOT_FOUND);
	unchanged(&before, HH, 0, "not an object / not found");
	json_decref(item);
}

/* ------------------------------------------------------------------ remove, add files */

static void removal_keeps_everything(void **state)
{
	(void)state;
	struct upload u;
	json_t *f = json_pack("{s:s, s:s, s:s}", "title", "待删", "doc_type", "other",
			      "paper_location", "C");
	upload_start(&u, "scan.pdf", "application/pdf", "%PDF-removal");
	json_t *item = create(HH, f, &u.file, 1, OUT_OK), *out = NULL;
	upload_end(&u);
	json_decref(f);
	int64_t id = json_integer_value(json_object_get(item, "id"));
	const char *sha = json_string_value(json_object_get(json_array_get(
		json_object_get(item, "files"), 0), "sha256"));
	struct snapshot before;
	snap(&before, HH);

	/* refusals before anything is touched */
	json_t *bodies[] = {json_string("reason"), json_object(), json_pack("{s:s}", "reason", ""),
			    json_pack("{s:s, s:b}", "reason", "x", "purge", 1)};
	for (size_t i = 0; i < 4; i++) {
		testdb_reset(T);
		assert_int_equal(archive_item_remove(&T->cx, id, bodies[i], &out), OUT_INVALID);
		assert_null(out);
		json_decref(bodies[i]);
	}
	unchanged(&before, HH, 0, "refused removal");

	json_t *reason = json_pack("{s:s}", "reason", "录入错误");
	testdb_reset(T);
	assert_int_equal(archive_item_remove(&T->cx, id, reason, &out), OUT_OK);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "removed");
	assert_string_equal(json_string_value(json_object_get(out, "removed_reason")), "录入错误");
	assert_non_null(json_string_value(json_object_get(out, "removed_at")));
	assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
	assert_int_equal(json_array_size(json_object_get(out, "files")), 1);
	json_decref(out);
	/* the file, its row and its bytes all stay */
	assert_int_equal(q("SELECT count(*) FROM files WHERE item_id = ?", id), 1);
	assert_int_equal(blobstore_verify(&T->blobs, sha, strlen("%PDF-removal")), BLOB_OK);

	/* a removed item takes no change */
	testdb_reset(T);
	assert_int_equal(archive_item_remove(&T->cx, id, reason, &out), OUT_CONFLICT);
	assert_string_equal(first_error(), "item_removed");
	char etag[48];
	snprintf(etag, sizeof(etag), "\"i%lld-2\"", (long long)id);
	assert_int_equal(patch(id, etag, "{\"title\": \"x\"}", &out), OUT_CONFLICT);
	testdb_reset(T);
	assert_int_equal(archive_item_changeable(&T->cx, id), OUT_CONFLICT);
	snap(&before, HH);
	upload_start(&u, "more.pdf", "application/pdf", "%PDF-more");
	testdb_reset(T);
	assert_int_equal(archive_item_add_files(&T->cx, id, NULL, &u.file, 1, &out), OUT_CONFLICT);
	unchanged(&before, HH, 1, "files for a removed item");
	upload_end(&u);
	json_decref(reason);
	json_decref(item);
}

static void replacing_a_file_supersedes_it(void **state)
{
	(void)state;
	struct upload u;
	json_t *f = json_pack("{s:s, s:s}", "title", "协议书", "doc_type", "relocation_agreement");
	upload_start(&u, "v1.pdf", "application/pdf", "%PDF-version-1");
	json_t *item = create(HH, f, &u.file, 1, OUT_OK), *out = NULL;
	upload_end(&u);
	json_decref(f);
	int64_t id = json_integer_value(json_object_get(item, "id"));
	int64_t first = json_integer_value(json_object_get(json_array_get(
		json_object_get(item, "files"), 0), "id"));
	json_t *other = paper_item(HH, "别的", "other");

	struct snapshot before;
	snap(&before, HH);
	/* refusals: no file, a file of another item, a file id that is not a number */
	testdb_reset(T);
	assert_int_equal(archive_item_add_files(&T->cx, id, NULL, NULL, 0, &out), OUT_INVALID);
	assert_string_equal(first_error(), "required");
	json_t *bad[] = {json_pack("{s:s}", "replaces", "987654"), json_pack("{s:s}", "replaces", "x"),
			 json_pack("{s:s}", "comment", "x")};
	for (int i = 0; i < 3; i++) {
		upload_start(&u, "v2.pdf", "application/pdf", "%PDF-version-2");
		testdb_reset(T);
		assert_int_equal(archive_item_add_files(&T->cx, id, bad[i], &u.file, 1, &out),
				 OUT_INVALID);
		assert_null(out);
		unchanged(&before, HH, 1, "refused replacement");
		upload_end(&u);
		json_decref(bad[i]);
	}

	json_t *rep = json_pack("{s:s}", "replaces", "");
	json_object_set_new(rep, "replaces", json_sprintf("%lld", (long long)first));
	upload_start(&u, "v2.pdf", "application/pdf", "%PDF-version-2");
	testdb_reset(T);
	assert_int_equal(archive_item_add_files(&T->cx, id, rep, &u.file, 1, &out), OUT_OK);
	upload_end(&u);
	assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
	json_t *files = json_object_get(out, "files");
	assert_int_equal(json_array_size(files), 2);	/* the old one stays, superseded */
	assert_true(json_is_true(json_object_get(json_array_get(files, 0), "superseded")));
	assert_false(json_is_true(json_object_get(json_array_get(files, 1), "superseded")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(files, 1), "replaces")), first);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(files, 1), "item_version")), 2);
	json_decref(out);
	/* a superseded file cannot be replaced again */
	upload_start(&u, "v3.pdf", "application/pdf", "%PDF-version-3");
	testdb_reset(T);
	assert_int_equal(archive_item_add_files(&T->cx, id, rep, &u.file, 1, &out), OUT_INVALID);
	assert_string_equal(first_error(), "file_not_current");
	upload_end(&u);
	json_decref(rep);
	json_decref(other);
	json_decref(item);
}

/* ------------------------------------------------------------------ reading */

static void lists_filter_page_and_scope(void **state)
{
	(void)state;
	json_t *h = NULL, *out = NULL;
	int64_t hh = make_household("synchronous", &h);
	json_decref(h);
	json_t *made[5];
	const char *types[] = {"application", "other", "other", "media_report", "other"};
	const char *titles[] = {"申请书甲", "其他乙", "其他丙", "报道丁", "其他戊"};
	for (int i = 0; i < 5; i++)
		made[i] = paper_item(hh, titles[i], types[i]);

	struct item_filter f = {.household_id = hh, .limit = 2};
	/* pages of two, in id order, until "next" is null */
	int seen = 0;
	for (;;) {
		testdb_reset(T);
		assert_int_equal(archive_item_list(&T->cx, &f, &out), OUT_OK);
		json_t *items = json_object_get(out, "items");
		for (size_t i = 0; i < json_array_size(items); i++, seen++)
			assert_int_equal(json_integer_value(json_object_get(json_array_get(items, i), "id")),
					 json_integer_value(json_object_get(made[seen], "id")));
		json_t *next = json_object_get(out, "next");
		if (json_is_null(next)) {
			json_decref(out);
			break;
		}
		assert_int_equal(json_array_size(items), 2);
		f.after = strtoll(json_string_value(next), NULL, 10);
		json_decref(out);
	}
	assert_int_equal(seen, 5);

	struct item_filter by_type = {.household_id = hh, .doc_type = "other", .limit = 50};
	testdb_reset(T);
	assert_int_equal(archive_item_list(&T->cx, &by_type, &out), OUT_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 3);
	json_decref(out);

	struct item_filter by_title = {.household_id = hh, .q = "丙", .limit = 50};
	testdb_reset(T);
	assert_int_equal(archive_item_list(&T->cx, &by_title, &out), OUT_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(out, "items"), 0), "title")), "其他丙");
	json_decref(out);

	/* a reference code's prefix finds the items it starts: this household's 10-year ones */
	const char *code1 = json_string_value(json_object_get(made[1], "reference_code"));
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(strrchr(code1, '-') - code1 + 1), code1);
	assert_non_null(strstr(prefix, "-D10-"));
	struct item_filter by_code = {.q = prefix, .limit = 50};
	testdb_reset(T);
	assert_int_equal(archive_item_list(&T->cx, &by_code, &out), OUT_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 4);
	json_decref(out);
	/* a code's middle is not its prefix */
	struct item_filter by_middle = {.q = prefix + 7, .limit = 50};
	testdb_reset(T);
	assert_int_equal(archive_item_list(&T->cx, &by_middle, &out), OUT_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
	json_decref(out);

	/* outside the scope: no items, and no single item either */
	struct actor a = T->actor;
	a.role = ROLE_ARCHIVIST;
	snprintf(a.scope, sizeof(a.scope), "520627");
	const struct actor *saved = T->cx.actor;
	T->cx.actor = &a;
	struct item_filter all = {.limit = 1000};
	testdb_reset(T);
	assert_int_equal(archive_item_list(&T->cx, &all, &out), OUT_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
	json_decref(out);
	testdb_reset(T);
	assert_int_equal(archive_item_get(&T->cx, json_integer_value(json_object_get(made[0], "id")),
					  &out), OUT_NOT_FOUND);
	assert_null(out);
	T->cx.actor = saved;
	testdb_reset(T);
	assert_int_equal(archive_item_get(&T->cx, json_integer_value(json_object_get(made[0], "id")),
					  &out), OUT_OK);
	json_decref(out);
	for (int i = 0; i < 5; i++)
		json_decref(made[i]);
}

/* ------------------------------------------------------------------ checklist */

/* Households whose file is complete and not, read from the checklist's view. */
static int completeness(int64_t *complete, int64_t *incomplete)
{
	int rc;
	testdb_reset(T);
	*incomplete = store_one_int(T->cx.db, &rc, "SELECT count(DISTINCT household_id)"
				    " FROM checklist_missing", NULL);
	if (rc != STORE_OK)
		return rc;
	*complete = store_one_int(T->cx.db, &rc, "SELECT count(*) FROM households", NULL) -
		    *incomplete;
	return rc;
}

static int missing_count(int64_t household)
{
	testdb_reset(T);
	json_t *m = checklist_missing(&T->cx, household);
	assert_non_null(m);
	int n = (int)json_array_size(m);
	json_decref(m);
	return n;
}

static bool missing_has(int64_t household, const char *code)
{
	testdb_reset(T);
	json_t *m = checklist_missing(&T->cx, household);
	size_t i;
	json_t *v;
	bool found = false;
	json_array_foreach(m, i, v)
		found |= strcmp(json_string_value(v), code) == 0;
	json_decref(m);
	return found;
}

/* A new household lacks every type its category requires (as checklist_doc_types says);
 * an item of a type ticks it off, its removal puts it back, an optional type changes
 * nothing; and the completeness count agrees with the checklist. */
static void checklist_follows_the_items(void **state)
{
	(void)state;
	json_t *types = checklist_doc_types(&T->cx), *h = NULL;
	const char *cat[] = {"registered_poor", "synchronous"};
	for (int c = 0; c < 2; c++) {
		int64_t hh = make_household(cat[c], &h);
		json_decref(h);
		int required = 0;
		size_t i;
		json_t *t;
		json_array_foreach(types, i, t) {
			bool req = json_is_true(json_object_get(json_object_get(t, "required"), cat[c]));
			required += req;
			assert_int_equal(missing_has(hh, json_string_value(json_object_get(t, "code"))),
					 req);
		}
		assert_true(required > 0);
		assert_int_equal(missing_count(hh), required);

		int64_t complete0 = 0, incomplete0 = 0, complete = 0, incomplete = 0;
		assert_int_equal(completeness(&complete0, &incomplete0), STORE_OK);

		json_decref(paper_item(hh, "可选", "other"));	/* required of no one */
		assert_int_equal(missing_count(hh), required);
		json_t *last = NULL;
		json_array_foreach(types, i, t) {
			if (!json_is_true(json_object_get(json_object_get(t, "required"), cat[c])))
				continue;
			json_decref(last);
			last = paper_item(hh, "必需", json_string_value(json_object_get(t, "code")));
			assert_int_equal(missing_count(hh), --required);
		}
		assert_int_equal(missing_count(hh), 0);
		assert_int_equal(completeness(&complete, &incomplete), STORE_OK);
		assert_int_equal(complete, complete0 + 1);
		assert_int_equal(incomplete, incomplete0 - 1);

		/* removing the last required item makes the file incomplete again */
		json_t *reason = json_pack("{s:s}", "reason", "wrong household"), *out = NULL;
		testdb_reset(T);
		assert_int_equal(archive_item_remove(&T->cx, json_integer_value(json_object_get(last, "id")),
						     reason, &out), OUT_OK);
		json_decref(out);
		json_decref(reason);
		assert_int_equal(missing_count(hh), 1);
		assert_true(missing_has(hh, json_string_value(json_object_get(last, "doc_type"))));
		assert_int_equal(completeness(&complete, &incomplete), STORE_OK);
		assert_int_equal(complete, complete0);
		assert_int_equal(incomplete, incomplete0);
		json_decref(last);
	}
	json_decref(types);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_creates_leave_nothing),
		cmocka_unit_test(create_needs_an_open_household_in_reach),
		cmocka_unit_test(reference_codes_follow_the_rule),
		cmocka_unit_test(files_are_stored_once_and_kept),
		cmocka_unit_test(patch_needs_the_current_etag),
		cmocka_unit_test(refused_patches_change_nothing),
		cmocka_unit_test(removal_keeps_everything),
		cmocka_unit_test(replacing_a_file_supersedes_it),
		cmocka_unit_test(lists_filter_page_and_scope),
		cmocka_unit_test(checklist_follows_the_items),
	};
	return cmocka_run_group_tests(tests, setup, testdb_teardown);
}
