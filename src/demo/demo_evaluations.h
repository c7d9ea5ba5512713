/* demo_evaluations: the generated county's evaluations of model households (文明大家比). */
#ifndef ANJU_DEMO_EVALUATIONS_H
#define ANJU_DEMO_EVALUATIONS_H

#include <stdint.h>

#include "domain/actor.h"

struct demo_evaluations_summary {
	long schemes, subjects, scores, awards;
};

/* Inside the caller's transaction: in 团山 and 育才, last year's six evaluations (卫生,
 * 文明, 创业 and 道德示范户 of households; 遵纪守法好公民 and the civilized-community
 * residents' evaluation of persons) scored by three evaluators each, approved and
 * published; and this year's 文明示范户 still being scored. A store rc. */
int demo_evaluations(struct ctx *cx, uint64_t seed, struct demo_evaluations_summary *sum);

#endif
