/* routes: the route table and the dispatcher that enforces, from each row, the method,
 * the session, the role, the CSRF token and the body limit before any handler runs. */
#ifndef ANJU_ROUTES_H
#define ANJU_ROUTES_H
#include <stdint.h>

#include "web/request.h"

typedef void (*handler_fn)(struct request *rq);

enum perm {
	PERM_PUBLIC,	/* no session needed */
	PERM_READ,	/* any logged-in user */
	PERM_EDIT,	/* roles that keep the registry */
	PERM_ADMIN,	/* administrators */
	PERM_ARCHIVE,	/* roles that keep the archive */
	PERM_REVIEW,	/* those who review the log and access: administrators and auditors */
	PERM_REVEAL,	/* who may reveal a whole ID number (role_can_reveal) */
	PERM_EXPORT,	/* who may take records away as files (role_can_export); a route
			 * whose answer is a file only when ?format= asks says which formats
			 * in its .export_formats */
};

/* How a row is protected against cross-site request forgery. */
enum csrf_rule {
	CSRF_BY_METHOD = 0,	/* state-changing methods with a cookie session need its token */
	CSRF_LOGIN_COOKIE,	/* the log-in form: a double-submit cookie (there is no session) */
	CSRF_EXEMPT,		/* no ambient credential to abuse; the row says why */
};

/* One row of the route table; routes.c documents each column above the table. */
struct route {
	const char *method;
	const char *pattern;	/* segments; "{id}" captures a positive integer */
	handler_fn handler;
	enum perm perm;
	bool page;		/* an HTML page: no session means a redirect to /login */
	bool upload;		/* the body is multipart/form-data, streamed to the blob store */
	bool upload_raw;	/* uploads: a body that is not multipart is one file, part "file" */
	/* For uploads: checks the target (scope, state) before the body is read, answering
	 * itself and returning false when the upload cannot succeed. */
	bool (*precheck)(struct request *rq);
	enum csrf_rule csrf;
	handler_fn csrf_refused;	/* pages: answers a refused token (default: error page) */
	size_t body_limit;	/* bytes; 0 = the configured default for the kind of route */
	/* The values of ?format= whose answer is a file taken away (CSV, XLSX): with one of
	 * them the request needs the export right (role_can_export) as well as perm; NULL:
	 * none (a PERM_EXPORT row needs it for every answer). */
	const char *const *export_formats;
	/* With a "{key}" in the pattern: which names the row answers (NULL: any name); a
	 * name it refuses makes the row not match, as if its pattern were literal. */
	bool (*key_ok)(const char *key);
};

/* The route table, ending in a row whose method is NULL (for tests and tools). */
const struct route *routes_table(void);
/* Whether a method changes state (everything but GET and HEAD). */
bool route_changes_state(const char *method);
/* Whether the row needs the session's CSRF token when the session came from a cookie. */
bool route_needs_csrf(const struct route *r);
/* For a page upload whose CSRF token is in neither the header nor the URL: true when the
 * form's "csrf" field has come, before the first file part, and is the session's (the
 * request is then settled); false refuses the upload before any file byte is stored. */
bool routes_csrf_before_file(struct request *rq);
/* The largest body the request's route accepts, in bytes, however it is framed. */
uint64_t route_body_limit(const struct request *rq);

/* Matches a path against a pattern, filling ids with the {id} captures. */
bool route_match(const char *pattern, const char *path, int64_t *ids, int *nids);
/* The same, where the pattern may also hold one {key}: a name of lower-case letters,
 * digits, _ and -, copied into key. */
bool route_match_key(const char *pattern, const char *path, int64_t *ids, int *nids,
		     char key[ROUTE_KEY_MAX]);
/* On the headers, before any body is read: finds the route, authenticates, checks the
 * role, the CSRF token when it came as a header (API writes with a cookie session must
 * send it so) and the upload's precheck. Returns false when the request is already
 * answered (404, 405, 401, 403, 303 to /login). */
bool routes_prepare(struct request *rq);
/* After the body: checks a page form's CSRF field when the header did not carry the
 * token, then runs the handler (a GET inside one read snapshot). */
void routes_run(struct request *rq);

/* Handlers (api_*.c). */
void api_index(struct request *rq);
void api_openapi(struct request *rq);
void page_api_docs(struct request *rq);
void api_healthz(struct request *rq);
void api_session_create(struct request *rq);
void api_session_delete(struct request *rq);
void api_me(struct request *rq);
void api_households_list(struct request *rq);
void api_households_create(struct request *rq);
void api_imports_create(struct request *rq);
void api_import_get(struct request *rq);
void api_import_errors(struct request *rq);
void api_import_mappings(struct request *rq);
void api_import_progress(struct request *rq);
struct import_opts;
struct import_progress;
/* Attaches the run named by ?progress= (checked by api_imports_precheck) to o; NULL when none. */
struct import_progress *api_imports_progress(struct request *rq, struct import_opts *o);
void api_import_template(struct request *rq);
bool api_import_template_key(const char *key);
void api_household_get(struct request *rq);
void api_household_patch(struct request *rq);
void api_household_close(struct request *rq);
void api_household_trail(struct request *rq);
void api_persons_list(struct request *rq);
void api_persons_create(struct request *rq);
void api_person_get(struct request *rq);
void api_person_patch(struct request *rq);
void api_person_move(struct request *rq);
void api_person_leave(struct request *rq);
void api_search(struct request *rq);
void api_divisions(struct request *rq);
void api_sites_list(struct request *rq);
void api_sites_create(struct request *rq);
void api_site_buildings_create(struct request *rq);
void api_site_rooms(struct request *rq);
void api_report_county(struct request *rq);
void api_users_list(struct request *rq);
void api_users_create(struct request *rq);
void api_user_get(struct request *rq);
void api_user_patch(struct request *rq);
void api_audit(struct request *rq);
void api_audit_search(struct request *rq);
void api_grants_create(struct request *rq);
void api_grants_list(struct request *rq);
void page_audit(struct request *rq);
void page_audit_export(struct request *rq);
void page_audit_verify(struct request *rq);
void page_access(struct request *rq);
void page_access_post(struct request *rq);
void page_grants(struct request *rq);
void api_items_list(struct request *rq);
void api_items_create(struct request *rq);
bool api_items_precheck(struct request *rq);
bool api_item_files_precheck(struct request *rq);
bool api_imports_precheck(struct request *rq);
void page_imports(struct request *rq);
void page_imports_post(struct request *rq);
void page_import(struct request *rq);
void api_item_get(struct request *rq);
void api_item_patch(struct request *rq);
void api_report_employment(struct request *rq);
void api_report_relocation(struct request *rq);
void api_report_employment_records(struct request *rq);
/* Every ledger's API and pages from its descriptor (api_ledgers.c, pages_ledgers.c); the
 * key_ok tests say which ledgers a {key} row answers. */
void api_ledger_list(struct request *rq);
void api_ledger_append(struct request *rq);
void api_ledger_put(struct request *rq);
void api_ledger_row(struct request *rq);
void api_ledger_update(struct request *rq);
bool api_ledger_key_household(const char *key);	/* any ledger of a household */
bool api_ledger_key_person(const char *key);
bool api_ledger_key_household_rows(const char *key);	/* ... kept as rows, appended */
bool api_ledger_key_person_rows(const char *key);
bool api_ledger_key_household_put(const char *key);	/* ... replaced by a PUT */
bool api_ledger_key_person_put(const char *key);
bool api_ledger_key_rows(const char *key);		/* rows addressed by id */
bool api_ledger_key_changeable(const char *key);	/* ... that a PATCH may change */
bool page_key_household_whole(const char *key);	/* replaced whole, with a form */
bool page_key_person_whole(const char *key);
void page_ledger_new(struct request *rq);
void page_ledger_create(struct request *rq);
void page_ledger_edit(struct request *rq);
void page_ledger_update(struct request *rq);
/* Volunteers, their assignments and the needs ledger (issue 13, part 4: api_volunteers.c,
 * pages_volunteers.c). */
void api_assignments_get(struct request *rq);
void api_assignments_put(struct request *rq);
void api_volunteers_list(struct request *rq);
void api_my_households(struct request *rq);
void api_need_categories(struct request *rq);
void api_need_resolve(struct request *rq);
void api_needs_list(struct request *rq);
void api_report_needs(struct request *rq);
struct need_filter;
/* The worklist's filter from the query (?status, overdue, category, community, household,
 * after, limit); false with rq->errs when a value is bad. */
bool api_needs_filter(struct request *rq, struct need_filter *f);
void page_needs(struct request *rq);
void page_need_resolve(struct request *rq);
void page_my_households(struct request *rq);
/* GET /forms/household?number=N: a household of the actor's scope as a form's script offers
 * it (members and archive items to pick), JSON; 404 elsewhere or nowhere (pages_lookup.c). */
void page_lookup_household(struct request *rq);
void page_volunteers(struct request *rq);
void page_volunteer(struct request *rq);
void page_volunteer_post(struct request *rq);
void api_employers_list(struct request *rq);
void api_employers_create(struct request *rq);
void api_worklists(struct request *rq);
void api_worklist(struct request *rq);
void api_followup_settings(struct request *rq);
void api_followup_settings_put(struct request *rq);

void api_item_files_add(struct request *rq);
void api_item_remove(struct request *rq);
void api_file_get(struct request *rq);
void api_file_thumbnail(struct request *rq);
void api_file_reference(struct request *rq);
void api_doc_types(struct request *rq);
void api_doc_types_put(struct request *rq);
void api_household_bag(struct request *rq);
void api_household_dossier(struct request *rq);
void api_household_label(struct request *rq);
void page_login_get(struct request *rq);
void page_login_post(struct request *rq);
void page_login_refused(struct request *rq);
void page_logout(struct request *rq);
void page_lang_switch(struct request *rq);
void page_dashboard(struct request *rq);
void page_households(struct request *rq);
void page_household(struct request *rq);
void page_household_new(struct request *rq);
void page_household_create(struct request *rq);
void page_household_edit(struct request *rq);
void page_household_update(struct request *rq);
void page_item_upload(struct request *rq);
/* GET of the upload's address: 303 to the household's page (a reloaded refusal, not 405). */
void page_item_upload_get(struct request *rq);
void page_person(struct request *rq);
void page_person_reveal(struct request *rq);
void page_person_edit(struct request *rq);
void page_person_update(struct request *rq);
void page_item_edit(struct request *rq);
void page_household_pictures(struct request *rq);
void page_worklists(struct request *rq);
void page_employers(struct request *rq);
void page_employers_post(struct request *rq);
void page_worklist_settings(struct request *rq);
void page_job_end(struct request *rq);
void page_job_end_post(struct request *rq);
void page_worklist(struct request *rq);
void page_report_employment(struct request *rq);
void page_report_records(struct request *rq);
/* facilities and one-stop service requests (api_services.c, pages_services.c) */
void api_facility_kinds(struct request *rq);
void api_facility_kinds_put(struct request *rq);
void api_departments(struct request *rq);
void api_facilities_list(struct request *rq);
void api_facilities_create(struct request *rq);
void api_facility_get(struct request *rq);
void api_facility_patch(struct request *rq);
void api_facility_windows_create(struct request *rq);
void api_service_matters(struct request *rq);
void api_service_matters_put(struct request *rq);
void api_service_requests_list(struct request *rq);
void api_service_requests_create(struct request *rq);
void api_service_request_get(struct request *rq);
void api_service_request_patch(struct request *rq);
void api_report_services(struct request *rq);
void page_facilities(struct request *rq);
void page_facilities_post(struct request *rq);
void page_facility(struct request *rq);
void page_facility_window_post(struct request *rq);
void page_services(struct request *rq);
void page_services_post(struct request *rq);
void page_service(struct request *rq);
void page_service_post(struct request *rq);
/* suggestions and petitions (api_petitions.c, pages_petitions.c) */
void api_petition_categories(struct request *rq);
void api_petition_categories_put(struct request *rq);
void api_petitions_list(struct request *rq);
void api_petitions_create(struct request *rq);
void api_petition_get(struct request *rq);
void api_petition_patch(struct request *rq);
void api_report_petitions(struct request *rq);
void page_petitions(struct request *rq);
void page_petitions_post(struct request *rq);
void page_petition(struct request *rq);
void page_petition_post(struct request *rq);
/* evaluations of model households (api_evaluations.c, pages_evaluations.c) */
void api_evaluations_list(struct request *rq);
void api_evaluations_create(struct request *rq);
void api_evaluation_get(struct request *rq);
void api_evaluation_patch(struct request *rq);
void api_evaluation_scores(struct request *rq);
void api_evaluation_results(struct request *rq);
void api_evaluation_pdf(struct request *rq);
void api_household_awards(struct request *rq);
void api_report_evaluations(struct request *rq);
void page_evaluations(struct request *rq);
void page_evaluations_post(struct request *rq);
void page_evaluation(struct request *rq);
void page_evaluation_post(struct request *rq);
/* the two halls (api_halls.c, pages_halls.c) */
void api_halls_list(struct request *rq);
void api_hall_get(struct request *rq);
void api_hall_sections_create(struct request *rq);
void api_hall_exhibits(struct request *rq);
void api_hall_exhibits_create(struct request *rq);
void api_hall_visits(struct request *rq);
void api_hall_visits_create(struct request *rq);
void api_report_halls(struct request *rq);
void page_halls(struct request *rq);
void page_hall(struct request *rq);
void page_hall_sections_post(struct request *rq);
void page_hall_exhibits_post(struct request *rq);
void page_hall_visits_post(struct request *rq);

void page_member_new(struct request *rq);
void page_member_create(struct request *rq);
void page_item_update(struct request *rq);
void page_password(struct request *rq);
void page_password_post(struct request *rq);
void page_users(struct request *rq);
void page_users_post(struct request *rq);
void page_user_toggle(struct request *rq);
void page_user_name_post(struct request *rq);
void page_static(struct request *rq);
void page_error(struct request *rq, unsigned status, const char *title_key);
/* community activities and start-ups (api_activities.c, pages_activities.c) */
struct activity_filter;
struct participation_filter;
struct business_filter;
/* The filters of the lists from the request's query (bad values into rq->errs). */
void api_activity_filter(struct request *rq, struct activity_filter *f, int limit);
void api_participation_filter(struct request *rq, struct participation_filter *f, int limit);
void api_business_filter(struct request *rq, struct business_filter *f, int limit);
void api_activity_kinds(struct request *rq);
void api_activities_list(struct request *rq);
void api_activities_create(struct request *rq);
void api_activity_get(struct request *rq);
void api_activity_attend(struct request *rq);
void api_activity_unattend(struct request *rq);
void api_report_activities(struct request *rq);
void api_report_participation(struct request *rq);
void api_businesses_list(struct request *rq);
void api_businesses_create(struct request *rq);
void api_business_get(struct request *rq);
void api_business_patch(struct request *rq);
void api_business_support(struct request *rq);
void api_report_businesses(struct request *rq);
void page_activities(struct request *rq);
void page_activities_post(struct request *rq);
void page_activity(struct request *rq);
void page_activity_attend(struct request *rq);
void page_activity_unattend(struct request *rq);
void page_participation(struct request *rq);
void page_businesses(struct request *rq);
void page_businesses_post(struct request *rq);
void page_business(struct request *rq);
void page_business_support(struct request *rq);
#endif
