/* ledgers: the list of every ledger (ledger.h), and what walks it: finding a ledger by
 * name, and the household's change trail over every ledger. A new ledger adds its
 * descriptor here. */
#include "domain/ledger.h"

#include <string.h>

#include "core/check.h"
#include "domain/audit.h"

extern const struct ledger visits_ledger, plots_ledger, steps_ledger, jobs_ledger,
	trainings_ledger, guarantees_ledger, schooling_ledger, family_doctor_ledger,
	needs_ledger;

const struct ledger *const ledgers[] = {
	&visits_ledger, &plots_ledger, &steps_ledger,
	&jobs_ledger, &trainings_ledger, &guarantees_ledger, &schooling_ledger,
	&family_doctor_ledger, &needs_ledger,
	NULL,
};

/* ---------------------------------------------------------------- finding one */

const struct ledger *ledger_find(const char *name, enum ledger_owner owner)
{
	for (int i = 0; name && ledgers[i]; i++)
		if (ledgers[i]->owner == owner && strcmp(ledgers[i]->name, name) == 0)
			return ledgers[i];
	return NULL;
}

const struct ledger *ledger_find_rows(const char *name)
{
	for (int i = 0; name && ledgers[i]; i++)
		if (ledgers[i]->shape == LEDGER_ROWS && strcmp(ledgers[i]->name, name) == 0)
			return ledgers[i];
	return NULL;
}

/* ---------------------------------------------------------------- the change trail */

json_t *ledger_household_trail(struct ctx *cx, int64_t household_id, int limit, bool values)
{
	struct audit_also also[AUDIT_TRAIL_ALSO_MAX];
	int n = 0;
	for (int i = 0; ledgers[i]; i++) {
		CHECK(n < AUDIT_TRAIL_ALSO_MAX);	/* every ledger in the trail: raise the max */
		const struct ledger *l = ledgers[i];
		const char *ids = NULL;	/* SET and ONE of a household: the household's own id */
		if (l->shape == LEDGER_ROWS && l->owner == LEDGER_OF_HOUSEHOLD)
			ids = arena_printf(cx->arena, "SELECT id FROM %s WHERE household_id = ?",
					   l->table);
		else if (l->shape == LEDGER_ROWS)
			ids = arena_printf(cx->arena, "SELECT t.id FROM %s t JOIN persons p ON"
					   " p.id = t.person_id WHERE p.household_id = ?", l->table);
		else if (l->owner == LEDGER_OF_PERSON)
			ids = "SELECT id FROM persons WHERE household_id = ?";
		also[n++] = (struct audit_also){l->entity, ids};
	}
	/* not a ledger, but filed under the household all the same: its service requests */
	CHECK(n < AUDIT_TRAIL_ALSO_MAX);
	also[n++] = (struct audit_also){"service_request",
		"SELECT id FROM service_requests WHERE household_id = ?"};
	CHECK(n < AUDIT_TRAIL_ALSO_MAX);	/* and its petitions (an anonymous one has none) */
	also[n++] = (struct audit_also){"petition",
		"SELECT id FROM petitions WHERE household_id = ?"};
	CHECK(n < AUDIT_TRAIL_ALSO_MAX);
	also[n++] = (struct audit_also){"evaluation_subject",	/* scores and awards */
		"SELECT id FROM evaluation_subjects WHERE household_id = ?"};
	/* a member's attendance at a community activity (its audit rows are the household's) */
	CHECK(n < AUDIT_TRAIL_ALSO_MAX);
	also[n++] = (struct audit_also){"attendance", NULL};
	/* the start-ups a member founded */
	CHECK(n < AUDIT_TRAIL_ALSO_MAX);
	also[n++] = (struct audit_also){"business", "SELECT f.business_id FROM business_founders f"
		" JOIN persons p ON p.id = f.person_id WHERE p.household_id = ?"};
	/* and the hall visits that represented it, and the exhibits of its items (hall.c) */
	CHECK(n + 2 <= AUDIT_TRAIL_ALSO_MAX);
	also[n++] = (struct audit_also){"hall_visit",
		"SELECT visit_id FROM hall_visit_households WHERE household_id = ?"};
	also[n++] = (struct audit_also){"hall_exhibit", "SELECT e.id FROM hall_exhibits e"
		" JOIN items i ON i.id = e.item_id WHERE i.household_id = ?"};
	return audit_household_trail(cx, household_id, limit, also, n, values);
}

bool ledger_is_entity(const char *entity)
{
	for (int i = 0; entity && ledgers[i]; i++)
		if (strcmp(ledgers[i]->entity, entity) == 0)
			return true;
	return false;
}
