/*
 * worklist: the follow-up rules (followup_rules) evaluated over the records in the
 * actor's scope. A rule is data: a condition over the facts that one followup_pass works
 * out for every person and household (see followup_pass.h), and optionally a `detail`
 * query, run per entry listed, that reads the one-row table k of the pass's dates. A
 * household or person is on a rule's list while its records meet the condition; fixing
 * the records takes it off. Nothing is stored: every count and list is computed when
 * asked for.
 */
#ifndef ANJU_DOMAIN_WORKLIST_H
#define ANJU_DOMAIN_WORKLIST_H

#include <jansson.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* {"items": [{"rule", "level", "setting", "value", "count"}], "today"} for active rules. */
enum outcome worklist_counts(struct ctx *cx, json_t **out);
/* The same from a pass already run with PASS_RULE_FACTS. */
struct followup_pass;
enum outcome worklist_counts_of(struct ctx *cx, const struct followup_pass *p, json_t **out);
/* One rule's entries in household then person order, `limit` from after the cursor
 * `after` ("HOUSEHOLD-PERSON", NULL for the start): {"rule", "items": [{household_id,
 * number, head_name, person_id, person_name, detail, responsible_person, origin_town,
 * dest_community}], "next"}. limit 0 means every entry (exports). OUT_NOT_FOUND for an
 * unknown or inactive rule. */
enum outcome worklist_entries(struct ctx *cx, const char *rule, const char *after, int limit,
			      json_t **out);
/* A rule's entries read a page at a time, for exports of any length: the pass runs once
 * when the cursor opens and keeps only the entries' ids (16 bytes each); each read builds
 * the rows of the next `max` entries. The cursor owns all it holds, so it may outlive the
 * arena of the ctx it was opened with; every read takes a ctx of its own. */
struct worklist_cursor;
/* OUT_NOT_FOUND for an unknown or inactive rule, OUT_TOO_LARGE when memory runs out. */
enum outcome worklist_open(struct ctx *cx, const char *rule, struct worklist_cursor **out);
int64_t worklist_cursor_count(const struct worklist_cursor *c);
/* The next entries as an array of the items worklist_entries gives (empty at the end). */
enum outcome worklist_read(struct ctx *cx, struct worklist_cursor *c, int max, json_t **items);
void worklist_close(struct worklist_cursor *c);
/* The rules with their settings: {"rules": [...], "settings": {key: {value, min, max}}}. */
enum outcome worklist_rules(struct ctx *cx, json_t **out);
/* Admin: {"settings": {key: value}, "rules": {key: active}} — audited. */
enum outcome worklist_rules_put(struct ctx *cx, json_t *body, json_t **out);

#endif
