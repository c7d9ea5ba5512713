/*
 * followup: the settings the follow-up rules and ages read (followup_settings, see
 * 003_followup.sql), and the dates derived from them for a given day.
 */
#ifndef ANJU_DOMAIN_FOLLOWUP_H
#define ANJU_DOMAIN_FOLLOWUP_H

#include <stdbool.h>

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

#endif
