/*
 * ledger: what the follow-up ledgers share — the settings the rules and ages read, rows as
 * JSON, and the checks before a person's or a household's ledger is read or written.
 */
#ifndef ANJU_DOMAIN_LEDGER_H
#define ANJU_DOMAIN_LEDGER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* followup_settings, as integers (see 003_followup.sql). */
struct followup_settings {
	int labor_age_min, labor_age_max, school_age_min, school_age_max, pension_age;
	int idle_months, visit_days, step_grace_days;
};

/* Birth-date bounds and cut-off dates derived from the settings and a day, as YYYY-MM-DD:
 * a labor-force person is born in (labor_born_after, labor_born_by], and so on. */
struct followup_dates {
	char today[11];
	char labor_born_after[11], labor_born_by[11];
	char school_born_after[11], school_born_by[11];
	char pension_born_by[11];
	char idle_since[11], visited_since[11], due_before[11];
};

/* Reads the settings; false on a storage error. */
bool followup_settings_load(struct ctx *cx, struct followup_settings *s);
void followup_dates_for(const struct followup_settings *s, long today, struct followup_dates *d);
/* The day `years` years before `day` (29 February → 28 February). */
long date_years_before(long day, int years);

/* Rows of a query as a JSON array of objects: `names` is a space-separated list of keys,
 * `kinds` one character per column: 'i' integer, 'r' real, 't' text, 'b' boolean (NULL
 * columns become null). NULL on a storage error. */
json_t *ledger_rows(struct ctx *cx, const char *names, const char *kinds, const char *sql,
		    const char *types, ...);

/* A person visible to the actor (OUT_NOT_FOUND otherwise); with `write`, also a current
 * member of an open household, and the actor may keep registry ledgers. *person is the
 * person's JSON (the caller releases it) when the answer is OK. */
enum outcome ledger_person(struct ctx *cx, int64_t person_id, bool write, json_t **person);
/* OUT_OK when the person is visible to the actor (for reading their ledgers). */
enum outcome ledger_person_visible(struct ctx *cx, int64_t person_id);
/* {"items": rows} in *out; OUT_INTERNAL (and *out NULL) when rows is NULL. Takes rows. */
enum outcome ledger_items(json_t *rows, json_t **out);
/* The same for a household's ledgers. */
enum outcome ledger_household(struct ctx *cx, int64_t household_id, bool write, json_t **household);

/* "2019-05-01" as a day number; -1 for NULL or bad text. */
long ledger_day(const char *date);
/* Age in whole years on `day` of a person born on the YYYY-MM-DD `birth`. */
int ledger_age(const char *birth, long day);

#endif
