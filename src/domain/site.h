/*
 * site: resettlement sites (安置点) in a destination community, their buildings (楼栋) and
 * rooms (单元/房号). A household is placed in a room; a room holds one open household.
 */
#ifndef ANJU_SITE_H
#define ANJU_SITE_H
#include <jansson.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* Sites within the actor's scope, with building, room and occupancy counts. */
enum outcome site_list(struct ctx *cx, json_t **out);
/* {"name", "community_code"} → the new site. */
enum outcome site_create(struct ctx *cx, json_t *body, json_t **out);
/* {"name", "units", "floors", "rooms_per_floor"} → a building with its rooms numbered
 * unit by unit, floor by floor: 1单元 101, 102, ... */
enum outcome site_add_building(struct ctx *cx, int64_t site_id, json_t *body, json_t **out);
/* Rooms of a site, optionally only the free ones, keyset-paginated by room id. */
enum outcome site_rooms(struct ctx *cx, int64_t site_id, bool free_only, int64_t after,
			int limit, json_t **out);
#endif
