/* Unit tests for domain/import.c on a fresh database: values as people type them (dates in
 * every listed form and as Excel serials, ID numbers with spaces, a lower-case x, an
 * apostrophe or 15 digits, relation and other words, village codes and names within a
 * town), the head's household and the move it refuses, the same ID twice, a household's
 * rows apart, and what a dry run and a refused file leave (only the imports row). */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/idnumber.h"
#include "domain/import.h"
#include "domain/import_workbook.h"
#include "core/rowread.h"
#include "domain/search.h"
#include "tests/unit/testdb.h"

static char ids[24][19];

/* A valid Songtao ID number: 520628 + birth date + sequence + check character. */
static const char *idn(int i, const char *yyyymmdd)
{
	char first17[32];
	snprintf(first17, sizeof(first17), "520628%.8s%03d", yyyymmdd, 100 + i);
	memcpy(ids[i], first17, 17);
	ids[i][17] = idnumber_check_char(first17);
	ids[i][18] = 0;
	return ids[i];
}

static enum outcome run_csv(struct testdb *t, const char *text, bool dry, json_t **out)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/in.csv", t->dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	testdb_reset(t);
	struct import_opts o = {.kind = "households", .path = path, .file_name = "in.csv",
				.dry_run = dry, .lang = LANG_EN};
	enum outcome res = import_run(&t->cx, &o, out);
	unlink(path);
	return res;
}

static int64_t one_int(struct testdb *t, const char *sql, const char *arg)
{
	int rc;
	int64_t v = store_one_int(t->db, &rc, sql, "t", arg);
	assert_int_equal(rc, STORE_OK);
	return v;
}

static const char *one_text(struct testdb *t, const char *sql, const char *arg, char *out,
			    size_t cap)
{
	struct store_rows *r = store_query(t->db, sql, "t", arg);
	out[0] = 0;
	if (store_next(r))
		snprintf(out, cap, "%s", store_null(r, 0) ? "(null)" : store_text(r, 0));
	assert_int_equal(store_finish(r), STORE_OK);
	return out;
}

static bool has_error(json_t *result, const char *code, long row)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(result, "errors"), i, e)
		if (strcmp(json_string_value(json_object_get(e, "code")), code) == 0 &&
		    (row < 0 || json_integer_value(json_object_get(e, "row")) == row))
			return true;
	return false;
}

/* How many results of kind "person" a search finds, with the name `name` among them. */
static int found_person(struct testdb *t, const char *q, const char *name)
{
	json_t *out = NULL;
	testdb_reset(t);
	assert_int_equal(search_run(&t->cx, q, 20, &out), OUT_OK);
	size_t i;
	json_t *e;
	int n = 0;
	json_array_foreach(json_object_get(out, "results"), i, e)
		n += strcmp(json_string_value(json_object_get(e, "kind")), "person") == 0 &&
		     strcmp(json_string_value(json_object_get(e, "name")), name) == 0;
	json_decref(out);
	return n;
}

/* A first import (the file as big as the registry, here an empty one) has the indexes only
 * searches read built once at its end (store_load): afterwards they are all there and a
 * search finds the imported people by name, pinyin initials and last digits; a later,
 * smaller import maintains them row by row and its people are found as well. */
static void imported_people_are_found(void **state)
{
	struct testdb *t = *state;
	char csv[1024], last6[24];
	idn(10, "19710203");
	idn(11, "19730405");
	snprintf(csv, sizeof(csv), "姓名,身份证号,与户主关系,搬迁类型,迁出乡镇,迁出村\n"
		 "欧阳春花,%s,户主,贫困户,木树镇,冲头村\n", ids[10]);
	json_t *out = NULL;
	assert_int_equal(run_csv(t, csv, false, &out), OUT_OK);
	json_decref(out);
	static const char *const names[] = {"persons_id_reversed", "persons_initials",
		"persons_pinyin", "persons_name", "persons_phone", "persons_followup"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(one_int(t, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
					 " AND name = ?", names[i]), 1);
	assert_int_equal(found_person(t, "欧阳春花", "欧阳春花"), 1);
	assert_int_equal(found_person(t, "oych", "欧阳春花"), 1);
	snprintf(last6, sizeof(last6), "%.6s", ids[10] + 12);
	assert_int_equal(found_person(t, last6, "欧阳春花"), 1);
	assert_int_equal(one_int(t, "SELECT count(*) FROM persons INDEXED BY persons_pinyin"
				 " WHERE name_pinyin = ?", "ouyangchunhua"), 1);

	/* the registry now has a person and gets two: indexes kept row by row this time */
	snprintf(csv, sizeof(csv), "姓名,身份证号,与户主关系,搬迁类型,迁出乡镇,迁出村\n"
		 "司马秋月,%s,户主,贫困户,木树镇,冲头村\n", ids[11]);
	assert_int_equal(run_csv(t, csv, false, &out), OUT_OK);
	json_decref(out);
	assert_int_equal(found_person(t, "司马秋月", "司马秋月"), 1);
	assert_int_equal(found_person(t, "smqy", "司马秋月"), 1);
	assert_int_equal(found_person(t, "欧阳春花", "欧阳春花"), 1);
}

static void values_as_people_type_them(void **state)
{
	struct testdb *t = *state;
	char csv[4096], got[64], fifteen[16];
	idn(0, "19700101");
	idn(1, "19720304");
	idn(2, "20000101");
	idn(3, "19650101");
	idn(4, "19660101");
	/* a 15-digit number: the 18-digit one without the century and the check character */
	snprintf(fifteen, sizeof(fifteen), "520628%.6s%.3s", ids[4] + 8, ids[4] + 14);
	char lower[19];
	snprintf(lower, sizeof(lower), "%s", ids[1]);
	if (lower[17] == 'X')
		lower[17] = 'x';
	snprintf(csv, sizeof(csv),
		 "姓名,身份证号,与户主关系,性别,搬迁类型,迁出乡镇,迁出村,搬迁日期,出生日期,民族,文化程度\n"
		 "甲,'%s,本人,女性,贫困户,木树镇,冲头村,2019年5月1日,1970.1.1,汉,文盲\n"
		 "乙,%s,妻,,,,,,,苗,中专\n"
		 "丙,%.6s %.8s %.4s,长子,,,,,,2000/1/1,,\n"
		 "丁,%s,户主,,同步搬迁户,,520628116204,43586,,其他族,\n"
		 "戊,%s,户主,,建档立卡贫困户,520628116,冲头村,20200102,,,\n",
		 ids[0], lower, ids[2], ids[2] + 6, ids[2] + 14, ids[3], fifteen);
	json_t *out = NULL;
	enum outcome res = run_csv(t, csv, false, &out);
	assert_non_null(out);
	if (res != OUT_OK) {
		char *dump = json_dumps(json_object_get(out, "errors"), JSON_INDENT(1));
		print_message("%s\n", dump);
		free(dump);
	}
	assert_int_equal(res, OUT_OK);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(out,
		"counts"), "households"), "create")), 3);
	json_decref(out);

	assert_string_equal(one_text(t, "SELECT relation FROM persons WHERE id_number = ?", ids[0],
				     got, sizeof(got)), "head");
	assert_string_equal(one_text(t, "SELECT education FROM persons WHERE id_number = ?", ids[0],
				     got, sizeof(got)), "none");
	assert_string_equal(one_text(t, "SELECT ethnicity FROM persons WHERE id_number = ?", ids[0],
				     got, sizeof(got)), "han");
	assert_string_equal(one_text(t, "SELECT relation FROM persons WHERE id_number = ?", ids[1],
				     got, sizeof(got)), "spouse");
	assert_string_equal(one_text(t, "SELECT education FROM persons WHERE id_number = ?", ids[1],
				     got, sizeof(got)), "vocational");
	assert_string_equal(one_text(t, "SELECT relation FROM persons WHERE id_number = ?", ids[2],
				     got, sizeof(got)), "son");
	assert_string_equal(one_text(t, "SELECT h.relocation_date FROM households h JOIN persons p"
				     " ON p.household_id = h.id WHERE p.id_number = ?", ids[0], got,
				     sizeof(got)), "2019-05-01");
	/* Excel's serial 43586 is 2019-05-01; a village given by its code */
	assert_string_equal(one_text(t, "SELECT h.relocation_date FROM households h JOIN persons p"
				     " ON p.household_id = h.id WHERE p.id_number = ?", ids[3], got,
				     sizeof(got)), "2019-05-01");
	assert_string_equal(one_text(t, "SELECT ethnicity FROM persons WHERE id_number = ?", ids[3],
				     got, sizeof(got)), "other");
	/* the 15-digit number became the 18-digit one; the town given by its code */
	assert_int_equal(one_int(t, "SELECT count(*) FROM persons WHERE id_number = ?", ids[4]), 1);
	assert_string_equal(one_text(t, "SELECT h.relocation_date FROM households h JOIN persons p"
				     " ON p.household_id = h.id WHERE p.id_number = ?", ids[4], got,
				     sizeof(got)), "2020-01-02");
	assert_int_equal(one_int(t, "SELECT count(*) FROM persons WHERE household_id ="
				 " (SELECT household_id FROM persons WHERE id_number = ?)", ids[0]), 3);
}

static void a_move_twice_and_apart_are_refused(void **state)
{
	struct testdb *t = *state;
	char csv[2048];
	int64_t persons = one_int(t, "SELECT count(*) FROM persons WHERE ? = ''", "");
	int64_t imports = one_int(t, "SELECT count(*) FROM imports WHERE ? = ''", "");
	/* ids[1] lives with ids[0]; listed under a new head it would be a move */
	idn(5, "19800101");
	idn(6, "19810101");
	idn(7, "19820101");
	snprintf(csv, sizeof(csv),
		 "户编号,姓名,身份证号,与户主关系,搬迁类型,迁出乡镇,迁出村\n"
		 "A1,己,%s,户主,贫困户,木树镇,冲头村\n"
		 "A1,乙,%s,配偶,,,\n"
		 "B1,庚,%s,户主,贫困户,木树镇,冲头村\n"
		 "B1,辛,%s,子,,,\n"
		 "A1,壬,%s,女,,,\n",
		 ids[5], ids[1], ids[6], ids[6], ids[7]);
	json_t *out = NULL;
	assert_int_equal(run_csv(t, csv, false, &out), OUT_INVALID);
	assert_true(has_error(out, "import_in_other_household", 3));
	assert_true(has_error(out, "import_id_twice", 5));
	assert_true(has_error(out, "import_rows_apart", 6));
	assert_string_equal(json_string_value(json_object_get(out, "status")), "failed");
	json_decref(out);
	assert_int_equal(one_int(t, "SELECT count(*) FROM persons WHERE ? = ''", ""), persons);
	/* the scratch was a temporary table, gone with the run */
	assert_int_equal(one_int(t, "SELECT count(*) FROM sqlite_temp_master WHERE name = ?",
				 "import_seen"), 0);
	assert_int_equal(one_int(t, "SELECT count(*) FROM imports WHERE ? = ''", ""), imports + 1);
}

static void a_dry_run_and_a_refused_file_keep_only_the_record(void **state)
{
	struct testdb *t = *state;
	char csv[1024];
	int64_t persons = one_int(t, "SELECT count(*) FROM persons WHERE ? = ''", "");
	int64_t households = one_int(t, "SELECT count(*) FROM households WHERE ? = ''", "");
	idn(8, "19900101");
	/* a title above the header, as ledgers often have */
	snprintf(csv, sizeof(csv), "松桃县易地扶贫搬迁户台账,,,,,\n"
		 "姓名,身份证号,与户主关系,搬迁类型,迁出乡镇,迁出村\n"
		 "癸,%s,户主,贫困户,木树镇,冲头村\n", ids[8]);
	json_t *out = NULL;
	assert_int_equal(run_csv(t, csv, true, &out), OUT_OK);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "checked");
	assert_int_equal(json_integer_value(json_object_get(out, "rows")), 1);
	assert_int_equal(json_array_size(json_object_get(out, "ignored_sheets")), 0);
	json_decref(out);
	assert_int_equal(one_int(t, "SELECT count(*) FROM persons WHERE ? = ''", ""), persons);
	assert_int_equal(one_int(t, "SELECT count(*) FROM households WHERE ? = ''", ""), households);
	assert_int_equal(one_int(t, "SELECT count(*) FROM imports WHERE status = ?", "checked"), 1);
	/* a text file with a NUL byte is no table */
	char path[400];
	snprintf(path, sizeof(path), "%s/bin.csv", t->dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite("a,b\n\0\1\2", 1, 7, f);
	fclose(f);
	testdb_reset(t);
	struct import_opts o = {.kind = "households", .path = path, .file_name = "bin.csv"};
	assert_int_equal(import_run(&t->cx, &o, &out), OUT_INVALID);
	assert_true(has_error(out, "import_not_table", -1));
	json_decref(out);
	unlink(path);
	assert_int_equal(one_int(t, "SELECT count(*) FROM persons WHERE ? = ''", ""), persons);
}

/* Is document (kind, id) among what the search index finds for `q`? */
static bool indexed(struct testdb *t, const char *q, enum store_doc kind, int64_t id)
{
	struct store_hit hits[50];
	int n = 0;
	assert_int_equal(store_index_find(t->db, q, 50, hits, &n), STORE_OK);
	for (int i = 0; i < n; i++)
		if (hits[i].kind == kind && hits[i].id == id)
			return true;
	return false;
}

/* An import's search entries are queued and written together at its end (store_load):
 * the people and the household it created are in the index then, found by part of a name
 * and by the household's village; a later import that renames someone replaces the entry
 * (the old name is no longer found, the new one is), and nothing is left queued. */
static void the_search_entries_written_at_the_end_are_found(void **state)
{
	struct testdb *t = *state;
	char csv[1024];
	idn(12, "19750607");
	idn(13, "19770809");
	snprintf(csv, sizeof(csv), "姓名,身份证号,与户主关系,搬迁类型,迁出乡镇,迁出村\n"
		 "端木晓岚,%s,户主,贫困户,木树镇,冲头村\n"
		 "端木青禾,%s,子,,,\n", ids[12], ids[13]);
	json_t *out = NULL;
	assert_int_equal(run_csv(t, csv, false, &out), OUT_OK);
	json_decref(out);
	int64_t head = one_int(t, "SELECT id FROM persons WHERE id_number = ?", ids[12]);
	int64_t son = one_int(t, "SELECT id FROM persons WHERE id_number = ?", ids[13]);
	int64_t hh = one_int(t, "SELECT household_id FROM persons WHERE id_number = ?", ids[12]);
	assert_true(indexed(t, "晓岚", STORE_DOC_PERSON, head));
	assert_true(indexed(t, "青禾", STORE_DOC_PERSON, son));
	assert_true(indexed(t, "冲头", STORE_DOC_HOUSEHOLD, hh));
	/* the son renamed by a second file: his entry replaced */
	snprintf(csv, sizeof(csv), "姓名,身份证号,与户主关系\n"
		 "端木晓岚,%s,户主\n"
		 "端木松涛,%s,子\n", ids[12], ids[13]);
	assert_int_equal(run_csv(t, csv, false, &out), OUT_OK);
	json_decref(out);
	assert_false(indexed(t, "青禾", STORE_DOC_PERSON, son));
	assert_true(indexed(t, "松涛", STORE_DOC_PERSON, son));
	assert_true(indexed(t, "晓岚", STORE_DOC_PERSON, head));
	assert_int_equal(one_int(t, "SELECT count(*) FROM sqlite_temp_master WHERE name = ?",
				 "load_search"), 0);
}

/* Between the check and the write someone else writes (here, at the check's last progress
 * report, through another connection): the write pass sees the database changed and checks
 * every row again. An unrelated write changes nothing of the outcome; a person of the file
 * registered meanwhile in another household is that row's error, and nothing is written. */
struct race {
	struct testdb *t;
	const char *id_number;	/* the person the other connection registers */
	bool done;
};

static void race_write(void *arg, const char *phase, long rows, long errors)
{
	struct race *rc = arg;
	(void)rows;
	(void)errors;
	if (rc->done || strcmp(phase, "check") != 0)
		return;
	rc->done = true;
	char err[200];
	struct store_conn *other = store_connect(rc->t->store, err, sizeof(err));
	assert_non_null(other);
	assert_int_equal(store_begin(other), STORE_OK);
	assert_int_equal(store_exec(other, "INSERT INTO households (number, category, status,"
		" origin_village, created_at, updated_at) VALUES (?, 'registered_poor', 'planned',"
		" '520628116204', 'now', 'now')", "t", rc->id_number + 2), STORE_OK);
	int64_t hid = store_last_id(other);
	char rev[19];
	for (int i = 0; i < 18; i++)
		rev[i] = rc->id_number[17 - i];
	rev[18] = 0;
	assert_int_equal(store_exec(other, "INSERT INTO persons (household_id, id_number,"
		" id_reversed, name, name_initials, name_pinyin, gender, birth_date, relation,"
		" created_at, updated_at) VALUES (?, ?, ?, '他人', 'tr', 'taren', 'male',"
		" '1970-01-01', 'head', 'now', 'now')", "itt", hid, rc->id_number, rev), STORE_OK);
	assert_int_equal(store_commit(other), STORE_OK);
	store_disconnect(other);
}

static enum outcome run_raced(struct testdb *t, const char *csv, struct race *race, json_t **out)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/raced.csv", t->dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(csv, f);
	fclose(f);
	testdb_reset(t);
	struct import_opts o = {.kind = "households", .path = path, .file_name = "raced.csv",
				.lang = LANG_EN, .progress = race_write, .progress_arg = race};
	enum outcome res = import_run(&t->cx, &o, out);
	unlink(path);
	return res;
}

static void a_write_between_the_passes_is_seen(void **state)
{
	struct testdb *t = *state;
	char csv[1024], other[19];
	idn(14, "19810101");
	idn(15, "19830303");
	snprintf(other, sizeof(other), "%s", idn(9, "19600101"));	/* nobody of the file */
	snprintf(csv, sizeof(csv), "姓名,身份证号,与户主关系,搬迁类型,迁出乡镇,迁出村\n"
		 "赫连一,%s,户主,贫困户,木树镇,冲头村\n"
		 "赫连二,%s,配偶,,,\n", ids[14], ids[15]);
	int64_t persons = one_int(t, "SELECT count(*) FROM persons WHERE ? = ''", "");
	struct race race = {.t = t, .id_number = other};
	json_t *out = NULL;
	assert_int_equal(run_raced(t, csv, &race, &out), OUT_OK);
	assert_true(race.done);
	json_decref(out);
	assert_int_equal(one_int(t, "SELECT count(*) FROM persons WHERE ? = ''", ""), persons + 3);
	assert_int_equal(one_int(t, "SELECT count(*) FROM persons WHERE household_id ="
				 " (SELECT household_id FROM persons WHERE id_number = ?)", ids[14]), 2);

	/* now the other connection registers the file's own second person elsewhere */
	idn(16, "19850505");
	idn(17, "19870707");
	snprintf(csv, sizeof(csv), "姓名,身份证号,与户主关系,搬迁类型,迁出乡镇,迁出村\n"
		 "呼延一,%s,户主,贫困户,木树镇,冲头村\n"
		 "呼延二,%s,配偶,,,\n", ids[16], ids[17]);
	race = (struct race){.t = t, .id_number = ids[17]};
	assert_int_equal(run_raced(t, csv, &race, &out), OUT_INVALID);
	assert_true(race.done);
	assert_true(has_error(out, "import_in_other_household", 3));
	json_decref(out);
	assert_int_equal(one_int(t, "SELECT count(*) FROM persons WHERE ? = ''", ""), persons + 4);
	assert_int_equal(one_int(t, "SELECT count(*) FROM persons WHERE id_number = ?", ids[16]), 0);
}

/* The file changed on disk while the write read it (here, at its last progress report):
 * not what the check read, so nothing is written and the run says why. */
static void touch_file(void *arg, const char *phase, long rows, long errors)
{
	struct race *rc = arg;
	(void)rows;
	(void)errors;
	if (rc->done || strcmp(phase, "write") != 0)
		return;
	rc->done = true;
	char path[400];
	snprintf(path, sizeof(path), "%s/raced.csv", rc->t->dir);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("\n", f);
	fclose(f);
}

static void a_file_changed_during_the_write_writes_nothing(void **state)
{
	struct testdb *t = *state;
	char csv[1024], path[400];
	idn(18, "19890909");
	snprintf(csv, sizeof(csv), "姓名,身份证号,与户主关系,搬迁类型,迁出乡镇,迁出村\n"
		 "慕容一,%s,户主,贫困户,木树镇,冲头村\n", ids[18]);
	snprintf(path, sizeof(path), "%s/raced.csv", t->dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(csv, f);
	fclose(f);
	testdb_reset(t);
	struct race race = {.t = t};
	struct import_opts o = {.kind = "households", .path = path, .file_name = "raced.csv",
				.lang = LANG_EN, .progress = touch_file, .progress_arg = &race};
	json_t *out = NULL;
	assert_int_equal(import_run(&t->cx, &o, &out), OUT_INVALID);
	unlink(path);
	assert_true(race.done);
	assert_true(has_error(out, "import_file_changed", -1));
	assert_string_equal(json_string_value(json_object_get(out, "status")), "failed");
	json_decref(out);
	assert_int_equal(one_int(t, "SELECT count(*) FROM persons WHERE id_number = ?", ids[18]), 0);
	assert_true(testdb_in_both_catalogues("import_file_changed"));
}

/* The cells of the errors workbook's row `number` (1-based) of its first sheet, by rowread. */
static void read_row(const char *path, long number, char cells[][200], int *n)
{
	enum rowread_status st;
	struct rowread *rr = rowread_open(path, 0, &st);
	assert_non_null(rr);
	struct rowread_row row;
	*n = -1;
	while (rowread_next(rr, &row) == ROWREAD_OK)
		if (row.sheet == 0 && row.number == number) {
			*n = row.ncells;
			for (int c = 0; c < row.ncells && c < 12; c++)
				snprintf(cells[c], 200, "%s", row.cells[c].text);
			break;
		}
	rowread_close(rr);
}

/* Rows past the detailed errors are marked from the compact record, in row order whatever
 * order they were found in; more than it holds is said at the top; an existing file is
 * never written over. */
static void errors_workbook_marks_every_row_in_error(void **state)
{
	struct testdb *t = *state;
	char in[400], out[400], cells[12][200];
	int n;
	snprintf(in, sizeof(in), "%s/marks.csv", t->dir);
	snprintf(out, sizeof(out), "%s/marks-errors.xlsx", t->dir);
	unlink(out);
	FILE *f = fopen(in, "w");
	assert_non_null(f);
	fputs("姓名,身份证号码\n甲,1\n乙,2\n丙,3\n丁,4\n", f);
	fclose(f);
	json_t *result = json_pack("{s:[{s:s, s:i, s:s, s:s}]}", "errors", "sheet", "", "row", 2,
				   "field", "姓名", "message", "M2");
	struct import_marks m = {0};
	import_workbook_mark(&m, 0, 4, "身份证号码", "required");
	import_workbook_mark(&m, 0, 4, "姓名", "required");	/* the row's first error only */
	import_workbook_mark(&m, 0, 3, NULL, NULL);	/* found after row 4: a group's */
	m.overflow = true;
	assert_int_equal(import_workbook_errors(in, result, &m, LANG_EN, out), 0);
	read_row(out, 1, cells, &n);
	assert_int_equal(n, 4);
	assert_string_equal(cells[2], "Error");
	assert_non_null(strstr(cells[3], "only the first 3 are marked"));
	read_row(out, 2, cells, &n);
	assert_int_equal(n, 3);
	assert_string_equal(cells[2], "姓名: M2");
	read_row(out, 3, cells, &n);
	assert_string_equal(cells[2], "This row is in error.");
	read_row(out, 4, cells, &n);
	assert_string_equal(cells[2], "身份证号码: This field is required.");
	read_row(out, 5, cells, &n);
	assert_int_equal(n, 2);	/* a good row: no error cell */
	/* an existing file, the input above all, is left as it was */
	struct stat before, after;
	assert_int_equal(stat(in, &before), 0);
	assert_int_equal(import_workbook_errors(in, result, &m, LANG_EN, in), -2);
	assert_int_equal(stat(in, &after), 0);
	assert_int_equal(before.st_size, after.st_size);
	assert_int_equal(before.st_mtime, after.st_mtime);
	read_row(in, 2, cells, &n);
	assert_string_equal(cells[0], "甲");
	/* the header's own errors (a missing column) beside it */
	json_array_append_new(json_object_get(result, "errors"), json_pack("{s:s, s:i, s:s, s:s}",
			      "sheet", "", "row", 1, "field", "户编号", "message", "H1"));
	char out2[400];
	snprintf(out2, sizeof(out2), "%s/marks-errors2.xlsx", t->dir);
	unlink(out2);
	assert_int_equal(import_workbook_errors(in, result, NULL, LANG_EN, out2), 0);
	read_row(out2, 1, cells, &n);
	assert_int_equal(n, 4);
	assert_string_equal(cells[3], "户编号: H1");
	read_row(out2, 2, cells, &n);
	assert_string_equal(cells[2], "姓名: M2");
	read_row(out2, 4, cells, &n);
	assert_int_equal(n, 2);	/* no marks given: nothing past the detailed errors */
	import_workbook_marks_free(&m);
	json_decref(result);
	assert_true(testdb_in_both_catalogues("import_errors_unmarked"));
	assert_true(testdb_in_both_catalogues("import_row_error"));
	assert_true(testdb_in_both_catalogues("import_errors_exists"));
}

/* The compact record stops at IMPORT_MARKS_MAX rows and says so. */
static void marks_are_bounded(void **state)
{
	(void)state;
	struct import_marks m = {0};
	for (long row = 2; row < IMPORT_MARKS_MAX + 10; row++)
		import_workbook_mark(&m, 0, row, "姓名", "required");
	assert_int_equal(m.n, IMPORT_MARKS_MAX);
	assert_true(m.overflow);
	assert_int_equal(m.nlabels, 1);
	import_workbook_marks_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(imported_people_are_found),	/* first: on the empty registry */
		cmocka_unit_test(values_as_people_type_them),
		cmocka_unit_test(a_move_twice_and_apart_are_refused),
		cmocka_unit_test(a_dry_run_and_a_refused_file_keep_only_the_record),
		cmocka_unit_test(the_search_entries_written_at_the_end_are_found),
		cmocka_unit_test(a_write_between_the_passes_is_seen),
		cmocka_unit_test(a_file_changed_during_the_write_writes_nothing),
		cmocka_unit_test(errors_workbook_marks_every_row_in_error),
		cmocka_unit_test(marks_are_bounded),
	};
	return cmocka_run_group_tests(tests, testdb_setup, testdb_teardown);
}
