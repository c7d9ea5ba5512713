/*
 * report: the county's figures, computed by queries over the records within the user's
 * scope — never stored as totals. Closed households and persons no longer members
 * (deceased, moved out) are not counted.
 */
#ifndef ANJU_REPORT_H
#define ANJU_REPORT_H
#include <jansson.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* {households, persons, registered_poor_households, registered_poor_persons,
 *  synchronous_households, synchronous_persons, by_town: [...], by_community: [...]} */
enum outcome report_county(struct ctx *cx, json_t **out);
#endif
