/* demo_petitions: the generated county's suggestions and petitions (有话大家说). */
#ifndef ANJU_DEMO_PETITIONS_H
#define ANJU_DEMO_PETITIONS_H

#include <stdint.h>

#include "domain/actor.h"

/* Inside the caller's transaction (committed and reopened every 20,000 petitions): a year of
 * petitions up to today from about one household in twelve, at the five channels, some
 * anonymous; most replied by their deadline, a few late, a few forgotten past it (breached),
 * some rated, a few of the dissatisfied appealed. *n counts them. A store rc. */
int demo_petitions(struct ctx *cx, uint64_t seed, long *n);

#endif
