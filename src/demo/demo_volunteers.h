/* demo_volunteers: the generated county's volunteers, their assignments, a year of visits
 * and the needs ledger (困难大家帮). */
#ifndef ANJU_DEMO_VOLUNTEERS_H
#define ANJU_DEMO_VOLUNTEERS_H

#include <stdint.h>

#include "domain/actor.h"

/* Inside the caller's transaction, after the demo's users: in 团山 and 育才, one building
 * leader for each of the first buildings of the community's sites (building-to-building),
 * party members with a handful of households each (one-to-one, point-to-point) and a few
 * other volunteers; every volunteer account logs in with the demo password (tsdy01 is
 * 团山's first party member). A year of visits and return visits to their households up to
 * today, and the needs raised at some of them: most resolved by their due day, some late,
 * some still open, a few overdue. *volunteers, *visits and *needs count them. A store rc. */
int demo_volunteers(struct ctx *cx, uint64_t seed, long *volunteers, long *visits, long *needs);

#endif
