/* api_audit: what the audit API and the auditor's pages share. */
#ifndef ANJU_WEB_API_AUDIT_H
#define ANJU_WEB_API_AUDIT_H
#include <stdbool.h>

#include "domain/audit.h"
#include "web/routes.h"

/* Masks audit rows for roles that may not see identity: ID numbers and phones in the
 * records, and long digit runs in `detail` (what someone searched for). */
void api_audit_mask_rows(const struct request *rq, json_t *rows);
/* The rows as a person reads them, on the page and in its CSV/XLSX alike: masked
 * (api_audit_mask_rows), the action, kind of record, detail and changed fields in words of
 * the request's language, the user as "full name (login)". */
void api_audit_words(struct request *rq, json_t *rows);
/* Admins and auditors review the log and the grants. */
bool api_audit_reviewer(const struct request *rq);
/* Reads user, action, entity+id, from, to, before, limit from the query string into f
 * (strings borrowed from the request); false, with field errors, when any is bad. */
bool api_audit_filter_from_query(struct request *rq, struct audit_filter *f);
/* Answers with the filtered log (at most 10,000 rows) as CSV or XLSX. */
void api_audit_export(struct request *rq, struct audit_filter *f, const char *format);
/* Queues the read event of an answer when res is OK: `records` is the length of out's
 * "items" or "results" list, or 1 for one record. */
void api_audit_answer(struct request *rq, enum outcome res, const char *action, const char *entity,
		  int64_t id, json_t *out, const char *detail);
#endif
