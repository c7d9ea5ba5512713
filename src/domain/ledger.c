/* ledger: settings, rows as JSON and the checks the follow-up ledgers share. */
#include "domain/ledger.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "domain/household.h"
#include "domain/person.h"

bool followup_settings_load(struct ctx *cx, struct followup_settings *s)
{
	static const struct { const char *key; size_t offset; } map[] = {
		{"labor_age_min", offsetof(struct followup_settings, labor_age_min)},
		{"labor_age_max", offsetof(struct followup_settings, labor_age_max)},
		{"school_age_min", offsetof(struct followup_settings, school_age_min)},
		{"school_age_max", offsetof(struct followup_settings, school_age_max)},
		{"pension_age", offsetof(struct followup_settings, pension_age)},
		{"idle_months", offsetof(struct followup_settings, idle_months)},
		{"visit_days", offsetof(struct followup_settings, visit_days)},
		{"step_grace_days", offsetof(struct followup_settings, step_grace_days)},
	};
	*s = (struct followup_settings){16, 60, 6, 15, 60, 12, 90, 0};
	struct store_rows *r = store_query(cx->db, "SELECT key, value FROM followup_settings", NULL);
	while (store_next(r))
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strcmp(store_text(r, 0), map[i].key) == 0)
				*(int *)((char *)s + map[i].offset) = (int)store_int(r, 1);
	return store_finish(r) == STORE_OK;
}

long date_years_before(long day, int years)
{
	int y, m, d;
	date_from_days(day, &y, &m, &d);
	y -= years;
	if (m == 2 && d == 29 && !date_valid(y, m, d))
		d = 28;
	return date_days(y, m, d);
}

static long months_before(long day, int months)
{
	int y, m, d;
	date_from_days(day, &y, &m, &d);
	m -= months;
	while (m < 1) {
		m += 12;
		y--;
	}
	while (!date_valid(y, m, d))
		d--;
	return date_days(y, m, d);
}

void followup_dates_for(const struct followup_settings *s, long today, struct followup_dates *d)
{
	date_format(today, d->today);
	/* aged a..b on `today`: born after today-(b+1) years, and on or before today-a years */
	date_format(date_years_before(today, s->labor_age_max + 1), d->labor_born_after);
	date_format(date_years_before(today, s->labor_age_min), d->labor_born_by);
	date_format(date_years_before(today, s->school_age_max + 1), d->school_born_after);
	date_format(date_years_before(today, s->school_age_min), d->school_born_by);
	date_format(date_years_before(today, s->pension_age), d->pension_born_by);
	date_format(months_before(today, s->idle_months), d->idle_since);
	date_format(today - s->visit_days, d->visited_since);
	date_format(today - s->step_grace_days, d->due_before);
}

json_t *ledger_rows(struct ctx *cx, const char *names, const char *kinds, const char *sql,
		    const char *types, ...)
{
	char keys[32][40];
	int n = 0;
	for (const char *p = names; *p && n < 32;) {
		size_t len = strcspn(p, " ");
		snprintf(keys[n++], sizeof(keys[0]), "%.*s", (int)len, p);
		p += len;
		p += strspn(p, " ");
	}
	va_list ap;
	va_start(ap, types);
	struct store_rows *r = store_vquery(cx->db, sql, types, ap);
	va_end(ap);
	json_t *arr = json_array();
	while (store_next(r)) {
		json_t *o = json_object();
		for (int c = 0; c < n && kinds[c]; c++) {
			json_t *v;
			if (store_null(r, c))
				v = json_null();
			else if (kinds[c] == 'i')
				v = json_integer(store_int(r, c));
			else if (kinds[c] == 'r')
				v = json_real(store_double(r, c));
			else if (kinds[c] == 'b')
				v = json_boolean(store_int(r, c));
			else
				v = json_string(store_text(r, c));
			json_object_set_new(o, keys[c], v);
		}
		json_array_append_new(arr, o);
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum outcome ledger_person(struct ctx *cx, int64_t person_id, bool write, json_t **person)
{
	*person = person_load(cx, person_id);
	if (!*person)
		return OUT_NOT_FOUND;
	enum outcome res = OUT_OK;
	if (write) {
		int64_t hh = json_integer_value(json_object_get(*person, "household_id"));
		res = household_writable(cx, hh);
		if (res == OUT_OK && strcmp(json_string_value(json_object_get(*person, "status")),
					    "member") != 0) {
			verrors_add(cx->errs, "person_id", "person_not_member");
			res = OUT_CONFLICT;
		}
	}
	if (res != OUT_OK) {
		json_decref(*person);
		*person = NULL;
	}
	return res;
}

enum outcome ledger_person_visible(struct ctx *cx, int64_t person_id)
{
	json_t *p = NULL;
	enum outcome res = ledger_person(cx, person_id, false, &p);
	json_decref(p);
	return res;
}

enum outcome ledger_items(json_t *rows, json_t **out)
{
	*out = rows ? json_pack("{s:o}", "items", rows) : NULL;
	return rows ? OUT_OK : OUT_INTERNAL;
}

enum outcome ledger_household(struct ctx *cx, int64_t household_id, bool write, json_t **household)
{
	*household = NULL;
	enum outcome res = write ? household_writable(cx, household_id) : OUT_OK;
	if (res == OUT_OK)
		res = household_get(cx, household_id, household);
	return res;
}

long ledger_day(const char *date)
{
	int y, m, d;
	return date && date_parse(date, &y, &m, &d) ? date_days(y, m, d) : -1;
}

int ledger_age(const char *birth, long day)
{
	long b = ledger_day(birth);
	return b < 0 ? -1 : date_age(b, day);
}
