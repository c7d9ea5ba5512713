/*
 * import_column: the columns an import reads — the households template's columns (the
 * header words that name each, the kind of value, the option lists and their words), how a
 * header or a typed value is compared (without spaces, marks or notes), dates as people
 * type them, and the keys a mapping names columns by (a ledger's by its fields). Private to
 * the import's files: import.c (the run), import_read.c, import_workbook.c.
 */
#ifndef ANJU_DOMAIN_IMPORT_COLUMN_H
#define ANJU_DOMAIN_IMPORT_COLUMN_H
#include <stdbool.h>
#include <stddef.h>

#include "core/msg.h"
#include "core/rowread.h"
#include "domain/ledger.h"

/* A ledger's columns an import reads, besides the ID number and the name. */
#define IMPORT_LEDGER_FIELDS LEDGER_MAX_FIELDS

enum field {
	F_NUMBER, F_HEAD_ID, F_CATEGORY, F_STATUS, F_ORIGIN_TOWN, F_ORIGIN_VILLAGE, F_DEST,
	F_DATE, F_HPHONE, F_NOTE,
	F_ID, F_NAME, F_GENDER, F_BIRTH, F_RELATION, F_ETHNICITY, F_EDUCATION, F_HEALTH,
	F_LABOR, F_PHONE, NF
};

/* A column of the households template: its name in the API's body, the header words that
 * name it (the first is the template's; earlier words win when two columns name one
 * field: 姓名 over 户主姓名), what kind of value, and for coded values their list and the
 * prefix of their words in the catalogues. */
struct import_column {
	const char *field;
	const char *words[12];
	char type;	/* t text, o option, d date, i ID number, w town, v village, c community */
	bool member;
	bool required;
	const char *const *options;
	const char *prefix;
	const char *example;
};

extern const struct import_column import_column_defs[NF];

/* Header or value as compared: no spaces (ASCII, no-break, ideographic), no marks of a
 * required column (* ＊), ASCII lower-cased; for headers also no bracketed note ("(必填)"). */
void import_column_squeeze(const char *in, char *out, size_t cap, bool header);
/* The households column a header names and how strongly (*rank, lower is stronger); -1. */
int import_column_of_header(const char *text, int *rank);
/* A coded value as typed (its code, its words in either language, a common synonym) as
 * the option's code; NULL when none. */
const char *import_column_option(const struct import_column *c, const char *value);
/* A date as typed (2019-05-01, 2019/5/1, 2019.5.1, 2019年5月1日, 20190501, an Excel day
 * number in the 1900 or 1904 system) as YYYY-MM-DD; false when it is none. */
bool import_column_date(const struct rowread_cell *c, bool from1904, char out[11]);
/* A households column's name in lang. */
const char *import_column_label(int f, enum lang lang);
/* The key a mapping names column i by: of the households columns (l NULL: the field, the
 * household's phone as household_phone), or of ledger l's (0 id_number, 1 name, 2 + k its
 * field k); and how many columns there are. */
const char *import_column_key(const struct ledger *l, int i);
int import_column_count(const struct ledger *l);
/* The ledger whose columns an import of kind reads (jobs, trainings, guarantees); NULL for
 * households or a kind the import does not know. */
const struct ledger *import_column_ledger(const char *kind);
#endif
