/* demo_activities: the generated county's community activities (邻里大家走) with their
 * attendance, and its start-ups with founders, support and jobs, and home employment
 * (致富大家干). */
#ifndef ANJU_DEMO_ACTIVITIES_H
#define ANJU_DEMO_ACTIVITIES_H

#include <stdint.h>

#include "domain/actor.h"

struct demo_activities_summary {
	long activities, attendances, businesses, support, home_jobs;
};

/* Inside the caller's transaction, after the follow-up ledgers: a year of activities up to
 * today in every destination community, with attendance by members of its households; a
 * start-up for about one self-employed person in five (the job then points to it), with a
 * second founder of the household now and then, and support received; one flexible job in
 * four turned into home employment (居家就业). Deterministic for a seed. A store rc. */
int demo_activities(struct ctx *cx, uint64_t seed, struct demo_activities_summary *sum);

#endif
