/*
 * search: the one search box (规范查询). A query is read by its shape:
 *  - digits (an ID number may end in X): ID number prefix or last digits, phone prefix,
 *    household number prefix;
 *  - Latin letters: pinyin initials (zw → 张伟), then full pinyin (zhangwei);
 *  - anything with Chinese characters: the name/place index (bigrams, so 张伟 is found).
 * Results lie within the user's scope.
 *
 * Roles that see numbers masked (privacy.h) may not search by part of a number: their
 * digit queries match whole ID numbers, phones and household numbers exactly, and a digit
 * query shorter than any whole number (SEARCH_MIN_WHOLE_NUMBER) is refused with the field
 * error q: whole_number_required.
 */
#ifndef ANJU_SEARCH_H
#define ANJU_SEARCH_H
#include <jansson.h>

#include "core/outcome.h"
#include "domain/actor.h"

#define SEARCH_MAX_QUERY 64
#define SEARCH_MIN_WHOLE_NUMBER 11	/* a mobile number; ID and household numbers are longer */

enum outcome search_run(struct ctx *cx, const char *q, int limit, json_t **out);

/* What a search may be narrowed to, as the households list is (household_list): the town
 * of origin (9 digits), the community of destination (12), the category; NULL for any. */
struct search_filter {
	const char *town, *community, *category;
};
/* search_run within the filter's households (f NULL: none): the hits whose household is
 * not of the filter are not counted either. */
enum outcome search_run_filtered(struct ctx *cx, const char *q, const struct search_filter *f,
				 int limit, json_t **out);

/* Adds to each result of search_run (in place) the facts that tell people apart on a
 * page: the household's origin (origin_town_name, origin_village_name), where it lives
 * now (dest_community_name, room), its head (head_name) and number, and a person's age
 * (never the birth date). Results were scoped by search_run; OUT_INTERNAL when a read
 * fails. */
enum outcome search_describe(struct ctx *cx, json_t *results);
#endif
