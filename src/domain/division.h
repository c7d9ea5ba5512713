/*
 * division: GB/T 2260 administrative divisions (province 2 digits, city 4, county 6,
 * town 9, village/community 12). The rows for Guizhou and Songtao ship in data/divisions
 * and are loaded on first start.
 */
#ifndef ANJU_DIVISION_H
#define ANJU_DIVISION_H
#include <jansson.h>
#include <stdbool.h>

#include "domain/actor.h"

#define SONGTAO_CODE "520628"
#define SONGTAO_OLD_CODE "522229"

/* Loads the shipped divisions when the table is empty. Returns a store_rc. */
int division_seed(struct store_conn *db, int *loaded);
/* Level of a code by its length (1 province .. 5 village), 0 when no level fits. */
int division_level(const char *code);
/* True when the code exists at the given level (0 = any level). */
bool division_exists(struct store_conn *db, const char *code, int level);
/* Short name of a code into out (empty when unknown). */
void division_name(struct store_conn *db, const char *code, char *out, size_t cap);
/* Lists divisions under `parent` ("" = the province), or all at `level` when level > 0. */
json_t *division_list(struct ctx *cx, const char *parent, int level);
/* Songtao's villages (the places people leave) or, with `communities`, its resettlement
 * communities, by code: [{code, label: "TOWN VILLAGE"}] in short names. Empty when the
 * store fails: a form's choice list, not an answer to rely on. */
json_t *division_places(struct ctx *cx, bool communities);
#endif
