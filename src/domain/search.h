/*
 * search: the one search box (规范查询). A query is read by its shape:
 *  - digits (an ID number may end in X): ID number prefix or last digits, phone prefix,
 *    household number prefix;
 *  - Latin letters: pinyin initials (zw → 张伟), then full pinyin (zhangwei);
 *  - anything with Chinese characters: the name/place index (bigrams, so 张伟 is found).
 * Results lie within the user's scope.
 */
#ifndef ANJU_SEARCH_H
#define ANJU_SEARCH_H
#include <jansson.h>

#include "core/outcome.h"
#include "domain/actor.h"

#define SEARCH_MAX_QUERY 64

enum outcome search_run(struct ctx *cx, const char *q, int limit, json_t **out);
/* Writes the masked form of an ID number: first 6 and last 4 characters shown. */
void search_mask_id(const char *id, char out[19]);
#endif
