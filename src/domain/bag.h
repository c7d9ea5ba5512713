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
#endif
