/* demo_followup: the generated county's follow-up ledgers (see demo_followup.c). */
#ifndef ANJU_DEMO_FOLLOWUP_H
#define ANJU_DEMO_FOLLOWUP_H

#include <stdint.h>

#include "domain/actor.h"

/* Inside the caller's transaction (committed and reopened every 20,000 households):
 * employers, jobs, trainings, guarantees, schooling, family doctors, plots, steps, visits,
 * and exactly `files` labor-capacity items in `volumes` persons' volumes. A store rc. */
int demo_followup(struct ctx *cx, uint64_t seed, long volumes, long files);

#endif
