/*
 * evaluation: 文明大家比 / 陋习大家改, the evaluations of model households and persons:
 * schemes (卫生示范户, 文明示范户, 创业示范户, 道德示范户, 遵纪守法好公民, and the
 * civilized-community evaluation of residents) for a period in a community or a town, with
 * criteria (a score range min..max and a weight each), the evaluators' scores of each subject
 * on each criterion, the results (a weighted score 0..100, a rank, awarded or not), their
 * approval (by whom, when; the scores are frozen from then on) and publication.
 *
 * The result rule (decisions.md, 2026-11-29): a criterion's score of a subject is the mean
 * over the evaluators who scored it, taken as a share of its range ((mean - min) / (max -
 * min)); the subject's score is the weighted sum of those shares times 100, the weights
 * being positive and summing to 100. A subject scored on some criteria only is incomplete:
 * no score, no rank, no award. Ranks are by score, best first, equal scores (to 0.01)
 * sharing a rank (1, 1, 3). Awarded: a score at least the scheme's award_threshold, or a
 * rank within its award_top.
 *
 * Scope: a scheme runs in a community or a town; a user sees the schemes of the divisions
 * within their scope (a community worker their community's, a town officer their town's and
 * its communities'); outside it a scheme does not exist (404). A subject outside the actor's
 * scope is 404; within it but outside the scheme's division, a field error.
 */
#ifndef ANJU_EVALUATION_H
#define ANJU_EVALUATION_H
#include <jansson.h>
#include <stdbool.h>

#include "core/outcome.h"
#include "domain/actor.h"

extern const char *const evaluation_kinds[];	/* hygiene_household, civilized_household, ... */
extern const char *const evaluation_subject_kinds[];	/* household, person */
extern const char *const evaluation_statuses[];	/* open, approved, published */

/* {"kind", "title"?, "subject", "division", "period_from", "period_to", "award_threshold" or
 * "award_top", "criteria": [{"code", "name", "min", "max", "weight"}]} → the scheme (open). */
enum outcome evaluation_create(struct ctx *cx, json_t *body, json_t **out);
/* One scheme within the scope, with its criteria and counts (subjects, scores, evaluators). */
enum outcome evaluation_get(struct ctx *cx, int64_t id, json_t **out);
void evaluation_etag(json_t *scheme, char out[48]);

/* {"household_id" or "person_id" (as the scheme's subject), "evaluator"? (default: the
 * user's name), "scores": {"<criterion code>": number, ...}}: sets that evaluator's scores
 * of the subject (each in its criterion's range), while the scheme is open. → the subject
 * with every evaluator's scores. Scores as they were already write nothing (cx->unchanged). */
enum outcome evaluation_score(struct ctx *cx, int64_t id, json_t *body, json_t **out);

/* The results of a scheme: {"scheme": {...}, "items": [...]} best first (incomplete
 * subjects last), computed from the scores while open, as approved after. */
enum outcome evaluation_results(struct ctx *cx, int64_t id, json_t **out);

/* {"action": "approve"} (an open scheme with at least one fully scored subject: its
 * results are computed and kept, the scores frozen) | {"action": "publish"} (an approved
 * one), under the scheme's ETag (without If-Match, as it is). */
enum outcome evaluation_act(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			    json_t **out);

/* Computes and keeps the results of scheme `id` in the caller's write transaction (the
 * approval, the demo county); *complete counts the subjects ranked. Returns a store_rc. */
int evaluation_settle(struct ctx *cx, int64_t id, int64_t *complete);

/* For the subject's two files (evaluation.c writes what evaluation_read.c reads), not
 * audited: one scheme within the scope with its criteria and counts, and one subject with
 * every evaluator's scores ({"evaluator", "scores": {code: n}}); NULL when there is none
 * (or on a storage error: store_failed_in_tx tells). */
json_t *evaluation_load(struct ctx *cx, int64_t id);
json_t *evaluation_subject_load(struct ctx *cx, int64_t subject_id);

struct evaluation_filter {
	const char *kind, *status;
	const char *community;	/* a division code prefix */
	int64_t year;		/* 0: any */
	int64_t after;		/* keyset: schemes with a smaller id (newest first) */
	int limit;
};
/* {"items": [...], "next": "id" or null}, newest first. */
enum outcome evaluation_list(struct ctx *cx, const struct evaluation_filter *f, json_t **out);

/* The awards of a household and its members (schemes approved or published), newest
 * first: {"items": [...]}; 404 outside the scope. */
enum outcome evaluation_awards(struct ctx *cx, int64_t household_id, json_t **out);

/* The figures within the scope (and the community prefix, if any): schemes, subjects and
 * awards in total, by kind, by community and by year. */
enum outcome evaluation_figures(struct ctx *cx, const char *community, json_t **out);
#endif
