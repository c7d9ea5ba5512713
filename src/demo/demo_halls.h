/* demo_halls: the generated county's two halls — their sections, exhibits and a year of
 * visits. */
#ifndef ANJU_DEMO_HALLS_H
#define ANJU_DEMO_HALLS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/actor.h"

/* The Homesickness Hall's visitors over the year up to today: the article's "more than
 * 600", exactly. */
#define DEMO_HOMESICKNESS_VISITORS 612

struct demo_halls_summary {
	long sections, exhibits, visits, homesickness_visitors;
};

/* Inside the caller's transaction, after demo_services made the halls: the Homesickness
 * Hall's four chapters (感恩, 寻根, 记忆, 展望) and the Urban Experience Hall's five
 * sections; exhibits given by households of the hall's community (new items of their
 * files, with a generated photograph when `pictures`, else objects described) and objects
 * the halls hold; a year of visits up to today, the Homesickness Hall's adding up to
 * DEMO_HOMESICKNESS_VISITORS people. A store rc. */
int demo_halls(struct ctx *cx, uint64_t seed, bool pictures, struct demo_halls_summary *sum);

#endif
