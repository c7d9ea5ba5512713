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
#endif
