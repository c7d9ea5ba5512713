/* followup: the follow-up settings and the dates derived from them. */
#include "domain/followup.h"

#include <stddef.h>
#include <string.h>

#include "core/date.h"

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
