/*
 * bag: a household's file as a BagIt 1.0 bag (RFC 8493), laid out as a tar stream:
 *   NUMBER/bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt,
 *   NUMBER/data/metadata.json            the household, members, items and files
 *   NUMBER/data/items/CODE/ID-NAME        every file of every item, all versions
 * External-Identifier is the household's file reference (COUNTY-HOUSEHOLD NUMBER).
 */
#ifndef ANJU_BAG_H
#define ANJU_BAG_H
#include "core/outcome.h"
#include "core/tar.h"
#include "domain/actor.h"

#define BAG_ORGANIZATION "松桃苗族自治县易地扶贫搬迁档案 (Songtao Miao Autonomous County relocation archive)"

/* Fills t (initialised by the caller) with the household's bag; *name gets the household
 * number (the bag's folder). */
enum outcome bag_build(struct ctx *cx, int64_t household_id, struct tar *t, char name[40]);

/* The households a community's export writes: those resettled in `community` (12 digits)
 * and not closed, by id. ids and numbers are the caller's to free(); the number strings
 * live in cx->arena. */
struct bag_households {
	int64_t *ids;
	char **numbers;
	size_t n;
};
/* Returns a store_rc (STORE_ERROR when memory ran out); h holds what was read either way. */
int bag_community_households(struct ctx *cx, const char *community, struct bag_households *h);
#endif
