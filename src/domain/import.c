/* import: households with their members from CSV and XLSX, all or nothing (issue 14). */
#include "domain/import.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/idnumber.h"
#include "core/msg.h"
#include "core/rowpipe.h"
#include "core/rowread.h"
#include "domain/archive.h"
#include "domain/audit.h"
#include "domain/household.h"
#include "domain/household_guard.h"
#include "domain/import_column.h"
#include "domain/import_workbook.h"
#include "domain/lookup.h"
#include "domain/person.h"
#include "domain/privacy.h"
#include "domain/tx.h"
#include "store/blobstore.h"

/* ---------------------------------------------------------------- the run's state */

struct counts {
	long create, update, unchanged, error;
};

/* One row as read: the values by field, already in the API's form where they could be. */
struct irow {
	int sheet;
	long number;
	const char *v[NF];
	const char *raw[NF];	/* as typed, where v is made from it (a code, a date, an ID
				 * number, a division): what an error shows; else NULL */
	bool bad;
};

#define GROUP_MAX 30

/* Where a sheet's reading stands, for either kind of sheet. */
struct sheet_head {
	bool done;		/* its header row has been read */
	bool skip;		/* a sheet of something else (instructions, a list): no column known */
	int title_rows;		/* rows above the header that name no column (a title) */
};

struct sheet_map {
	int col[NF];		/* column index per field, -1 when absent */
	int rank[NF];
	char *label[NF];	/* the header as the user wrote it */
	struct sheet_head head;
	long header_row;
};

/* The columns of a ledger's sheet: [0] ID number, [1] name, [2 + i] the ledger's field i. */
#define LCOLS (IMPORT_LEDGER_FIELDS + 2)
struct ledger_map {
	int col[LCOLS];
	char *label[LCOLS];
	struct sheet_head head;
};

struct run {
	struct ctx *cx;
	const struct import_opts *o;
	struct rowpipe *rp;	/* the file, read on a second thread */
	int64_t import_id;
	char detail[32];
	json_t *errors;		/* [{sheet, row, column, field, code, message, value}] */
	long errors_total;
	struct import_marks marks;	/* rows in error beyond the errors kept in detail */
	long rows;
	struct counts hh, pp;
	json_t *first;		/* {create: [], update: [], unchanged: [], error: []} */
	json_t *cache;		/* division look-ups by name */
	json_t *options;	/* coded columns' values as written -> their codes ("" none) */
	struct sheet_map *maps;
	int nmaps;
	json_t *ignored;
	json_t *ignored_sheets;	/* names of the sheets skipped */
	/* the row being read (rarena) and the household being gathered (garena) */
	struct arena rarena, garena;
	struct arena farena;	/* a household's writing (flush_group), emptied after each */
	struct irow group[GROUP_MAX + 1];
	int ngroup;
	bool group_overflow;
	char gkey[128];
	int grouping;		/* F_NUMBER, F_HEAD_ID or -1 (by order) */
	bool failed;		/* a store failure: the run stops */
	enum outcome fail_res;
	bool write;		/* the second pass, in the write transaction; else a check */
	/* the write pass of a file the check found all new, nobody having written since: the
	 * look-ups the check made (who is known, which keys the file repeats) are not made
	 * again, since they would find the same (ctx.checked) */
	bool fresh;
	int64_t version;	/* the check's store_data_version */
	json_t *mapping;	/* squeezed header -> mapping key: remembered, then the user's */
	/* the field changes of the household being updated, while first.update has room */
	json_t *changes;
	/* people found in a household the actor may not see: each answer "taken" is a probe,
	 * audited as the API's creations audit theirs (person_probes_audit) */
	struct id_probes probes;
	/* a follow-up ledger's import (jobs, trainings, guarantees) */
	const struct ledger *ledger;
	struct ledger_map *lmaps;
	struct counts rowc;
};

static const char *sheet_label(struct run *r, int sheet)
{
	const struct rowread_sheet *s = rowpipe_sheet(r->rp, sheet);
	return s && s->name ? s->name : "";
}

/* Records an error at a column (col -1: the row; row 0: the sheet; sheet -1: the file). */
static void add_error_at(struct run *r, int sheet, long row, int col, const char *label,
			 const char *code, const char *value)
{
	r->errors_total++;
	if (json_array_size(r->errors) >= IMPORT_MAX_ERRORS) {
		import_workbook_mark(&r->marks, sheet, row, label, code);
		return;
	}
	char letters[8] = "";
	if (col >= 0)
		rowread_column_name(col, letters);
	char shown[200] = "";
	if (value)
		snprintf(shown, sizeof(shown), "%.64s", value);
	json_array_append_new(r->errors, json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s}",
		"sheet", sheet >= 0 ? sheet_label(r, sheet) : "", "row", (json_int_t)row,
		"column", letters, "field", label ? label : "", "code", code,
		"message", msg_get(r->o->lang, code), "value", shown));
}

/* Records an error on a row's field of the households columns (field -1: the row). */
static void add_error(struct run *r, int sheet, long row, int field, const char *code,
		      const char *value)
{
	int col = -1;
	const char *label = "";
	if (field >= 0 && sheet >= 0 && sheet < r->nmaps && r->maps) {
		col = r->maps[sheet].col[field];
		label = r->maps[sheet].label[field] ? r->maps[sheet].label[field]
			: import_column_defs[field].words[0];
	} else if (field >= 0)
		label = import_column_defs[field].words[0];
	add_error_at(r, sheet, row, col, label, code, value);
}

static void note_first(struct run *r, const char *which, const struct irow *head, int members)
{
	json_t *arr = json_object_get(r->first, which);
	if (json_array_size(arr) >= IMPORT_FIRST_ROWS)
		return;
	json_t *row = json_pack("{s:s, s:I, s:s?, s:s?, s:i}", "sheet",
		sheet_label(r, head->sheet), "row", (json_int_t)head->number,
		"name", head->v[F_NAME], "number", head->v[F_NUMBER], "members", members);
	if (strcmp(which, "update") == 0 && r->changes)
		json_object_set(row, "changes", r->changes);
	json_array_append_new(arr, row);
}

/* Are the changes of this household worth gathering (will note_first keep them)? */
static bool changes_wanted(struct run *r)
{
	return json_array_size(json_object_get(r->first, "update")) < IMPORT_FIRST_ROWS;
}

/* One field's change, as the preview shows it: coded values in words of the answer's
 * language (the codes are what the record keeps; the words what the user typed). */
static void note_change(struct run *r, long row, const char *field, const char *was,
			const char *now)
{
	char key[96];
	const char *words[2] = {was, now};
	for (int f = 0; f < NF; f++)
		if (strcmp(import_column_key(NULL, f), field) == 0 && import_column_defs[f].prefix)
			for (int k = 0; k < 2; k++)
				if (words[k]) {
					snprintf(key, sizeof(key), "%s%s", import_column_defs[f].prefix,
						 words[k]);
					words[k] = msg_get(r->o->lang, key);
				}
	if (!r->changes)
		r->changes = json_array();
	json_array_append_new(r->changes, json_pack("{s:I, s:s, s:s?, s:s?}", "row",
		(json_int_t)row, "field", field, "was", words[0], "now", words[1]));
}

/* An ID number as typed: spaces and a leading apostrophe dropped, x upper-cased; a number
 * Excel stored in floating point (5.20628E+17) is refused (rounded: the digits are lost). */
static const char *parse_id(struct run *r, const struct rowread_cell *c, bool *rounded)
{
	char v[64], wide[96];
	*rounded = false;
	/* full-width digits and Ｘ, as an input method may give them, made ASCII first */
	import_column_squeeze(lookup_clean(c->text, wide, sizeof(wide)) ? wide : c->text, v,
			      sizeof(v), false);
	const char *s = v[0] == '\'' ? v + 1 : v;
	size_t n = strlen(s);
	bool digits = strspn(s, "0123456789") == n;
	if (c->kind == ROWREAD_NUMBER || c->kind == ROWREAD_DATE) {
		if (!(digits && n == 15)) {	/* only a 15-digit number survives as a number */
			*rounded = true;
			return NULL;
		}
	} else if (strpbrk(s, "eE") && strspn(s, "0123456789.eE+-") == n && n > 2) {
		*rounded = true;
		return NULL;
	}
	char *out = arena_strdup(&r->rarena, s);
	for (char *p = out; p && *p; p++)
		if (*p == 'x')
			*p = 'X';
	return out;
}

/* A division by name (or code) at a level, within parent (""); "" unknown, "?" several. */
static const char *division_by_name(struct run *r, const char *name, int level,
				    const char *parent)
{
	char key[400];
	snprintf(key, sizeof(key), "%d|%s|%s", level, parent, name);
	json_t *hit = json_object_get(r->cache, key);
	if (hit)
		return json_string_value(hit);
	size_t want = level == 4 ? 9 : 12;
	const char *found = "";
	char first[16] = "";
	if (strlen(name) == want && strspn(name, "0123456789") == want) {
		found = name;	/* a code: the household's own validation checks it */
	} else {
		char lo[16], hi[17];
		snprintf(lo, sizeof(lo), "%s", parent);
		snprintf(hi, sizeof(hi), "%s:", parent);
		struct store_rows *q = store_query(r->cx->db, "SELECT code FROM divisions"
			" WHERE level = ? AND (name = ? OR short_name = ?)"
			" AND (? = '' OR (code >= ? AND code < ?)) ORDER BY code LIMIT 2",
			"ittttt", (int64_t)level, name, name, lo, lo, hi);
		int n = 0;
		while (store_next(q))
			if (n++ == 0)
				snprintf(first, sizeof(first), "%s", store_text(q, 0));
		if (store_finish(q) != STORE_OK) {
			r->failed = true;
			r->fail_res = OUT_INTERNAL;
		}
		found = n == 1 ? first : n > 1 ? "?" : "";
		if (n == 0 && level == 5 && !*parent) {
			/* a resettlement site's name stands for its community */
			q = store_query(r->cx->db, "SELECT community_code FROM sites WHERE name = ?",
					"t", name);
			if (store_next(q))
				snprintf(first, sizeof(first), "%s", store_text(q, 0)), found = first;
			store_finish(q);
		}
	}
	json_object_set_new(r->cache, key, json_string(found));
	return json_string_value(json_object_get(r->cache, key));
}

/* The most values of coded columns remembered (a file has a few dozen: 苗族, 户主, ...);
 * past it, each further value is looked up anew, so memory stays bounded. */
#define OPTIONS_REMEMBERED 4096

/* import_column_option of a coded column's value, remembered for the run: matching a
 * value against every option's words in every language is most of reading a row. */
static const char *option_of(struct run *r, int f, const char *text)
{
	char key[600];
	size_t n = strlen(text);	/* "f|text", without printf: a few values a row */
	if (n > sizeof(key) - 8)
		n = sizeof(key) - 8;
	int at = 0;
	if (f >= 10)
		key[at++] = (char)('0' + f / 10 % 10);
	key[at++] = (char)('0' + f % 10);
	key[at++] = '|';
	memcpy(key + at, text, n);
	key[at + n] = '\0';
	json_t *hit = json_object_get(r->options, key);
	if (hit)
		return *json_string_value(hit) ? json_string_value(hit) : NULL;
	const char *code = import_column_option(&import_column_defs[f], text);
	if (json_object_size(r->options) < OPTIONS_REMEMBERED)
		json_object_set_new(r->options, key, json_string(code ? code : ""));
	return code;	/* a static string of the column's options */
}

/* Reads one data row into *ir by the sheet's columns, noting every bad value. */
static void parse_row(struct run *r, const struct sheet_map *m, const struct rowread_row *row,
		      struct irow *ir)
{
	memset(ir, 0, sizeof(*ir));
	ir->sheet = row->sheet;
	ir->number = row->number;
	const char *town = "";
	for (int f = 0; f < NF; f++) {
		int col = m->col[f];
		if (col < 0 || col >= row->ncells)
			continue;
		const struct rowread_cell *c = &row->cells[col];
		const struct import_column *def = &import_column_defs[f];
		if (c->formula) {	/* a formula's value is not what someone typed */
			add_error(r, row->sheet, row->number, f, "import_formula", NULL);
			ir->bad = true;
			continue;
		}
		if (c->kind == ROWREAD_EMPTY)
			continue;
		char v[512];	/* squeezed: only names of divisions are looked up so */
		if (def->type == 'w' || def->type == 'v' || def->type == 'c')
			import_column_squeeze(c->text, v, sizeof(v), false);
		if (def->type != 't')
			ir->raw[f] = c->text;
		switch (def->type) {
		case 'o': {
			const char *code = option_of(r, f, c->text);
			if (!code) {
				add_error(r, row->sheet, row->number, f, "import_bad_option", c->text);
				ir->bad = true;
			}
			ir->v[f] = code;
			break;
		}
		case 'd': {
			char d[11];
			if (!import_column_date(c, rowpipe_date1904(r->rp), d)) {
				add_error(r, row->sheet, row->number, f, "import_bad_date", c->text);
				ir->bad = true;
			} else
				ir->v[f] = arena_strdup(&r->rarena, d);
			break;
		}
		case 'i': {
			bool rounded;
			ir->v[f] = parse_id(r, c, &rounded);
			if (rounded) {
				add_error(r, row->sheet, row->number, f, "import_id_rounded", c->text);
				ir->bad = true;
			}
			break;
		}
		case 'w':
			town = division_by_name(r, v, 4, "");
			if (!*town || *town == '?') {
				add_error(r, row->sheet, row->number, f, *town ? "import_town_ambiguous"
					  : "import_unknown_town", c->text);
				ir->bad = true;
				town = "";
			}
			ir->v[f] = arena_strdup(&r->rarena, town);
			break;
		case 'v':
		case 'c':
			/* resolved after the town, below */
			ir->v[f] = arena_strdup(&r->rarena, v);
			break;
		default:
			/* text as typed, trimmed at the ends only */
			{
				const char *s = c->text;
				while (*s == ' ')
					s++;
				size_t n = strlen(s);
				while (n && s[n - 1] == ' ')
					n--;
				ir->v[f] = arena_strndup(&r->rarena, s, n);
			}
		}
	}
	if (ir->v[F_ORIGIN_VILLAGE]) {
		const char *code = division_by_name(r, ir->v[F_ORIGIN_VILLAGE], 5, town);
		if (!*code || *code == '?') {
			add_error(r, row->sheet, row->number, F_ORIGIN_VILLAGE, *code
				  ? "import_village_ambiguous" : "import_unknown_village",
				  ir->v[F_ORIGIN_VILLAGE]);
			ir->bad = true;
		} else
			ir->v[F_ORIGIN_VILLAGE] = arena_strdup(&r->rarena, code);
	}
	if (ir->v[F_DEST]) {
		const char *code = division_by_name(r, ir->v[F_DEST], 5, "");
		if (!*code || *code == '?') {
			add_error(r, row->sheet, row->number, F_DEST, *code
				  ? "import_village_ambiguous" : "import_unknown_community",
				  ir->v[F_DEST]);
			ir->bad = true;
		} else
			ir->v[F_DEST] = arena_strdup(&r->rarena, code);
	}
	if (!ir->v[F_ID] && !ir->bad) {
		add_error(r, row->sheet, row->number, F_ID, "required", NULL);
		ir->bad = true;
	}
}

/* ---------------------------------------------------------------- one household */

static json_t *member_json(const struct irow *ir)
{
	json_t *m = json_object();
	for (int f = F_ID; f < NF; f++)
		if (ir->v[f])
			json_object_set_new(m, import_column_defs[f].field, json_string(ir->v[f]));
	return m;
}

/* Is the number in the file anju's own number of a household from that village (its
 * 12-digit code and four or more digits)? Only then does a new household take it: any other
 * number (a town's 001, 002, ...) groups the file's rows and no more, since anju's
 * numbers are unique in the whole county and two towns' files may both start at 001. */
static bool anju_number(const char *number, const char *village)
{
	size_t n = number ? strlen(number) : 0;	/* four digits, more past a village's 9,999th */
	return village && n >= 16 && n <= 20 && strspn(number, "0123456789") == n &&
	       strncmp(number, village, 12) == 0;
}

/* A household's field: the head's row's value, or the first row's that has one. */
static const char *household_value(const struct irow *rows, int n, int head, int f)
{
	const char *v = rows[head].v[f];
	for (int i = 0; !v && i < n; i++)
		v = rows[i].v[f];
	return v;
}

/* The household's own fields from the head's row (or the first row that has each). */
static json_t *household_json(const struct irow *rows, int n, int head, bool create)
{
	json_t *h = json_object();
	for (int f = F_NUMBER; f < F_ID; f++) {
		const char *v = household_value(rows, n, head, f);
		if (f == F_HEAD_ID || f == F_ORIGIN_TOWN || !v)
			continue;
		if (f == F_NUMBER && !(create && anju_number(v, household_value(rows, n, head,
								 F_ORIGIN_VILLAGE))))
			continue;
		json_object_set_new(h, import_column_defs[f].field, json_string(v));
	}
	return h;
}

/* household_json and member_json for a new household, as texts (no JSON built). */
static void household_pairs(const struct irow *rows, int n, int head, struct jx_pairs *h)
{
	h->n = 0;
	for (int f = F_NUMBER; f < F_ID; f++) {
		const char *v = household_value(rows, n, head, f);
		if (f == F_HEAD_ID || f == F_ORIGIN_TOWN || !v)
			continue;
		if (f == F_NUMBER && !anju_number(v, household_value(rows, n, head,
								     F_ORIGIN_VILLAGE)))
			continue;
		jx_pairs_set(h, import_column_defs[f].field, v);
	}
}

static void member_pairs(const struct irow *ir, struct jx_pairs *m)
{
	m->n = 0;
	for (int f = F_ID; f < NF; f++)
		if (ir->v[f])
			jx_pairs_set(m, import_column_defs[f].field, ir->v[f]);
}

/* May the actor see household `id`? (A household the actor may not see is, to the import,
 * not there: its number names nothing, and a member of it is "taken", as the API says.) */
static bool household_seen(struct run *r, int64_t id)
{
	struct arena a;
	struct verrors e;
	arena_init(&a, 0);
	verrors_init(&e, &a);
	struct ctx g = *r->cx;
	g.arena = &a;
	g.errs = &e;
	enum outcome res = household_guard_writable(&g, id);
	arena_release(&a);
	if (res == OUT_INTERNAL || res == OUT_BUSY) {
		r->failed = true;
		r->fail_res = res;
	}
	return res != OUT_NOT_FOUND;
}

/* Puts the errors a domain validation left in gcx->errs on the rows they are about:
 * "members[2].birth_date" on the group's third row, a household field on the head's row. */
static void errors_to_rows(struct run *r, const struct verrors *e, const struct irow *rows,
			   int head)
{
	for (int k = 0; k < e->n; k++) {
		const char *f = e->items[k].field;
		int at = head;
		bool member = false;
		if (strncmp(f, "members[", 8) == 0) {
			int i = atoi(f + 8);
			const char *dot = strchr(f, '.');
			at = i;
			f = dot ? dot + 1 : f;
			member = dot != NULL;
		}
		int field = -1;
		for (int c = 0; c < NF; c++)
			if (strcmp(import_column_defs[c].field, f) == 0 && import_column_defs[c].member == member)
				field = c;
		add_error(r, rows[at].sheet, rows[at].number, field, e->items[k].code,
			  field < 0 ? NULL : rows[at].raw[field] ? rows[at].raw[field]
			  : rows[at].v[field]);
	}
	if (e->dropped)
		r->errors_total += e->dropped;
}

static void group_error(struct run *r, const struct irow *rows, int n)
{
	r->hh.error++;
	r->pp.error += n;
	note_first(r, "error", &rows[0], n);
}

/* The person with an ID number: id, household, still a member; 0 when nobody. */
static int64_t find_person(struct run *r, const char *id_number, int64_t *household,
			   bool *member)
{
	struct idnumber idn;
	*household = 0;
	*member = false;
	if (idnumber_parse(id_number, r->cx->today, &idn) != IDNUMBER_OK)
		return 0;
	struct store_rows *q = store_query(r->cx->db, "SELECT id, household_id, status FROM persons"
					   " WHERE id_number = ?", "t", idn.number);
	int64_t id = 0;
	if (store_next(q)) {
		id = store_int(q, 0);
		*household = store_int(q, 1);
		*member = strcmp(store_text(q, 2), "member") == 0;
	}
	if (store_finish(q) != STORE_OK) {
		r->failed = true;
		r->fail_res = OUT_INTERNAL;
	}
	return id;
}

/* Has the key (an ID number, a household's number) been seen in this file before?
 * Remembers it (in the temporary tables import_seen and import_seen_id, which
 * store_scratch keeps on disk, so memory stays flat however many rows come, and which,
 * being temporary, take no lock on the database: the check pass runs beside everyone's
 * writes); *where names the row that had it. An ID number is remembered in its 18-digit
 * form, so that its 15-digit form is the same person, and as a number (its 17 digits and
 * its check character, X as 10): one small integer-keyed tree rather than a text key and
 * its index, which at a county's 1.92 M persons no longer fit the cache. */
static bool seen_before(struct run *r, const char *kind, const char *key, const struct irow *ir,
			char *where, size_t cap)
{
	char k[160], place[200];
	struct idnumber idn;
	int64_t n = -1;
	if (*kind == 'p' && idnumber_parse(key, r->cx->today, &idn) == IDNUMBER_OK) {
		n = 0;
		for (int i = 0; i < 17; i++)
			n = n * 10 + (idn.number[i] - '0');
		n = n * 11 + (idn.number[17] == 'X' ? 10 : idn.number[17] - '0');
	}
	snprintf(k, sizeof(k), "%s:%s", kind, key);
	/* one statement for the usual case, a new key; the place is read only for a repeat */
	int rc = n >= 0 ? store_exec(r->cx->db, "INSERT INTO import_seen_id (id, sheet, row_number)"
				     " VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", "iii", n,
				     (int64_t)ir->sheet, (int64_t)ir->number)
		: store_exec(r->cx->db, "INSERT INTO import_seen (k, sheet, row_number)"
			     " VALUES (?, ?, ?) ON CONFLICT (k) DO NOTHING", "tii", k,
			     (int64_t)ir->sheet, (int64_t)ir->number);
	if (rc != STORE_OK) {
		r->failed = true;
		return false;
	}
	if (store_changes(r->cx->db) == 1)
		return false;
	struct store_rows *q = n >= 0
		? store_query(r->cx->db, "SELECT sheet, row_number FROM import_seen_id WHERE id = ?",
			      "i", n)
		: store_query(r->cx->db, "SELECT sheet, row_number FROM import_seen WHERE k = ?",
			      "t", k);
	if (store_next(q)) {
		const char *sheet = sheet_label(r, (int)store_int(q, 0));
		if (*sheet)	/* a sheet's cell as Excel names it: 户籍!12 */
			snprintf(place, sizeof(place), "%s!%lld", sheet, (long long)store_int(q, 1));
		else {		/* a CSV has no sheet: its line, in words ("row 12", "第 12 行") */
			const char *words = msg_get(r->o->lang, "import_place_row");
			const char *at = strstr(words, "{row}");
			if (at)
				snprintf(place, sizeof(place), "%.*s%lld%s", (int)(at - words), words,
					 (long long)store_int(q, 1), at + 5);
			else
				snprintf(place, sizeof(place), "%lld", (long long)store_int(q, 1));
		}
		snprintf(where, cap, "%s", place);
	}
	if (store_finish(q) != STORE_OK)
		r->failed = true;
	return true;
}

/* Updates person `pid` from the file where it differs; *changed says whether it did. */
static int update_person(struct run *r, struct ctx *gcx, int64_t pid, const struct person_in *p,
			 const struct irow *ir, bool *changed)
{
	static const char *const cols[] = {"name", "relation", "ethnicity", "education", "health",
		"labor_capacity", "phone"};
	*changed = false;
	struct store_rows *q = store_query(gcx->db, "SELECT name, relation, ethnicity, education,"
		" health, labor_capacity, phone FROM persons WHERE id = ?", "i", pid);
	if (!store_next(q)) {
		store_finish(q);
		return STORE_ERROR;
	}
	const char *given[] = {p->name, p->relation, p->ethnicity, p->education, p->health,
			       p->labor_capacity, p->phone};
	struct person_in d = {.has_id = false};
	const char **dst[] = {&d.name, &d.relation, &d.ethnicity, &d.education, &d.health,
			      &d.labor_capacity, &d.phone};
	json_t *before = json_object(), *after = json_object();
	for (int i = 0; i < 7; i++) {
		if (!given[i])
			continue;
		const char *was = store_null(q, i) ? NULL : store_text(q, i);
		if (was && strcmp(was, given[i]) == 0)
			continue;
		*dst[i] = given[i];
		json_object_set_new(before, cols[i], was ? json_string(was) : json_null());
		json_object_set_new(after, cols[i], json_string(given[i]));
		if (changes_wanted(r))
			note_change(r, ir->number, cols[i], was, given[i]);
	}
	int rc = store_finish(q);
	*changed = json_object_size(after) > 0;
	if (rc == STORE_OK && *changed && r->write)
		rc = person_update_fields(gcx, pid, &d);
	if (rc == STORE_OK && *changed && r->write)
		rc = audit_write_detail(gcx, "update", "person", pid, before, after, r->detail);
	json_decref(before);
	json_decref(after);
	return rc;
}

/* How many heads household `target` has once the group's rows are in: counted in the
 * database after the writes, or, in the check pass, as they would be (the household's
 * heads the file does not mention or leaves without a relation, and the file's heads). */
static int64_t heads_after(struct run *r, int64_t target, const struct irow *rows,
			   const int64_t *pid, int n, int *rc)
{
	if (r->write)
		return store_one_int(r->cx->db, rc, "SELECT count(*) FROM persons WHERE"
			" household_id = ? AND status = 'member' AND relation = 'head'", "i", target);
	int64_t heads = 0;
	for (int i = 0; i < n; i++)
		heads += rows[i].v[F_RELATION] && strcmp(rows[i].v[F_RELATION], "head") == 0;
	struct store_rows *q = store_query(r->cx->db, "SELECT id FROM persons WHERE"
		" household_id = ? AND status = 'member' AND relation = 'head'", "i", target);
	while (store_next(q)) {
		int64_t id = store_int(q, 0);
		int at = -1;
		for (int i = 0; i < n && at < 0; i++)
			if (pid[i] == id)
				at = i;
		heads += at < 0 || !rows[at].v[F_RELATION];
	}
	*rc = store_finish(q);
	return heads;
}

/* Writes (or, finding errors, refuses) the household gathered in r->group; in the check
 * pass, validates it as the write would, writing nothing. */
static void flush_group(struct run *r)
{
	int n = r->ngroup;
	struct irow *rows = r->group;
	if (n == 0)
		return;
	r->ngroup = 0;
	if (r->group_overflow) {
		add_error(r, rows[0].sheet, rows[0].number, -1, "import_too_many_members", NULL);
		group_error(r, rows, n);
		r->group_overflow = false;
		return;
	}
	bool bad = false;
	int head = -1, heads = 0;
	for (int i = 0; i < n; i++) {
		bad = bad || rows[i].bad;
		if (rows[i].v[F_RELATION] && strcmp(rows[i].v[F_RELATION], "head") == 0) {
			if (head < 0)
				head = i;
			heads++;
		}
	}
	/* the same ID number twice in the file (a fresh write: the check found none) */
	for (int i = 0; i < n && !r->fresh; i++) {
		char where[200];
		if (rows[i].v[F_ID] && seen_before(r, "p", rows[i].v[F_ID], &rows[i], where,
						   sizeof(where))) {
			add_error(r, rows[i].sheet, rows[i].number, F_ID, "import_id_twice", where);
			bad = true;
		}
	}
	if (heads != 1 && !bad) {
		add_error(r, rows[0].sheet, rows[0].number, F_RELATION,
			  heads ? "several_heads" : "no_head", NULL);
		bad = true;
	}

	struct arena a = r->farena;	/* the run's, emptied after each household */
	struct verrors errs;
	verrors_init(&errs, &a);
	struct ctx g = *r->cx;
	g.arena = &a;
	g.errs = &errs;
	g.checked = r->fresh;

	/* who is known already, and in which household (a fresh write: nobody, as the check
	 * found) */
	int64_t target = 0, pid[GROUP_MAX + 1] = {0};
	bool other = false;
	if (head >= 0 && rows[head].v[F_NUMBER] && !r->fresh) {
		int rc;
		target = store_one_int(g.db, &rc, "SELECT id FROM households WHERE number = ?", "t",
				       rows[head].v[F_NUMBER]);
		if (rc != STORE_OK)
			r->failed = true;
		if (target && !household_seen(r, target))
			target = 0;
	}
	/* the household is the head's when the head is known (else the numbered one, else a
	 * new one); any other known member must already live there */
	int64_t hh_of[GROUP_MAX + 1] = {0};
	bool member_of[GROUP_MAX + 1] = {false};
	for (int i = 0; i < n && !r->fresh; i++)
		if (rows[i].v[F_ID])
			pid[i] = find_person(r, rows[i].v[F_ID], &hh_of[i], &member_of[i]);
	if (head >= 0 && pid[head] && member_of[head] && !target && household_seen(r, hh_of[head]))
		target = hh_of[head];
	for (int i = 0; i < n; i++) {
		if (!pid[i])
			continue;
		if (!member_of[i] || hh_of[i] != target) {
			bool seen = household_seen(r, hh_of[i]);
			add_error(r, rows[i].sheet, rows[i].number, F_ID, seen
				  ? "import_in_other_household" : "id_number_taken", NULL);
			if (!seen && r->probes.n < PERSON_MAX_PROBES)
				r->probes.owners[r->probes.n++] = pid[i];
			other = true;
		}
	}
	if (bad || other || r->failed) {
		group_error(r, rows, n);
		goto out;
	}

	if (!target) {	/* a new household, validated as the API validates one */
		/* nobody of the group is known (find_person, just now, in this transaction):
		 * the creation need not ask again for each ID number; it still asks whether a
		 * number the file gives is free (a household the actor may not see has it) */
		bool known = false;
		for (int i = 0; i < n; i++)
			known = known || pid[i];
		const char *number = rows[head].v[F_NUMBER];
		if (!known && !(number && anju_number(number, household_value(rows, n, head,
								F_ORIGIN_VILLAGE))))
			g.checked = true;
		struct jx_pairs hp, mp[GROUP_MAX + 1];
		household_pairs(rows, n, head, &hp);
		for (int i = 0; i < n; i++)
			member_pairs(&rows[i], &mp[i]);
		int64_t id;
		enum outcome res = household_create_texts_in_tx(&g, &hp, mp, n, r->detail, &id);
		if (res == OUT_INVALID) {
			errors_to_rows(r, &errs, rows, head);
			group_error(r, rows, n);
		} else if (res != OUT_OK) {
			r->failed = true;
			r->fail_res = res;
		} else {
			r->hh.create++;
			r->pp.create += n;
			note_first(r, "create", &rows[head], n);
		}
		goto out;
	}

	/* an existing household: its fields and its members where the file differs */
	bool changed = false, any = false;
	json_t *hbody = household_json(rows, n, head, false);
	json_decref(r->changes);
	r->changes = NULL;
	if (changes_wanted(r)) {	/* the household's own fields, as household_update_in_tx sees them */
		json_t *was = household_load(&g, target), *v;
		const char *key;
		json_object_foreach(hbody, key, v) {
			json_t *old = json_object_get(was, key);
			if (json_is_string(v) && !json_equal(old ? old : json_null(), v))
				note_change(r, rows[head].number, key, json_string_value(old),
					    json_string_value(v));
		}
		json_decref(was);
	}
	enum outcome res = household_update_in_tx(&g, target, hbody, r->detail, &changed);
	json_decref(hbody);
	any = changed;
	if (res == OUT_NOT_FOUND || res == OUT_FORBIDDEN) {
		add_error(r, rows[head].sheet, rows[head].number, F_ID, "out_of_scope", NULL);
		group_error(r, rows, n);
		goto out;
	}
	if (res == OUT_CONFLICT && errs.n == 0)
		verrors_add(&errs, "number", "household_closed");
	if (res != OUT_OK && res != OUT_INVALID && res != OUT_CONFLICT) {
		r->failed = true;
		r->fail_res = res;
		goto out;
	}
	long created = 0, updated = 0, same = 0;
	for (int i = 0; i < n && !r->failed; i++) {
		char prefix[32];
		struct person_in p;
		snprintf(prefix, sizeof(prefix), "members[%d].", i);
		json_t *m = member_json(&rows[i]);
		bool ok = person_parse(&g, m, prefix, pid[i] == 0, &p);
		if (!ok || errs.n) {
			json_decref(m);
			continue;
		}
		int rc;
		if (pid[i]) {
			bool pc = false;
			rc = update_person(r, &g, pid[i], &p, &rows[i], &pc);
			pc ? updated++ : same++;
		} else if (!r->write) {
			rc = STORE_OK;
			created++;
		} else {
			char today[11];
			int64_t id;
			date_format(g.today, today);
			rc = person_insert(&g, target, &p, "registered", arena_strdup(&a, today), &id);
			if (rc == STORE_OK) {
				json_t *made = person_load(&g, id);
				rc = made ? audit_write_detail(&g, "create", "person", id, NULL, made,
							       r->detail) : STORE_ERROR;
				json_decref(made);
			}
			created++;
		}
		json_decref(m);	/* p's texts were m's */
		if (rc != STORE_OK) {
			r->failed = true;
			r->fail_res = OUT_INTERNAL;
		}
	}
	if (!errs.n && !r->failed) {
		int rc;
		if (heads_after(r, target, rows, pid, n, &rc) != 1)
			verrors_add(&errs, "members[0].relation", "several_heads");
		if (rc == STORE_OK && (created || updated) && r->write)
			rc = household_guard_touch(&g, target);
		if (rc != STORE_OK)
			r->failed = true;
	}
	if (errs.n) {
		errors_to_rows(r, &errs, rows, head);
		group_error(r, rows, n);
		goto out;
	}
	any = any || created || updated;
	r->pp.create += created;
	r->pp.update += updated;
	r->pp.unchanged += same;
	if (any) {
		r->hh.update++;
		note_first(r, "update", &rows[head], n);
	} else {
		r->hh.unchanged++;
		note_first(r, "unchanged", &rows[head], n);
	}
out:
	arena_rewind(&a);
	r->farena = a;
}

/* Adds a parsed row to the household being gathered, first writing the one before when
 * this row starts another; the row's texts are copied into the group's arena. */
static void take_row(struct run *r, struct irow *ir)
{
	char key[128] = "";
	bool starts;
	const char *k = r->grouping >= 0 ? ir->v[r->grouping] : NULL;
	if (k && *k) {
		snprintf(key, sizeof(key), "%s", k);
		starts = r->ngroup == 0 || strcmp(key, r->gkey) != 0;
	} else {	/* no household column, or empty here: a head's row starts a household */
		starts = ir->v[F_RELATION] && strcmp(ir->v[F_RELATION], "head") == 0;
		if (!starts && r->ngroup == 0) {
			add_error(r, ir->sheet, ir->number, F_RELATION, "import_no_head_before", NULL);
			r->hh.error++;
			r->pp.error++;
			return;
		}
	}
	if (starts) {
		flush_group(r);
		arena_rewind(&r->garena);
		char where[200];
		if (*key && !r->fresh && seen_before(r, "h", key, ir, where, sizeof(where))) {
			add_error(r, ir->sheet, ir->number, r->grouping, "import_rows_apart", where);
			ir->bad = true;
		}
		snprintf(r->gkey, sizeof(r->gkey), "%s", key);
	}
	if (r->ngroup == GROUP_MAX) {
		r->group_overflow = true;
		return;
	}
	struct irow *g = &r->group[r->ngroup++];
	*g = *ir;
	for (int f = 0; f < NF; f++) {
		if (g->v[f])
			g->v[f] = arena_strdup(&r->garena, g->v[f]);
		if (g->raw[f])
			g->raw[f] = arena_strdup(&r->garena, g->raw[f]);
	}
}

/* ---------------------------------------------------------------- headers */


/* The column a header names by the mapping (remembered, or given with this run): its
 * index (a field of the households columns, or of a ledger's map), or -1. */
static int mapped_column(struct run *r, const char *header)
{
	char h[256];
	import_column_squeeze(header, h, sizeof(h), true);
	const char *key = json_string_value(json_object_get(r->mapping, h));
	for (int i = 0; key && i < import_column_count(r->ledger); i++)
		if (strcmp(key, import_column_key(r->ledger, i)) == 0 &&
		    !(r->ledger && i >= 2 && r->ledger->fields[i - 2].body_only))
			return i;
	return -1;
}

/* The mapping of this run: the kind's remembered one, then the user's own on top (checked:
 * a header of at most IMPORT_MAX_HEADER bytes to a column of the kind; "" forgets it). */
static bool load_mapping(struct run *r)
{
	r->mapping = json_object();
	struct store_rows *q = store_query(r->cx->db, "SELECT header, field FROM import_mappings"
		" WHERE username = ? AND kind = ?", "tt", r->cx->actor->username, r->o->kind);
	while (store_next(q))
		json_object_set_new(r->mapping, store_text(q, 0), json_string(store_text(q, 1)));
	if (store_finish(q) != STORE_OK)
		return false;
	const char *header;
	json_t *v;
	if (r->o->mapping && !json_is_object(r->o->mapping))
		verrors_add(r->cx->errs, "mapping", "type_object");
	else if (json_object_size(r->o->mapping) > IMPORT_MAX_MAPPING)
		verrors_add(r->cx->errs, "mapping", "too_many");
	json_object_foreach(json_is_object(r->o->mapping) ? r->o->mapping : NULL, header, v) {
		char h[256];
		const char *key = json_string_value(v);
		import_column_squeeze(header, h, sizeof(h), true);
		bool known = key && !*key;
		for (int i = 0; key && *key && i < import_column_count(r->ledger); i++)
			known = known || strcmp(key, import_column_key(r->ledger, i)) == 0;
		/* a header is a column's name, never a number: one with an ID or phone number's
		 * shape in it would show that number to whoever reads the import */
		char shown[IMPORT_MAX_HEADER + 1], joined[256];
		snprintf(shown, sizeof(shown), "%s", header);
		snprintf(joined, sizeof(joined), "%s", h);
		if (!*h || strlen(header) > IMPORT_MAX_HEADER || !known || privacy_scrub_text(shown) ||
		    privacy_scrub_text(joined)) {
			verrors_add(r->cx->errs, "mapping", !known ? "import_mapping_unknown"
				    : "import_mapping_header");
			continue;
		}
		if (*key)
			json_object_set_new(r->mapping, h, json_string(key));
		else
			json_object_del(r->mapping, h);
	}
	return true;
}

/* Remembers the user's own mapping for the kind, for their later imports (in the
 * transaction that records the run), and audits it with the import: a header mapped to a
 * column only when the run's check found nothing wrong (a mapping that led to errors is not
 * kept), a header forgotten ("") in any case (it touches only the user's own imports). */
static int remember_mapping(struct run *r, bool clean)
{
	const char *header;
	json_t *v;
	char now[21];
	int rc = STORE_OK;
	if (!json_object_size(r->o->mapping))
		return STORE_OK;
	audit_now(now);
	json_object_foreach(r->o->mapping, header, v) {
		char h[256];
		import_column_squeeze(header, h, sizeof(h), true);
		const char *key = json_string_value(v);
		if (rc == STORE_OK && *key && clean)
			rc = store_exec(r->cx->db, "INSERT INTO import_mappings (username, kind, header,"
				" field, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (username, kind,"
				" header) DO UPDATE SET field = excluded.field,"
				" created_at = excluded.created_at", "ttttt", r->cx->actor->username,
				r->o->kind, h, key, now);
		else if (rc == STORE_OK && !*key)
			rc = store_exec(r->cx->db, "DELETE FROM import_mappings WHERE username = ? AND"
					" kind = ? AND header = ?", "ttt", r->cx->actor->username,
					r->o->kind, h);
	}
	if (rc == STORE_OK)
		rc = audit_write(r->cx, "map", "import", r->import_id, NULL, r->o->mapping);
	return rc;
}

/* The end of a header row's reading, for either kind of sheet (takes `ignored`, the
 * headers not read): a row that names no column is a title above the header (up to ten
 * are passed over) or, past them, the sign of a sheet of something else (skipped, and said
 * in ignored_sheets, not refused). True when the row was the header. */
static bool header_found(struct run *r, const struct rowread_row *row, const int *col,
			 char **label, int n, json_t *ignored, struct sheet_head *head)
{
	int known = 0;
	for (int i = 0; i < n; i++)
		known += col[i] >= 0;
	if (known) {
		size_t i;
		json_t *h;
		json_array_foreach(ignored, i, h) {
			/* the error column of anju's own errors workbook, brought back fixed:
			 * nothing to map, nothing to say */
			const char *t = json_string_value(h);
			if (strcmp(t, msg_get(LANG_ZH, "import_error_column")) &&
			    strcmp(t, msg_get(LANG_EN, "import_error_column")))
				json_array_append(r->ignored, h);
		}
		json_decref(ignored);
		return true;
	}
	json_decref(ignored);
	for (int i = 0; i < n; i++) {
		free(label[i]);
		label[i] = NULL;
	}
	if (++head->title_rows < 10) {	/* a title above the header: look on */
		head->done = false;
		return false;
	}
	head->skip = true;
	json_array_append_new(r->ignored_sheets, json_string(row->sheet_name));
	return false;
}

static bool read_header(struct run *r, struct sheet_map *m, const struct rowread_row *row)
{
	for (int f = 0; f < NF; f++) {
		m->col[f] = -1;
		m->rank[f] = 99;
	}
	m->head.done = true;
	m->header_row = row->number;
	json_t *ignored = json_array();
	for (int c = 0; c < row->ncells; c++) {
		int rank, f = import_column_of_header(row->cells[c].text, &rank);
		if (f < 0 && (f = mapped_column(r, row->cells[c].text)) >= 0)
			rank = 50;	/* a mapping: weaker than the words anju knows */
		if (f < 0) {
			if (*row->cells[c].text)
				json_array_append_new(ignored, json_string(row->cells[c].text));
			continue;
		}
		if (rank < m->rank[f]) {
			if (m->col[f] >= 0)
				json_array_append_new(ignored, json_string(m->label[f]));
			m->col[f] = c;
			m->rank[f] = rank;
			free(m->label[f]);
			m->label[f] = strdup(row->cells[c].text);
		} else
			json_array_append_new(ignored, json_string(row->cells[c].text));
	}
	if (!header_found(r, row, m->col, m->label, NF, ignored, &m->head))
		return true;
	bool ok = true;
	for (int f = 0; f < NF; f++)
		if (import_column_defs[f].required && m->col[f] < 0) {
			add_error(r, row->sheet, row->number, f, "import_missing_column", NULL);
			ok = false;
		}
	/* a household column decides the grouping of the whole file (the first sheet's) */
	if (row->sheet == 0 || r->grouping == -2)
		r->grouping = m->col[F_NUMBER] >= 0 ? F_NUMBER : m->col[F_HEAD_ID] >= 0 ? F_HEAD_ID
			: -1;
	return ok;
}

/* ---------------------------------------------------------------- follow-up ledgers */

/* The words that name a ledger field in a header: its label in either language, its name. */
static bool ledger_header_is(const struct ledger_field *f, const char *h)
{
	char w[256];
	if (f->label_key)
		for (int l = 0; l < LANG_COUNT; l++) {
			import_column_squeeze(msg_get((enum lang)l, f->label_key), w, sizeof(w), true);
			if (strcmp(h, w) == 0)
				return true;
		}
	import_column_squeeze(f->name, w, sizeof(w), true);
	return strcmp(h, w) == 0;
}

static bool ledger_header(struct run *r, struct ledger_map *m, const struct rowread_row *row)
{
	for (int i = 0; i < LCOLS; i++)
		m->col[i] = -1;
	m->head.done = true;
	int rank[2] = {99, 99};
	json_t *ignored = json_array();
	for (int c = 0; c < row->ncells; c++) {
		char h[256];
		int k, f = import_column_of_header(row->cells[c].text, &k), at = -1;
		import_column_squeeze(row->cells[c].text, h, sizeof(h), true);
		if ((f == F_ID || f == F_NAME) && k < rank[f == F_NAME]) {
			at = f == F_NAME;
			rank[at] = k;
		}
		for (int i = 0; at < 0 && r->ledger->fields[i].name && i < IMPORT_LEDGER_FIELDS; i++)
			if (!r->ledger->fields[i].body_only && m->col[2 + i] < 0 &&
			    ledger_header_is(&r->ledger->fields[i], h))
				at = 2 + i;
		if (at < 0 && (at = mapped_column(r, row->cells[c].text)) >= 0 &&
		    m->col[at] >= 0)
			at = -1;	/* the column is there already, by its own name */
		if (at < 0) {
			if (*row->cells[c].text)
				json_array_append_new(ignored, json_string(row->cells[c].text));
			continue;
		}
		m->col[at] = c;
		free(m->label[at]);
		m->label[at] = strdup(row->cells[c].text);
	}
	if (!header_found(r, row, m->col, m->label, LCOLS, ignored, &m->head))
		return true;
	bool ok = true;
	if (m->col[0] < 0) {
		add_error_at(r, row->sheet, row->number, -1, import_column_defs[F_ID].words[0],
			     "import_missing_column", NULL);
		ok = false;
	}
	for (int i = 0; r->ledger->fields[i].name; i++)
		if (r->ledger->fields[i].required && m->col[2 + i] < 0) {
			const struct ledger_field *f = &r->ledger->fields[i];
			add_error_at(r, row->sheet, row->number, -1, f->label_key
				     ? msg_get(r->o->lang, f->label_key) : f->name,
				     "import_missing_column", NULL);
			ok = false;
		}
	return ok;
}

/* A ledger option as typed: its code, or its word in either language. */
static const char *ledger_option(const struct ledger_field *f, const char *value)
{
	char v[128], w[128], key[96];
	import_column_squeeze(value, v, sizeof(v), false);
	for (int i = 0; f->options[i]; i++) {
		if (strcmp(v, f->options[i]) == 0)
			return f->options[i];
		snprintf(key, sizeof(key), "%s_%s", f->option_prefix ? f->option_prefix : f->name,
			 f->options[i]);
		for (int l = 0; l < LANG_COUNT; l++) {
			import_column_squeeze(msg_get((enum lang)l, key), w, sizeof(w), false);
			if (strcmp(v, w) == 0)
				return f->options[i];
		}
	}
	return NULL;
}

/* One cell as the ledger's body wants it (a JSON value), or NULL with *code saying why. */
static json_t *ledger_value(const struct ledger_field *f, const struct rowread_cell *c,
			    bool from1904, const char **code)
{
	char v[512], *end;
	import_column_squeeze(c->text, v, sizeof(v), false);
	*code = "import_bad_option";
	switch (f->kind) {
	case 's': {
		const char *o = ledger_option(f, c->text);
		return o ? json_string(o) : NULL;
	}
	case 'd': {
		char d[11];
		*code = "import_bad_date";
		return import_column_date(c, from1904, d) ? json_string(d) : NULL;
	}
	case 'i': {
		*code = "type_integer";
		double d = strtod(v, &end);
		return *v && !*end && d == (double)(long long)d ? json_integer((json_int_t)d) : NULL;
	}
	case 'r': {
		*code = "type_number";
		double d = strtod(v, &end);
		return *v && !*end ? json_real(d) : NULL;
	}
	case 'b':
		if (!strcmp(v, "是") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "√") ||
		    !strcmp(v, "yes"))
			return json_true();
		if (!strcmp(v, "否") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
			return json_false();
		*code = "import_bad_option";
		return NULL;
	default: {
		const char *t = c->text;
		while (*t == ' ')
			t++;
		size_t n = strlen(t);
		while (n && t[n - 1] == ' ')
			n--;
		return json_stringn(t, n);
	}
	}
}

/* True when the person has a row equal to `body` in every field it gives (a re-import). */
static bool ledger_has_row(struct run *r, int64_t pid, json_t *body)
{
	struct buf sql = BUF_INIT;
	char types[IMPORT_LEDGER_FIELDS + 2];
	const void *values[IMPORT_LEDGER_FIELDS + 2];
	int64_t ints[IMPORT_LEDGER_FIELDS + 2];
	double reals[IMPORT_LEDGER_FIELDS + 2];
	int n = 0;
	/* SQL built from the descriptor's compiled-in names only; values are bound */
	buf_printf(&sql, "SELECT count(*) FROM %s WHERE person_id = ?", r->ledger->table);
	ints[n] = pid;
	values[n] = &ints[n];
	types[n++] = 'i';
	for (int i = 0; r->ledger->fields[i].name && n < IMPORT_LEDGER_FIELDS + 1; i++) {
		json_t *v = json_object_get(body, r->ledger->fields[i].name);
		if (!v)
			continue;
		buf_printf(&sql, " AND %s = ?", r->ledger->fields[i].name);
		if (json_is_string(v)) {
			values[n] = json_string_value(v);
			types[n++] = 't';
		} else if (json_is_real(v)) {
			reals[n] = json_real_value(v);
			values[n] = &reals[n];
			types[n++] = 'd';
		} else {
			ints[n] = json_is_boolean(v) ? json_is_true(v) : json_integer_value(v);
			values[n] = &ints[n];
			types[n++] = 'i';
		}
	}
	types[n] = 0;
	int64_t count = 0;
	struct store_rows *q = store_query_array(r->cx->db, sql.data, types, values);
	if (store_next(q))
		count = store_int(q, 0);
	if (store_finish(q) != STORE_OK || sql.failed)
		r->failed = true;
	buf_release(&sql);
	return count > 0;
}

/* Has the file given this person this row before? Then it is left as it is, in the check
 * as in the write (where the first one is already in the ledger). */
static bool ledger_row_again(struct run *r, int64_t pid, json_t *body,
			     const struct rowread_row *row)
{
	char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	unsigned char h[crypto_hash_sha256_BYTES];
	char key[2 * crypto_hash_sha256_BYTES + 24], where[200];
	if (!text) {
		r->failed = true;
		return false;
	}
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	free(text);
	int at = snprintf(key, sizeof(key), "%lld:", (long long)pid);
	sodium_bin2hex(key + at, sizeof(key) - (size_t)at, h, sizeof(h));
	struct irow ir = {.sheet = row->sheet, .number = row->number};
	return seen_before(r, "l", key, &ir, where, sizeof(where));
}

static void import_ledger_row(struct run *r, const struct ledger_map *m,
			      const struct rowread_row *row)
{
	const struct ledger *l = r->ledger;
	json_t *body = json_object();
	bool bad = false;
	const char *id = NULL, *name = NULL;
	char idbuf[64];
	for (int i = 0; i < LCOLS; i++) {
		int col = m->col[i];
		if (col < 0 || col >= row->ncells)
			continue;
		const struct rowread_cell *c = &row->cells[col];
		if (c->formula) {
			add_error_at(r, row->sheet, row->number, col, m->label[i], "import_formula", NULL);
			bad = true;
			continue;
		}
		if (c->kind == ROWREAD_EMPTY)
			continue;
		if (i == 0) {
			bool rounded;
			id = parse_id(r, c, &rounded);
			if (rounded) {
				add_error_at(r, row->sheet, row->number, col, m->label[i],
					     "import_id_rounded", c->text);
				bad = true;
			}
			continue;
		}
		if (i == 1) {
			name = c->text;
			continue;
		}
		const char *code;
		json_t *v = ledger_value(&l->fields[i - 2], c, rowpipe_date1904(r->rp), &code);
		if (!v) {
			add_error_at(r, row->sheet, row->number, col, m->label[i], code, c->text);
			bad = true;
		} else
			json_object_set_new(body, l->fields[i - 2].name, v);
	}
	int64_t pid = 0, hh;
	bool member;
	if (id) {
		snprintf(idbuf, sizeof(idbuf), "%s", id);
		pid = find_person(r, idbuf, &hh, &member);
		/* someone the actor may not see is not there: neither the name beside the
		 * number nor a row already in the ledger is compared, or the import would tell
		 * another town's names and jobs (the same answer as for nobody) */
		if (pid && !household_seen(r, hh))
			pid = 0;
		if (!pid) {
			add_error_at(r, row->sheet, row->number, m->col[0], m->label[0],
				     "import_person_unknown", idbuf);
			bad = true;
		}
	} else if (!bad) {
		add_error_at(r, row->sheet, row->number, m->col[0], m->label[0], "required", NULL);
		bad = true;
	}
	if (pid && name) {	/* a name beside the number must be the person's */
		int rc;
		struct store_rows *q = store_query(r->cx->db, "SELECT name FROM persons WHERE id = ?",
						   "i", pid);
		char have[128] = "";
		if (store_next(q))
			snprintf(have, sizeof(have), "%s", store_text(q, 0));
		rc = store_finish(q);
		char a[128], b[128];
		import_column_squeeze(name, a, sizeof(a), false);
		import_column_squeeze(have, b, sizeof(b), false);
		if (rc != STORE_OK)
			r->failed = true;
		else if (strcmp(a, b) != 0) {
			add_error_at(r, row->sheet, row->number, m->col[1], m->label[1],
				     "import_name_mismatch", name);
			bad = true;
		}
	}
	if (bad || r->failed) {
		r->rowc.error++;
		json_decref(body);
		return;
	}
	if (ledger_row_again(r, pid, body, row) || ledger_has_row(r, pid, body)) {
		r->rowc.unchanged++;
		json_decref(body);
		return;
	}
	struct arena a;
	struct verrors errs;
	arena_init(&a, 0);
	verrors_init(&errs, &a);
	struct ctx g = *r->cx;
	g.arena = &a;
	g.errs = &errs;
	enum outcome res = ledger_append_in_tx(&g, l, pid, body, r->detail);
	if (res == OUT_OK) {
		r->rowc.create++;
	} else if (res == OUT_INVALID || res == OUT_CONFLICT || res == OUT_NOT_FOUND ||
		   res == OUT_FORBIDDEN) {
		if (res == OUT_NOT_FOUND || res == OUT_FORBIDDEN)
			verrors_add(&errs, "id_number", "out_of_scope");
		for (int k = 0; k < errs.n; k++) {
			int at = -1;
			for (int i = 0; l->fields[i].name; i++)
				if (strcmp(l->fields[i].name, errs.items[k].field) == 0)
					at = 2 + i;
			if (strcmp(errs.items[k].field, "id_number") == 0 ||
			    strcmp(errs.items[k].field, "person_id") == 0)
				at = 0;
			add_error_at(r, row->sheet, row->number, at >= 0 ? m->col[at] : -1,
				     at >= 0 ? m->label[at] : errs.items[k].field, errs.items[k].code,
				     NULL);
		}
		r->rowc.error++;
	} else {
		r->failed = true;
		r->fail_res = res;
	}
	arena_release(&a);
	json_decref(body);
}

/* ---------------------------------------------------------------- the run */

static int file_sha256(const char *path, char hex[65], long long *bytes)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	crypto_hash_sha256_state st;
	unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
	size_t n;
	*bytes = 0;
	crypto_hash_sha256_init(&st);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		crypto_hash_sha256_update(&st, buf, n);
		*bytes += (long long)n;
	}
	int err = ferror(f);
	fclose(f);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, 65, h, sizeof(h));
	return err ? -1 : 0;
}

static json_t *counts_json(const struct counts *c)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "create", (json_int_t)c->create,
			 "update", (json_int_t)c->update, "unchanged", (json_int_t)c->unchanged,
			 "error", (json_int_t)c->error);
}

/* Writes the imports row: status and the result's JSON. */
static int record(struct run *r, json_t *result, const char *status, const char *started,
		  bool insert)
{
	char now[21];
	audit_now(now);
	json_t *file = json_object_get(result, "file");
	char *text = json_dumps(result, JSON_COMPACT);
	if (!text)
		return STORE_ERROR;
	int rc;
	const struct actor *ac = r->cx->actor;
	if (insert) {
		rc = store_exec(r->cx->db, "INSERT INTO imports (kind, user_id, username, started_at,"
			" finished_at, file_name, file_sha256, file_bytes, format, encoding, dry_run,"
			" status, rows_read, errors, result)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "tnttttt" "i" "tt" "i" "t" "ii" "t",
			r->o->kind, ac->user_id ? &ac->user_id : NULL, ac->username, started, now,
			r->o->file_name, json_string_value(json_object_get(file, "sha256")),
			(int64_t)json_integer_value(json_object_get(file, "bytes")),
			json_string_value(json_object_get(file, "format")),
			json_string_value(json_object_get(file, "encoding")),
			(int64_t)r->o->dry_run, status, (int64_t)r->rows, (int64_t)r->errors_total,
			text);
		r->import_id = rc == STORE_OK ? store_last_id(r->cx->db) : 0;
	} else {
		rc = store_exec(r->cx->db, "UPDATE imports SET finished_at = ?, status = ?,"
				" rows_read = ?, errors = ?, result = ? WHERE id = ?", "ttiiti", now,
				status, (int64_t)r->rows, (int64_t)r->errors_total, text,
				r->import_id);
	}
	free(text);
	return rc;
}


bool import_kind_known(const char *kind)
{
	return kind && (strcmp(kind, "households") == 0 || import_column_ledger(kind));
}

/* A run's state before a pass reads the file. */
static void run_init(struct run *r, struct ctx *cx, const struct import_opts *o, bool write)
{
	*r = (struct run){.cx = cx, .o = o, .grouping = -2, .ledger = import_column_ledger(o->kind),
			  .write = write};
	r->errors = json_array();
	r->first = json_pack("{s:[], s:[], s:[], s:[]}", "create", "update", "unchanged", "error");
	r->cache = json_object();
	r->options = json_object();
	r->ignored = json_array();
	r->ignored_sheets = json_array();
	arena_init(&r->rarena, 0);
	arena_init(&r->garena, 0);
	arena_init(&r->farena, 0);
}

static void run_release(struct run *r)
{
	import_workbook_marks_free(&r->marks);
	json_decref(r->errors);
	json_decref(r->first);
	json_decref(r->cache);
	json_decref(r->options);
	json_decref(r->ignored);
	json_decref(r->ignored_sheets);
	json_decref(r->mapping);
	json_decref(r->changes);
	for (int s = 0; r->maps && s < r->nmaps; s++)
		for (int f = 0; f < NF; f++)
			free(r->maps[s].label[f]);
	for (int s = 0; r->lmaps && s < r->nmaps; s++)
		for (int f = 0; f < LCOLS; f++)
			free(r->lmaps[s].label[f]);
	free(r->maps);
	free(r->lmaps);
	arena_release(&r->rarena);
	arena_release(&r->garena);
	arena_release(&r->farena);
	rowpipe_close(r->rp);
	r->rp = NULL;
}

/* One pass over the file: every row read, checked and (in the write pass) written. The
 * caller holds the transaction: a read one for the check, the write one for the write. */
static void run_read(struct run *r)
{
	const struct import_opts *o = r->o;
	enum rowread_status st;
	r->rp = rowpipe_open(o->path, o->max_bytes ? o->max_bytes : IMPORT_MAX_BYTES_DEFAULT, NULL,
			     &st);
	if (!r->rp) {
		add_error(r, -1, 0, -1, rowread_status_key(st), NULL);
		return;
	}
	r->nmaps = rowpipe_sheet_count(r->rp);
	r->maps = calloc((size_t)r->nmaps, sizeof(*r->maps));
	r->lmaps = calloc((size_t)r->nmaps, sizeof(*r->lmaps));
	if (r->nmaps && (!r->maps || !r->lmaps)) {
		r->failed = true;
		r->fail_res = OUT_INTERNAL;
		return;
	}
	for (int s = 0; s < r->nmaps; s++)
		if (rowpipe_sheet(r->rp, s)->hidden)
			add_error(r, s, 0, -1, "import_hidden_sheet", NULL);
	if (store_exec(r->cx->db, "DELETE FROM import_seen", "") != STORE_OK ||
	    store_exec(r->cx->db, "DELETE FROM import_seen_id", "") != STORE_OK) {
		r->failed = true;
		return;
	}
	struct rowread_row row;
	bool header_ok = true;
	const char *phase = r->write ? "write" : "check";
	while (!r->failed && (st = rowpipe_next(r->rp, &row)) == ROWREAD_OK) {
		if (r->ledger) {
			struct ledger_map *lm = &r->lmaps[row.sheet];
			if (!lm->head.done) {
				header_ok = ledger_header(r, lm, &row) && header_ok;
				continue;
			}
			if (!header_ok || lm->head.skip)
				continue;
			r->rows++;
			import_ledger_row(r, lm, &row);
		} else {
			struct sheet_map *m = &r->maps[row.sheet];
			if (!m->head.done) {
				flush_group(r);	/* a household does not go on across sheets */
				header_ok = read_header(r, m, &row) && header_ok;
				continue;
			}
			if (!header_ok || m->head.skip)
				continue;
			r->rows++;
			struct irow ir;
			parse_row(r, m, &row, &ir);
			take_row(r, &ir);
			arena_rewind(&r->rarena);	/* the row's texts: copied where still needed */
		}
		if (o->progress && r->rows % 1000 == 0)
			o->progress(o->progress_arg, phase, r->rows, r->errors_total);
	}
	if (!r->failed)
		flush_group(r);
	if (st != ROWREAD_END && st != ROWREAD_OK) {
		int sheet;
		long at;
		rowpipe_where(r->rp, &sheet, &at);
		/* the cell the reader names (a cell out of order): its column, as any error's */
		add_error_at(r, sheet, at, rowpipe_where_col(r->rp), "", rowread_status_key(st),
			     NULL);
	}
	for (int s = 0; s < r->nmaps; s++)	/* a few rows, none a header: not a ledger */
		if ((r->ledger ? !r->lmaps[s].head.done && r->lmaps[s].head.title_rows
		     : !r->maps[s].head.done && r->maps[s].head.title_rows))
			json_array_append_new(r->ignored_sheets,
					      json_string(rowpipe_sheet(r->rp, s)->name));
	for (int s = 0; s < r->nmaps; s++) {
		const struct rowread_sheet *sh = rowpipe_sheet(r->rp, s);
		if (sh->merged)
			add_error(r, s, 0, -1, "import_merged_cells", sh->first_merged);
	}
	if (r->rows == 0 && r->errors_total == 0)
		add_error(r, 0, 0, -1, "import_empty", NULL);
	if (o->progress)
		o->progress(o->progress_arg, phase, r->rows, r->errors_total);
}

/* What a pass found, into the import's result. */
/* The errors in row order within each sheet: a row's value errors are found as it is read,
 * its household's when the household is complete (rows later). Nearly in order already,
 * so an insertion sort, stable: a row's errors keep their columns' order. */
static void errors_in_row_order(json_t *errors)
{
	size_t n = json_array_size(errors);
	for (size_t i = 1; i < n; i++) {
		json_t *e = json_array_get(errors, i);
		const char *sheet = json_string_value(json_object_get(e, "sheet"));
		json_int_t row = json_integer_value(json_object_get(e, "row"));
		size_t j = i;
		while (j > 0) {
			json_t *p = json_array_get(errors, j - 1);
			if (strcmp(json_string_value(json_object_get(p, "sheet")), sheet) != 0 ||
			    json_integer_value(json_object_get(p, "row")) <= row)
				break;	/* another sheet comes before (sheets are read in order) */
			j--;
		}
		if (j < i) {
			json_incref(e);
			json_array_remove(errors, i);
			json_array_insert_new(errors, j, e);
		}
	}
}

static void run_result(struct run *r, json_t *result)
{
	json_t *file = json_object_get(result, "file");
	if (r->rp) {	/* else the file was not a table */
		json_object_set_new(file, "format", json_string(rowpipe_format(r->rp)));
		json_object_set_new(file, "encoding", json_string(rowpipe_encoding(r->rp)));
	}
	json_object_set_new(result, "rows", json_integer(r->rows));
	json_object_set_new(result, "blank_rows", json_integer(r->rp ? rowpipe_blank_rows(r->rp)
							       : 0));
	json_object_set_new(result, "counts", r->ledger ? json_pack("{s:o}", "rows",
			    counts_json(&r->rowc)) : json_pack("{s:o, s:o}", "households",
			    counts_json(&r->hh), "persons", counts_json(&r->pp)));
	json_object_set(result, "first", r->first);
	errors_in_row_order(r->errors);
	json_object_set(result, "errors", r->errors);
	json_object_set_new(result, "errors_total", json_integer(r->errors_total));
	json_object_set(result, "ignored_columns", r->ignored);
	json_object_set(result, "ignored_sheets", r->ignored_sheets);
	json_object_set(result, "mapping", r->mapping);
	json_t *cols = json_object();	/* the first sheet's: column key -> its header */
	for (int i = 0; r->nmaps && i < import_column_count(r->ledger); i++) {
		const char *label = !r->ledger ? (r->maps && r->maps[0].col[i] >= 0
			? r->maps[0].label[i] : NULL) : r->lmaps && r->lmaps[0].col[i] >= 0
			? r->lmaps[0].label[i] : NULL;
		if (label)
			json_object_set_new(cols, import_column_key(r->ledger, i), json_string(label));
	}
	json_object_set_new(result, "columns", cols);
}

/* The check pass: the whole file read and checked in a read transaction, writing nothing
 * but the temporary import_seen, so that log-ins and everyone's writes go on meanwhile
 * (a county's file takes minutes to read). Returns OUT_OK or how the store failed. */
static enum outcome check_pass(struct run *r)
{
	if (store_begin_read(r->cx->db) != STORE_OK)
		return OUT_INTERNAL;
	r->cx->check_only = true;
	run_read(r);
	r->cx->check_only = false;
	r->version = store_data_version(r->cx->db);	/* what the check saw */
	bool failed = store_failed_in_tx(r->cx->db), busy = store_busy_in_tx(r->cx->db);
	store_rollback(r->cx->db);	/* nothing to keep: a read */
	if (r->failed || failed)
		return busy ? OUT_BUSY : r->fail_res != OUT_OK ? r->fail_res : OUT_INTERNAL;
	return OUT_OK;
}

/* Is the file as it was (the same inode, size and time of its last change)? */
static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The write pass, once the check found nothing wrong: the file read again and written in
 * one write transaction with the imports row, checked again as it goes (the database may
 * have changed since the check), all of it or, at any error, none. */
static enum outcome write_pass(struct run *r, json_t *result, const char *started,
			      const struct run *check, const struct stat *file)
{
	long rows = check->rows;
	enum outcome res = tx_begin(r->cx->db);
	if (res != OUT_OK)
		return res;
	/* All new, as the check found, when nobody has written since and the file is the one
	 * it read: the write need not look again (fresh); else it checks everything again. */
	struct stat now;
	int64_t version = store_data_version(r->cx->db);
	r->fresh = !r->ledger && check->hh.update == 0 && check->hh.unchanged == 0 &&
		check->pp.update == 0 && check->pp.unchanged == 0 && check->version >= 0 &&
		version == check->version && stat(r->o->path, &now) == 0 && same_file(file, &now);
	int rc = record(r, result, "done", started, true);
	if (rc != STORE_OK)
		return tx_end(r->cx->db, OUT_OK, rc);
	snprintf(r->detail, sizeof(r->detail), "import %lld", (long long)r->import_id);
	/* A file at least as big as the registry (a county moving in): the indexes only
	 * searches read are built once at the end rather than row by row (store_load). */
	if (!r->ledger) {
		int64_t persons = store_one_int(r->cx->db, &rc, "SELECT count(*) FROM persons", "");
		if (rc == STORE_OK && rows >= persons)
			rc = store_load(r->cx->db, true, true);
		if (rc != STORE_OK)
			return tx_end(r->cx->db, OUT_OK, rc);
	}
	run_read(r);
	struct stat after;
	if (r->fresh && !r->failed && (stat(r->o->path, &after) != 0 || !same_file(file, &after)))
		add_error(r, -1, 0, -1, "import_file_changed", NULL);	/* not what was checked */
	run_result(r, result);
	if (r->failed || r->errors_total) {
		/* rolls back; a query that failed meanwhile makes it INTERNAL (or BUSY): the
		 * errors found may come from a failed read, so they are not answered */
		enum outcome end = tx_end(r->cx->db, OUT_INVALID, STORE_OK);
		if (r->failed && end == OUT_INVALID)
			end = r->fail_res != OUT_OK ? r->fail_res : OUT_INTERNAL;
		return end;
	}
	json_object_set_new(result, "status", json_string("done"));
	json_object_set_new(result, "id", json_integer(r->import_id));
	rc = store_exec(r->cx->db, "DELETE FROM import_seen", "");
	if (rc == STORE_OK)
		rc = store_exec(r->cx->db, "DELETE FROM import_seen_id", "");
	if (rc == STORE_OK)	/* the indexes dropped for the load, built again */
		rc = store_load(r->cx->db, false, false);
	if (rc == STORE_OK)
		rc = remember_mapping(r, true);
	if (rc == STORE_OK)
		rc = record(r, result, "done", started, false);
	return tx_end(r->cx->db, OUT_OK, rc);
}

/* The errors workbook of a run with rows in error (the user's own rows, an error column
 * beside each bad one), into the blob store and named on the imports row. A failure here
 * leaves the answer as it is: its errors are in the JSON as well. */
static void keep_errors(struct run *r, json_t *result)
{
	const struct blobstore *bs = r->cx->blobs;
	if (!bs || !r->o->keep_errors || !r->errors_total ||
	    !json_object_get(json_object_get(result, "file"), "format"))
		return;	/* nothing to keep, or the file was not a table to write beside */
	char path[1100], now[21];
	struct blob_writer w;
	snprintf(path, sizeof(path), "%s/tmp/import-errors-%ld-%lld.xlsx", bs->root,
		 (long)getpid(), (long long)r->import_id);
	if (import_workbook_errors(r->o->path, result, &r->marks, r->o->lang, path) != 0 ||
	    blob_writer_from_file(bs, &w, path, UINT64_MAX) != 0) {
		unlink(path);
		return;
	}
	audit_now(now);
	int rc = blob_writer_commit(&w) == 0 && tx_begin(r->cx->db) == OUT_OK ? STORE_OK
		: STORE_ERROR;
	if (rc == STORE_OK) {
		rc = store_exec(r->cx->db, "INSERT INTO blobs (sha256, size, mime, created_at)"
			" VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", "titt", w.sha256,
			(int64_t)w.size, "application/vnd.openxmlformats-officedocument"
			".spreadsheetml.sheet", now);
		if (rc == STORE_OK)
			rc = store_exec(r->cx->db, "UPDATE imports SET errors_sha256 = ? WHERE id = ?",
					"ti", w.sha256, r->import_id);
		rc = tx_end(r->cx->db, OUT_OK, rc) == OUT_OK ? STORE_OK : STORE_ERROR;
	}
	if (rc == STORE_OK) {
		blob_writer_settle(&w);
		json_object_set_new(result, "errors_workbook", json_sprintf(
			"/api/v1/imports/%lld/errors.xlsx", (long long)r->import_id));
	} else
		blob_writer_uncommit(&w, archive_blob_recorded, r->cx->db);
	blob_writer_abort(&w);
}

/* A run that kept nothing (a dry run, a refused file, rows in error) is recorded on its
 * own, in a short transaction; so are the probes it answered. */
static enum outcome record_unkept(struct run *r, json_t *result, const char *status,
				  const char *started)
{
	json_object_set_new(result, "status", json_string(status));
	if (tx_begin(r->cx->db) != OUT_OK)
		return OUT_INTERNAL;
	int rc = record(r, result, status, started, true);
	json_object_set_new(result, "id", json_integer(r->import_id));
	if (rc == STORE_OK)	/* a clean dry run confirms a mapping */
		rc = remember_mapping(r, strcmp(status, "checked") == 0);
	if (rc == STORE_OK)	/* again, now that the result knows its id */
		rc = record(r, result, status, started, false);
	if (tx_end(r->cx->db, OUT_OK, rc) != OUT_OK)
		return OUT_INTERNAL;	/* an unrecorded run is not answered */
	keep_errors(r, result);
	if (r->o->errors_out && r->errors_total) {	/* the command line's --errors */
		int w = import_workbook_errors(r->o->path, result, &r->marks, r->o->lang,
					       r->o->errors_out);
		json_object_set_new(result, "errors_out", json_string(w == 0 ? "written" : w == -2
					? "exists" : "failed"));
	}
	return person_probes_audit(r->cx, &r->probes, OUT_INVALID) == OUT_INVALID ? OUT_OK
		: OUT_INTERNAL;
}

enum outcome import_run(struct ctx *cx, const struct import_opts *o, json_t **out)
{
	char started[21], sha[65] = "";
	long long bytes = 0;
	*out = NULL;
	if (!import_kind_known(o->kind))
		verrors_add(cx->errs, "kind", "import_kind_unknown");
	if (!o->file_name || strlen(o->file_name) > IMPORT_MAX_NAME)
		verrors_add(cx->errs, "name", o->file_name ? "too_long" : "required");
	if (cx->errs->n)
		return OUT_INVALID;
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	audit_now(started);
	if (sodium_init() < 0 || file_sha256(o->path, sha, &bytes) != 0)
		return OUT_INTERNAL;
	if (import_expire_errors(cx, IMPORT_ERRORS_KEEP) < 0)	/* old workbooks first: a */
		return OUT_INTERNAL;	/* store that fails here would fail the run too */
	json_t *result = json_pack("{s:s, s:b, s:{s:s, s:I, s:s}}", "kind", o->kind,
		"dry_run", o->dry_run, "file", "name", o->file_name, "bytes", (json_int_t)bytes,
		"sha256", sha);
	/* a load's page caches (both passes read the same pages: the check warms the write) */
	if (store_scratch(cx->db, true) != STORE_OK || store_load(cx->db, true, false) != STORE_OK ||
	    store_exec(cx->db, "CREATE TEMPORARY TABLE IF NOT EXISTS import_seen"
		       " (k TEXT PRIMARY KEY, sheet INTEGER NOT NULL, row_number INTEGER NOT NULL)",
		       "") != STORE_OK ||
	    store_exec(cx->db, "CREATE TEMPORARY TABLE IF NOT EXISTS import_seen_id"
		       " (id INTEGER PRIMARY KEY, sheet INTEGER NOT NULL, row_number INTEGER NOT NULL)",
		       "") != STORE_OK) {
		store_load(cx->db, false, false);
		store_scratch(cx->db, false);
		json_decref(result);
		return OUT_INTERNAL;
	}

	struct run r;
	struct stat file;
	if (stat(o->path, &file) != 0)
		memset(&file, 0, sizeof(file));	/* the check says what is wrong with it */
	run_init(&r, cx, o, false);
	if (!load_mapping(&r) || cx->errs->n) {
		bool bad = cx->errs->n > 0;
		run_release(&r);
		store_load(cx->db, false, false);
		store_scratch(cx->db, false);
		json_decref(result);
		return bad ? OUT_INVALID : OUT_INTERNAL;
	}
	enum outcome res = check_pass(&r);
	run_result(&r, result);
	bool clean = res == OUT_OK && !r.errors_total;
	if (clean && !o->dry_run) {
		struct run w;
		run_init(&w, cx, o, true);
		res = load_mapping(&w) ? write_pass(&w, result, started, &r, &file) : OUT_INTERNAL;
		clean = res == OUT_OK;
		if (res == OUT_INVALID) {	/* the database changed since the check */
			run_release(&r);
			r = w;
		} else
			run_release(&w);
	}
	if (!clean && (res == OUT_OK || res == OUT_INVALID)) {
		enum outcome rec = record_unkept(&r, result, "failed", started);
		res = rec == OUT_OK ? OUT_INVALID : rec;
	} else if (clean && o->dry_run) {
		res = record_unkept(&r, result, "checked", started);
	}
	run_release(&r);
	store_load(cx->db, false, false);	/* after a rollback: forgets what it dropped */
	store_scratch(cx->db, false);
	if (res == OUT_OK || res == OUT_INVALID)
		*out = result;
	else	/* the store failed: nothing to tell but that */
		json_decref(result);
	return res;
}
