/*
 * business: 致富大家干, the start-up register: a business (name, kind, community, address,
 * founded day, status, employees) founded by persons of the register, the support it
 * received (loans, subsidies, training: kind, amount, day, source), and the jobs of the
 * employment ledger that point to it (jobs.business_id: a founder's self-employment, or work
 * in it; jobs.c checks the link).
 *
 * Scope: a business belongs to a community; a user sees the businesses of communities
 * within their scope, and outside it a business does not exist for them (404). A founder
 * outside the scope is 404 as well. Changes are audited as entity "business"; they are in
 * the change trail of each founder's household.
 */
#ifndef ANJU_BUSINESS_H
#define ANJU_BUSINESS_H
#include <jansson.h>
#include <stdbool.h>

#include "core/outcome.h"
#include "domain/actor.h"

extern const char *const business_kinds[];	/* retail, catering, handicraft, ... */
extern const char *const business_statuses[];	/* operating, suspended, closed */
extern const char *const business_support_kinds[];	/* loan, subsidy, training */

/* {"name", "kind", "community", "address", "founded_on", "founders": [person ids],
 * "status", "employees"} → the business with its founders. At least one founder. */
enum outcome business_create(struct ctx *cx, json_t *body, json_t **out);
/* One business with its founders, support and jobs; OUT_NOT_FOUND outside the scope. */
enum outcome business_get(struct ctx *cx, int64_t id, json_t **out);
void business_etag(json_t *business, char out[48]);
/* {"name", "address", "status", "employees"}: what the body names, under the ETag. */
enum outcome business_patch(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			    json_t **out);
/* {"kind", "amount", "granted_on", "source"} → the support row (amount in yuan, >= 0). */
enum outcome business_add_support(struct ctx *cx, int64_t id, json_t *body, json_t **out);

struct business_filter {
	const char *community;	/* a division code prefix */
	const char *kind, *status;
	int64_t person_id;	/* businesses a person founded */
	int64_t after;		/* keyset: businesses with a larger id */
	int limit;
};
/* {"items": [... with founders' names, "jobs" and "support_amount"], "next"}, by id. */
enum outcome business_list(struct ctx *cx, const struct business_filter *f, json_t **out);
/* The start-ups within the scope (and the filter's community): totals and by kind:
 * businesses, operating, founders, employees, jobs (current jobs pointing to them),
 * support (rows) and support_amount; and home_jobs, the current home-employment jobs of
 * persons within the scope. */
enum outcome business_figures(struct ctx *cx, const char *community, json_t **out);
#endif
