/* routes: the table of every endpoint, and dispatch. */
#include "web/routes.h"

#include <stdio.h>
#include <string.h>

#include "domain/session.h"
#include "web/page.h"
#include "web/server.h"
#include "web/upload.h"

/*
 * Every endpoint, one row each. The columns (routes.h, struct route):
 *   method, pattern   what the row answers; "{id}" captures a positive integer, "{key}" a name
 *   handler           the function that answers, after every check below has passed
 *   perm              who may call it: PERM_PUBLIC needs no session, the others a session
 *                     whose role allows it (checked on the headers, before any body is read).
 *                     A form's GET row has the perm of its POST: who may not save it is
 *                     refused before it is drawn, here, not in the handler
 *   PAGE / API        an HTML page (no session: 303 to /login; errors as pages) or the JSON
 *                     API (errors as problem+json)
 *   .upload           the body is multipart/form-data, streamed to the blob store
 *   .upload_raw       with .upload: a body of any other type is taken as one file part
 *                     "file" (named by ?name=), streamed alike
 *   .precheck         uploads: checks the target (scope, state) before the body streams in
 *   .csrf             CSRF_BY_METHOD (the default): a state-changing method (POST, PUT,
 *                     PATCH, DELETE) with the session from the cookie must carry the session's
 *                     token, in X-CSRF-Token or the form's "csrf" field (a page upload: or in
 *                     the URL's "csrf"; the field must precede its files); Bearer needs none.
 *                     CSRF_LOGIN_COOKIE: the log-in form's double-submit cookie.
 *                     CSRF_EXEMPT: no ambient credential to abuse (say why on the row).
 *   .csrf_refused     a page of its own for a refused token (default: the error page)
 *   .body_limit       the largest body in bytes, however framed (default: max_body; for
 *                     uploads max_upload plus the multipart framing; GET takes none)
 *   .export_formats   the ?format= values whose answer is a file taken away: they need the
 *                     export right too (checked here, with the role; export.c trusts it)
 *   .key_ok           with "{key}" in the pattern: the names the row answers (the ledgers'
 *                     rows answer their descriptors' names, so a new ledger needs no row)
 */
#define PAGE(m, pat, fn, perm_, ...) \
	{.method = m, .pattern = pat, .handler = fn, .perm = perm_, .page = true, __VA_ARGS__}
#define API(m, pat, fn, perm_, ...) \
	{.method = m, .pattern = pat, .handler = fn, .perm = perm_, .page = false, __VA_ARGS__}

/* The formats of a download: a file taken away, which needs the export right. */
static const char *const file_formats[] = {"csv", "xlsx", NULL};

static const struct route routes[] = {
	PAGE("GET", "/", page_dashboard, PERM_READ),
	PAGE("GET", "/login", page_login_get, PERM_PUBLIC),
	/* the two routes that take a body without a session: a log-in is a few hundred bytes */
	PAGE("POST", "/login", page_login_post, PERM_PUBLIC, .csrf = CSRF_LOGIN_COOKIE,
	     .csrf_refused = page_login_refused, .body_limit = 16 * 1024),
	PAGE("POST", "/logout", page_logout, PERM_READ),
	PAGE("GET", "/lang/en", page_lang_switch, PERM_PUBLIC),
	PAGE("GET", "/lang/zh", page_lang_switch, PERM_PUBLIC),
	PAGE("GET", "/households", page_households, PERM_READ),
	PAGE("GET", "/households/new", page_household_new, PERM_EDIT),
	PAGE("GET", "/households/{id}/edit", page_household_edit, PERM_EDIT),
	PAGE("POST", "/households/{id}/edit", page_household_update, PERM_EDIT),
	PAGE("GET", "/persons/{id}", page_person, PERM_READ),
	PAGE("GET", "/persons/{id}/edit", page_person_edit, PERM_EDIT),
	PAGE("POST", "/persons/{id}/edit", page_person_update, PERM_EDIT),
	PAGE("GET", "/items/{id}/edit", page_item_edit, PERM_ARCHIVE),
	PAGE("POST", "/items/{id}/edit", page_item_update, PERM_ARCHIVE),
	PAGE("GET", "/password", page_password, PERM_READ),
	PAGE("POST", "/password", page_password_post, PERM_READ),
	PAGE("GET", "/users", page_users, PERM_ADMIN),
	PAGE("POST", "/users", page_users_post, PERM_ADMIN),
	PAGE("POST", "/users/{id}/disable", page_user_toggle, PERM_ADMIN),
	PAGE("POST", "/users/{id}/enable", page_user_toggle, PERM_ADMIN),
	PAGE("POST", "/users/{id}/name", page_user_name_post, PERM_ADMIN),
	PAGE("POST", "/persons/{id}/reveal", page_person_reveal, PERM_REVEAL),
	PAGE("POST", "/households/new", page_household_create, PERM_EDIT),
	PAGE("GET", "/households/{id}", page_household, PERM_READ),
	PAGE("GET", "/households/{id}/members/new", page_member_new, PERM_EDIT),
	PAGE("POST", "/households/{id}/members/new", page_member_create, PERM_EDIT),
	/* every ledger's forms, from its descriptor (domain/ledger.h, pages_ledgers.c) */
	PAGE("GET", "/persons/{id}/{key}/new", page_ledger_new, PERM_EDIT,
	     .key_ok = api_ledger_key_person_rows),
	PAGE("POST", "/persons/{id}/{key}/new", page_ledger_create, PERM_EDIT,
	     .key_ok = api_ledger_key_person_rows),
	PAGE("GET", "/persons/{id}/{key}", page_ledger_edit, PERM_EDIT,
	     .key_ok = page_key_person_whole),
	PAGE("POST", "/persons/{id}/{key}", page_ledger_update, PERM_EDIT,
	     .key_ok = page_key_person_whole),
	/* a household's rows (visits, needs) are appended by volunteers as well, for the
	 * households assigned to them: the domain asks the ledger's .may (role_can_visit) */
	PAGE("GET", "/households/{id}/{key}/new", page_ledger_new, PERM_READ,
	     .key_ok = api_ledger_key_household_rows),
	PAGE("POST", "/households/{id}/{key}/new", page_ledger_create, PERM_READ,
	     .key_ok = api_ledger_key_household_rows),
	PAGE("GET", "/households/{id}/{key}", page_ledger_edit, PERM_EDIT,
	     .key_ok = page_key_household_whole),
	PAGE("POST", "/households/{id}/{key}", page_ledger_update, PERM_EDIT,
	     .key_ok = page_key_household_whole),
	PAGE("GET", "/jobs/{id}/end", page_job_end, PERM_EDIT),
	PAGE("POST", "/jobs/{id}/end", page_job_end_post, PERM_EDIT),
	PAGE("GET", "/employers", page_employers, PERM_READ),
	PAGE("POST", "/employers", page_employers_post, PERM_EDIT),
	PAGE("GET", "/facilities", page_facilities, PERM_READ),
	PAGE("POST", "/facilities", page_facilities_post, PERM_EDIT),
	PAGE("GET", "/facilities/{id}", page_facility, PERM_READ),
	PAGE("POST", "/facilities/{id}/windows", page_facility_window_post, PERM_EDIT),
	PAGE("GET", "/services", page_services, PERM_READ),
	PAGE("POST", "/services", page_services_post, PERM_EDIT),
	PAGE("GET", "/services/{id}", page_service, PERM_READ),
	PAGE("POST", "/services/{id}", page_service_post, PERM_EDIT),
	PAGE("GET", "/petitions", page_petitions, PERM_READ),
	PAGE("POST", "/petitions", page_petitions_post, PERM_EDIT),
	PAGE("GET", "/petitions/{id}", page_petition, PERM_READ),
	PAGE("POST", "/petitions/{id}", page_petition_post, PERM_EDIT),
	/* volunteers and the needs ledger (issue 13, part 4) */
	PAGE("GET", "/needs", page_needs, PERM_READ),
	PAGE("POST", "/needs/{id}/resolve", page_need_resolve, PERM_READ),	/* role_can_visit */
	PAGE("GET", "/my-households", page_my_households, PERM_READ),
	PAGE("GET", "/forms/household", page_lookup_household, PERM_READ),
	PAGE("GET", "/volunteers", page_volunteers, PERM_READ),
	PAGE("GET", "/volunteers/{id}", page_volunteer, PERM_READ),
	PAGE("POST", "/volunteers/{id}", page_volunteer_post, PERM_EDIT),
	PAGE("GET", "/evaluations", page_evaluations, PERM_READ),
	PAGE("POST", "/evaluations", page_evaluations_post, PERM_EDIT),
	PAGE("GET", "/evaluations/{id}", page_evaluation, PERM_READ),
	PAGE("POST", "/evaluations/{id}", page_evaluation_post, PERM_EDIT),
	PAGE("GET", "/activities", page_activities, PERM_READ),
	PAGE("POST", "/activities", page_activities_post, PERM_EDIT),
	PAGE("GET", "/activities/participation", page_participation, PERM_READ),
	PAGE("GET", "/activities/{id}", page_activity, PERM_READ),
	PAGE("POST", "/activities/{id}/attendees", page_activity_attend, PERM_EDIT),
	PAGE("POST", "/activities/{id}/attendees/remove", page_activity_unattend, PERM_EDIT),
	PAGE("GET", "/businesses", page_businesses, PERM_READ),
	PAGE("POST", "/businesses", page_businesses_post, PERM_EDIT),
	PAGE("GET", "/businesses/{id}", page_business, PERM_READ),
	PAGE("POST", "/businesses/{id}/support", page_business_support, PERM_EDIT),
	/* the two halls (issue 13, part 8) */
	PAGE("GET", "/halls", page_halls, PERM_READ),
	PAGE("GET", "/halls/{id}", page_hall, PERM_READ),
	PAGE("POST", "/halls/{id}/sections", page_hall_sections_post, PERM_EDIT),
	PAGE("POST", "/halls/{id}/exhibits", page_hall_exhibits_post, PERM_EDIT),
	PAGE("POST", "/halls/{id}/visits", page_hall_visits_post, PERM_EDIT),
	PAGE("GET", "/worklists", page_worklists, PERM_READ),
	PAGE("POST", "/worklists/settings", page_worklist_settings, PERM_ADMIN),
	PAGE("GET", "/worklists/{key}", page_worklist, PERM_READ),
	PAGE("GET", "/reports/employment", page_report_employment, PERM_READ),
	PAGE("GET", "/reports/employment/records", page_report_records, PERM_READ),
	PAGE("GET", "/households/{id}/pictures", page_household_pictures, PERM_READ),
	PAGE("POST", "/households/{id}/items", page_item_upload, PERM_ARCHIVE, .upload = true, .precheck = api_items_precheck),
	PAGE("GET", "/households/{id}/items", page_item_upload_get, PERM_ARCHIVE),
	API("GET", "/static/app.css", page_static, PERM_PUBLIC),
	API("GET", "/static/app.js", page_static, PERM_PUBLIC),
	API("GET", "/api/v1", api_index, PERM_PUBLIC),
	/* the API's contract (web/openapi.json) and its page: shapes, never data */
	API("GET", "/api/v1/openapi.json", api_openapi, PERM_PUBLIC),
	PAGE("GET", "/docs/api", page_api_docs, PERM_PUBLIC),
	API("GET", "/healthz", api_healthz, PERM_PUBLIC),
	/* a password in a JSON body: a cross-site form can neither send JSON nor read the token */
	API("POST", "/api/v1/session", api_session_create, PERM_PUBLIC, .csrf = CSRF_EXEMPT,
	    .body_limit = 16 * 1024),
	API("DELETE", "/api/v1/session", api_session_delete, PERM_READ),
	API("GET", "/api/v1/session", api_me, PERM_READ),
	API("GET", "/api/v1/households", api_households_list, PERM_READ),
	API("POST", "/api/v1/households", api_households_create, PERM_EDIT),
	/* imports (issue 14): a workbook or CSV as multipart "file", all or nothing */
	API("POST", "/api/v1/imports", api_imports_create, PERM_EDIT, .upload = true, .upload_raw = true, .precheck = api_imports_precheck),
	API("GET", "/api/v1/imports/templates/{key}.xlsx", api_import_template, PERM_READ,
	    .key_ok = api_import_template_key),
	API("GET", "/api/v1/imports/{id}", api_import_get, PERM_READ),	/* own; all: admin, county, auditor */
	API("GET", "/api/v1/imports/{id}/errors.xlsx", api_import_errors, PERM_READ),	/* its author only */
	API("GET", "/api/v1/imports/mappings", api_import_mappings, PERM_EDIT),
	API("GET", "/api/v1/imports/progress", api_import_progress, PERM_EDIT),	/* the user's own run */
	API("GET", "/api/v1/households/{id}", api_household_get, PERM_READ),
	API("PATCH", "/api/v1/households/{id}", api_household_patch, PERM_EDIT),
	API("POST", "/api/v1/households/{id}/close", api_household_close, PERM_EDIT),
	API("GET", "/api/v1/households/{id}/trail", api_household_trail, PERM_READ),
	API("GET", "/api/v1/persons", api_persons_list, PERM_READ),
	API("POST", "/api/v1/persons", api_persons_create, PERM_EDIT),
	API("GET", "/api/v1/persons/{id}", api_person_get, PERM_READ),
	API("PATCH", "/api/v1/persons/{id}", api_person_patch, PERM_EDIT),
	API("POST", "/api/v1/persons/{id}/move", api_person_move, PERM_EDIT),
	API("POST", "/api/v1/persons/{id}/leave", api_person_leave, PERM_EDIT),
	API("GET", "/api/v1/search", api_search, PERM_READ),
	API("GET", "/api/v1/divisions", api_divisions, PERM_READ),
	API("GET", "/api/v1/sites", api_sites_list, PERM_READ),
	API("POST", "/api/v1/sites", api_sites_create, PERM_EDIT),
	API("POST", "/api/v1/sites/{id}/buildings", api_site_buildings_create, PERM_EDIT),
	API("GET", "/api/v1/sites/{id}/rooms", api_site_rooms, PERM_READ),
	API("GET", "/api/v1/reports/county", api_report_county, PERM_READ),
	API("GET", "/api/v1/reports/employment", api_report_employment, PERM_READ,
	    .export_formats = file_formats),
	API("GET", "/api/v1/reports/relocation", api_report_relocation, PERM_READ),
	API("GET", "/api/v1/reports/employment/records", api_report_employment_records, PERM_READ,
	    .export_formats = file_formats),
	/* every ledger's API, from its descriptor (domain/ledger.h, api_ledgers.c) */
	API("GET", "/api/v1/households/{id}/{key}", api_ledger_list, PERM_READ,
	    .key_ok = api_ledger_key_household),
	/* volunteers too, for their households: the domain asks the ledger's .may */
	API("POST", "/api/v1/households/{id}/{key}", api_ledger_append, PERM_READ,
	    .key_ok = api_ledger_key_household_rows),
	API("PUT", "/api/v1/households/{id}/{key}", api_ledger_put, PERM_EDIT,
	    .key_ok = api_ledger_key_household_put),
	API("GET", "/api/v1/persons/{id}/{key}", api_ledger_list, PERM_READ,
	    .key_ok = api_ledger_key_person),
	API("POST", "/api/v1/persons/{id}/{key}", api_ledger_append, PERM_EDIT,
	    .key_ok = api_ledger_key_person_rows),
	API("PUT", "/api/v1/persons/{id}/{key}", api_ledger_put, PERM_EDIT,
	    .key_ok = api_ledger_key_person_put),
	/* facilities and one-stop service requests (issue 13) */
	API("GET", "/api/v1/facility-kinds", api_facility_kinds, PERM_READ),
	API("POST", "/api/v1/facility-kinds", api_facility_kinds_put, PERM_ADMIN),
	API("GET", "/api/v1/departments", api_departments, PERM_READ),
	API("GET", "/api/v1/facilities", api_facilities_list, PERM_READ, .export_formats = file_formats),
	API("POST", "/api/v1/facilities", api_facilities_create, PERM_EDIT),
	API("GET", "/api/v1/facilities/{id}", api_facility_get, PERM_READ),
	API("PATCH", "/api/v1/facilities/{id}", api_facility_patch, PERM_EDIT),
	API("POST", "/api/v1/facilities/{id}/windows", api_facility_windows_create, PERM_EDIT),
	API("GET", "/api/v1/service-matters", api_service_matters, PERM_READ),
	API("POST", "/api/v1/service-matters", api_service_matters_put, PERM_ADMIN),
	API("GET", "/api/v1/service-requests", api_service_requests_list, PERM_READ,
	    .export_formats = file_formats),
	API("POST", "/api/v1/service-requests", api_service_requests_create, PERM_EDIT),
	API("GET", "/api/v1/service-requests/{id}", api_service_request_get, PERM_READ),
	API("PATCH", "/api/v1/service-requests/{id}", api_service_request_patch, PERM_EDIT),
	API("GET", "/api/v1/reports/services", api_report_services, PERM_READ),
	/* suggestions and petitions (issue 13, part 3) */
	API("GET", "/api/v1/petition-categories", api_petition_categories, PERM_READ),
	API("POST", "/api/v1/petition-categories", api_petition_categories_put, PERM_ADMIN),
	API("GET", "/api/v1/petitions", api_petitions_list, PERM_READ, .export_formats = file_formats),
	API("POST", "/api/v1/petitions", api_petitions_create, PERM_EDIT),
	API("GET", "/api/v1/petitions/{id}", api_petition_get, PERM_READ),
	API("PATCH", "/api/v1/petitions/{id}", api_petition_patch, PERM_EDIT),
	API("GET", "/api/v1/reports/petitions", api_report_petitions, PERM_READ),
	/* volunteers and the needs ledger (issue 13, part 4) */
	API("GET", "/api/v1/users/{id}/assignments", api_assignments_get, PERM_READ),
	API("PUT", "/api/v1/users/{id}/assignments", api_assignments_put, PERM_EDIT),
	API("GET", "/api/v1/volunteers", api_volunteers_list, PERM_READ, .export_formats = file_formats),
	API("GET", "/api/v1/my-households", api_my_households, PERM_READ),
	API("GET", "/api/v1/need-categories", api_need_categories, PERM_READ),
	API("GET", "/api/v1/needs", api_needs_list, PERM_READ, .export_formats = file_formats),
	API("POST", "/api/v1/needs/{id}/resolve", api_need_resolve, PERM_READ),
	API("GET", "/api/v1/reports/needs", api_report_needs, PERM_READ),
	/* evaluations of model households (issue 13, part 6) */
	API("GET", "/api/v1/evaluations", api_evaluations_list, PERM_READ, .export_formats = file_formats),
	API("POST", "/api/v1/evaluations", api_evaluations_create, PERM_EDIT),
	API("GET", "/api/v1/evaluations/{id}", api_evaluation_get, PERM_READ),
	API("PATCH", "/api/v1/evaluations/{id}", api_evaluation_patch, PERM_EDIT),
	API("PUT", "/api/v1/evaluations/{id}/scores", api_evaluation_scores, PERM_EDIT),
	API("GET", "/api/v1/evaluations/{id}/results", api_evaluation_results, PERM_READ,
	    .export_formats = file_formats),
	API("GET", "/api/v1/evaluations/{id}/list.pdf", api_evaluation_pdf, PERM_EXPORT),
	API("GET", "/api/v1/households/{id}/awards", api_household_awards, PERM_READ),
	API("GET", "/api/v1/reports/evaluations", api_report_evaluations, PERM_READ),
	/* community activities and start-ups (issue 13, parts 5 and 7) */
	API("GET", "/api/v1/activity-kinds", api_activity_kinds, PERM_READ),
	API("GET", "/api/v1/activities", api_activities_list, PERM_READ, .export_formats = file_formats),
	API("POST", "/api/v1/activities", api_activities_create, PERM_EDIT),
	API("GET", "/api/v1/activities/{id}", api_activity_get, PERM_READ),
	API("POST", "/api/v1/activities/{id}/attendees", api_activity_attend, PERM_EDIT),
	API("DELETE", "/api/v1/activities/{id}/attendees", api_activity_unattend, PERM_EDIT),
	API("GET", "/api/v1/reports/activities", api_report_activities, PERM_READ),
	API("GET", "/api/v1/reports/participation", api_report_participation, PERM_READ,
	    .export_formats = file_formats),
	API("GET", "/api/v1/businesses", api_businesses_list, PERM_READ, .export_formats = file_formats),
	API("POST", "/api/v1/businesses", api_businesses_create, PERM_EDIT),
	API("GET", "/api/v1/businesses/{id}", api_business_get, PERM_READ),
	API("PATCH", "/api/v1/businesses/{id}", api_business_patch, PERM_EDIT),
	API("POST", "/api/v1/businesses/{id}/support", api_business_support, PERM_EDIT),
	API("GET", "/api/v1/reports/businesses", api_report_businesses, PERM_READ),
	/* the two halls (issue 13, part 8) */
	API("GET", "/api/v1/halls", api_halls_list, PERM_READ, .export_formats = file_formats),
	API("GET", "/api/v1/halls/{id}", api_hall_get, PERM_READ),
	API("POST", "/api/v1/halls/{id}/sections", api_hall_sections_create, PERM_EDIT),
	API("GET", "/api/v1/halls/{id}/exhibits", api_hall_exhibits, PERM_READ,
	    .export_formats = file_formats),
	API("POST", "/api/v1/halls/{id}/exhibits", api_hall_exhibits_create, PERM_EDIT),
	API("GET", "/api/v1/halls/{id}/visits", api_hall_visits, PERM_READ,
	    .export_formats = file_formats),
	API("POST", "/api/v1/halls/{id}/visits", api_hall_visits_create, PERM_EDIT),
	API("GET", "/api/v1/reports/halls", api_report_halls, PERM_READ),
	API("GET", "/api/v1/{key}/{id}", api_ledger_row, PERM_READ, .key_ok = api_ledger_key_rows),
	API("PATCH", "/api/v1/{key}/{id}", api_ledger_update, PERM_EDIT,
	    .key_ok = api_ledger_key_changeable),
	API("GET", "/api/v1/employers", api_employers_list, PERM_READ),
	API("POST", "/api/v1/employers", api_employers_create, PERM_EDIT),
	API("GET", "/api/v1/worklists", api_worklists, PERM_READ),
	API("GET", "/api/v1/worklists/{key}", api_worklist, PERM_READ,
	    .export_formats = file_formats),
	API("GET", "/api/v1/followup/settings", api_followup_settings, PERM_READ),
	API("PUT", "/api/v1/followup/settings", api_followup_settings_put, PERM_ADMIN),
	API("GET", "/api/v1/users", api_users_list, PERM_ADMIN),
	API("POST", "/api/v1/users", api_users_create, PERM_ADMIN),
	API("GET", "/api/v1/users/{id}", api_user_get, PERM_ADMIN),
	API("PATCH", "/api/v1/users/{id}", api_user_patch, PERM_ADMIN),
	API("GET", "/api/v1/audit", api_audit, PERM_READ, .export_formats = file_formats),
	API("GET", "/api/v1/doc-types", api_doc_types, PERM_READ),
	API("POST", "/api/v1/doc-types", api_doc_types_put, PERM_ADMIN),
	API("GET", "/api/v1/households/{id}/items", api_items_list, PERM_READ),
	API("GET", "/api/v1/households/{id}/bag", api_household_bag, PERM_EXPORT),
	API("GET", "/api/v1/households/{id}/dossier.pdf", api_household_dossier, PERM_EXPORT),
	API("GET", "/api/v1/households/{id}/label.pdf", api_household_label, PERM_EXPORT),
	API("POST", "/api/v1/households/{id}/items", api_items_create, PERM_ARCHIVE, .upload = true, .precheck = api_items_precheck),
	API("GET", "/api/v1/items/{id}", api_item_get, PERM_READ),
	API("PATCH", "/api/v1/items/{id}", api_item_patch, PERM_ARCHIVE),
	API("POST", "/api/v1/items/{id}/files", api_item_files_add, PERM_ARCHIVE, .upload = true, .precheck = api_item_files_precheck),
	API("POST", "/api/v1/items/{id}/remove", api_item_remove, PERM_ARCHIVE),
	API("GET", "/api/v1/files/{id}", api_file_get, PERM_READ),
	API("GET", "/api/v1/files/{id}/thumbnail", api_file_thumbnail, PERM_READ),
	API("GET", "/api/v1/files/{id}/reference", api_file_reference, PERM_READ),
	/* accountability: the auditor's log (PERM_REVIEW), break-the-glass */
	PAGE("GET", "/audit", page_audit, PERM_REVIEW),
	PAGE("GET", "/audit/export", page_audit_export, PERM_REVIEW, .export_formats = file_formats),
	PAGE("POST", "/audit/verify", page_audit_verify, PERM_REVIEW),
	/* imports (issue 14): upload with a dry run first, the result, the recent ones */
	PAGE("GET", "/imports", page_imports, PERM_EDIT),
	PAGE("POST", "/imports", page_imports_post, PERM_EDIT, .upload = true, .precheck = api_imports_precheck),
	PAGE("GET", "/imports/{id}", page_import, PERM_READ),	/* as the API's */
	PAGE("GET", "/access", page_access, PERM_READ),
	PAGE("POST", "/access", page_access_post, PERM_READ),
	PAGE("GET", "/access-grants", page_grants, PERM_REVIEW),
	API("GET", "/api/v1/access-grants", api_grants_list, PERM_READ),
	API("POST", "/api/v1/access-grants", api_grants_create, PERM_READ),
	{.method = NULL},
};

bool route_match(const char *pattern, const char *path, int64_t *ids, int *nids)
{
	return route_match_key(pattern, path, ids, nids, NULL);
}

bool route_match_key(const char *pattern, const char *path, int64_t *ids, int *nids,
		     char key[ROUTE_KEY_MAX])
{
	const char *p = pattern, *s = path;
	*nids = 0;
	while (*p && *s) {
		if (*p != '{') {	/* the common case, cheaply: a literal character */
			if (*p++ != *s++)
				return false;
			continue;
		}
		if (strncmp(p, "{key}", 5) == 0) {	/* a name: lower-case letters, digits, _, - */
			size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-");
			if (!key || n == 0 || n >= ROUTE_KEY_MAX)
				return false;
			memcpy(key, s, n);
			key[n] = 0;
			s += n;
			p += 5;
			continue;
		}
		if (strncmp(p, "{id}", 4) == 0) {
			int64_t v = 0;
			int digits = 0;
			if (*s == '0')
				return false;	/* no leading zeros: one id, one spelling */
			while (*s >= '0' && *s <= '9') {
				if (++digits > 18)
					return false;
				v = v * 10 + (*s++ - '0');
			}
			if (!digits || *nids == MAX_CAPTURES)
				return false;
			ids[(*nids)++] = v;
			p += 4;
			continue;
		}
		if (*p++ != *s++)
			return false;
	}
	return *p == '\0' && *s == '\0';
}

const struct route *routes_table(void)
{
	return routes;
}

bool route_changes_state(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

bool route_needs_csrf(const struct route *r)
{
	return r->csrf == CSRF_BY_METHOD && r->perm != PERM_PUBLIC && route_changes_state(r->method);
}

uint64_t route_body_limit(const struct request *rq)
{
	const struct route *r = rq->route;
	const struct config *cfg = &rq->server->cfg;
	if (r->body_limit)
		return r->body_limit;
	if (r->upload)	/* every file of the request together, plus the multipart framing */
		return cfg->max_upload + 64 * 1024;
	/* Nothing reads a GET's body: refusing one keeps a client from parking a megabyte. */
	return route_changes_state(r->method) ? cfg->max_body : 0;
}

/* The session token from "Authorization: Bearer T" or the anju_session cookie. */
static const char *find_token(struct request *rq, bool *from_cookie)
{
	const char *auth = rq_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
	*from_cookie = false;
	if (auth && strncmp(auth, "Bearer ", 7) == 0)
		return auth + 7;
	const char *c = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, "anju_session");
	if (c)
		*from_cookie = true;
	return c;
}

static bool permitted(const struct request *rq, enum perm perm)
{
	switch (perm) {
	case PERM_PUBLIC: case PERM_READ: return true;
	case PERM_EDIT: return role_can_edit_registry(rq->actor.role);
	case PERM_ADMIN: return role_is_admin(rq->actor.role);
	case PERM_ARCHIVE: return role_can_edit_archive(rq->actor.role);
	case PERM_REVIEW: return role_reviews_audit(rq->actor.role);
	case PERM_REVEAL: return role_can_reveal(rq->actor.role);
	case PERM_EXPORT: return role_can_export(rq->actor.role);
	}
	return false;
}

/* Resolves the session from memory, or else in one short read transaction (one lock, not
 * one per statement). */
static bool resolve(struct request *rq, const char *token)
{
	if (session_recall(token, &rq->actor))
		return true;
	if (store_begin_read(rq->cx.db) != STORE_OK)
		return false;
	bool ok = session_resolve(rq->cx.db, token, &rq->actor);
	store_commit(rq->cx.db);
	return ok;
}

/* Whether the request asks for one of the row's download formats. */
static bool wants_file(struct request *rq)
{
	const char *format = rq->route->export_formats ? rq_query(rq, "format") : NULL;
	for (int i = 0; format && rq->route->export_formats[i]; i++)
		if (strcmp(format, rq->route->export_formats[i]) == 0)
			return true;
	return false;
}

/* Authenticates when the route needs it and checks the role (and, for a download, the
 * export right); answers 401/403 itself. */
static bool authorize(struct request *rq)
{
	const struct route *found = rq->route;
	if (found->perm != PERM_PUBLIC) {
		const char *token = find_token(rq, &rq->cookie_auth);
		if (!token || !resolve(rq, token)) {
			if (found->page) {	/* a person in a browser: to the log-in form */
				rq->status = 303;
				rq->content_type = "text/plain; charset=utf-8";
				/* a page asked for comes back after the log-in */
				const char *here = strcmp(rq->method, "GET") == 0 ? rq_here(rq) : "/";
				rq_add_header(rq, MHD_HTTP_HEADER_LOCATION, strcmp(here, "/") == 0 ? "/login"
					: arena_printf(&rq->arena, "/login?next=%s", page_url_encode(rq, here)));
				return false;
			}
			rq_add_header(rq, "WWW-Authenticate", "Bearer realm=\"anju\"");
			rq_problem(rq, OUT_UNAUTHORIZED, "login_required");
			return false;
		}
		snprintf(rq->actor.address, sizeof(rq->actor.address), "%s", rq->client);
		rq->authenticated = true;
		rq->token = arena_strdup(&rq->arena, token);
	}
	bool role_ok = permitted(rq, found->perm);
	bool export_ok = found->perm == PERM_EXPORT || !wants_file(rq) || permitted(rq, PERM_EXPORT);
	if (!role_ok || !export_ok) {
		if (found->page)
			page_outcome(rq, OUT_FORBIDDEN);
		else
			rq_problem(rq, OUT_FORBIDDEN, role_ok || found->perm == PERM_EXPORT
				   ? "export_not_allowed" : "role_not_allowed");
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- CSRF */

static void csrf_refuse(struct request *rq)
{
	if (rq->route->csrf_refused)
		rq->route->csrf_refused(rq);
	else if (rq->route->page)
		page_error(rq, OUT_FORBIDDEN, "csrf_failed");
	else {
		verrors_add(&rq->errs, "X-CSRF-Token", "csrf_token_required");
		rq_problem_titled(rq, OUT_FORBIDDEN, "problem_csrf", "csrf_token_required");
	}
}

/* The token this request must carry: the session's, or the log-in form's cookie. */
static bool expected_token(struct request *rq, char out[33])
{
	if (rq->route->csrf == CSRF_LOGIN_COOKIE) {
		const char *c = page_cookie(rq, "anju_csrf");
		if (!c || strlen(c) != 32)
			return false;
		memcpy(out, c, 33);
		return true;
	}
	page_csrf(rq->token, out);
	return true;
}

/* Whether this request must prove it came from our own pages. */
static bool csrf_applies(const struct request *rq)
{
	const struct route *r = rq->route;
	if (r->csrf == CSRF_LOGIN_COOKIE)
		return true;
	return route_needs_csrf(r) && rq->cookie_auth;
}

/* On the headers: a token in X-CSRF-Token (or, for a page upload, in the URL's "csrf":
 * the form's action) settles it either way, before any byte of the body; without one, an
 * API request is refused at once and a page waits for its form's "csrf" field — which,
 * in an upload, must come before any file part (routes_csrf_before_file), so nothing is
 * stored before the token is checked. */
static bool csrf_on_headers(struct request *rq)
{
	char expect[33];
	if (!csrf_applies(rq))
		return true;
	const char *given = rq_header(rq, "X-CSRF-Token");
	if (!given && rq->route->page && rq->route->upload)
		given = rq_query(rq, "csrf");
	if (!given && rq->route->page) {
		rq->csrf_pending = true;
		return true;
	}
	if (expected_token(rq, expect) && page_same_token(given, expect))
		return true;
	csrf_refuse(rq);
	return false;
}

/* The "csrf" field of an upload's parts so far (NULL when none has come). */
static const char *upload_token(struct request *rq)
{
	for (int i = 0; rq->upload && i < rq->upload->nfields; i++)
		if (strcmp(rq->upload->field_names[i], "csrf") == 0)
			return rq->upload->field_values[i].data;
	return NULL;
}

bool routes_csrf_before_file(struct request *rq)
{
	char expect[33];
	if (!rq->csrf_pending)
		return true;
	if (!expected_token(rq, expect) || !page_same_token(upload_token(rq), expect))
		return false;
	rq->csrf_pending = false;	/* settled: the files may stream in */
	return true;
}

/* After the body: a page form's "csrf" field (urlencoded or multipart) when the header
 * did not carry the token. A page's urlencoded form is decoded here once and kept for the
 * handler (page_form); the token is then taken out of every page's form and upload, so
 * no handler sees it or needs to mention it. */
static bool csrf_on_body(struct request *rq)
{
	char expect[33];
	const char *given = NULL;
	bool form = rq->route->page && !rq->upload && route_changes_state(rq->method);
	if (form) {
		rq->form = page_form(rq);
		given = json_string_value(json_object_get(rq->form, "csrf"));
	} else if (rq->upload) {
		given = upload_token(rq);
	}
	bool ok = !rq->csrf_pending || (expected_token(rq, expect) && page_same_token(given, expect));
	if (rq->form)
		json_object_del(rq->form, "csrf");
	if (rq->upload && rq->route->page)
		upload_drop_field(rq->upload, "csrf");
	if (!ok)
		csrf_refuse(rq);
	return ok;
}

/* ---------------------------------------------------------------- dispatch */

bool routes_prepare(struct request *rq)
{
	const struct route *found = NULL;
	char allow[64] = "";
	for (const struct route *r = routes; r->method; r++) {
		int64_t ids[MAX_CAPTURES];
		char key[ROUTE_KEY_MAX] = "";
		int nids;
		if (!route_match_key(r->pattern, rq->path, ids, &nids, key) ||
		    (r->key_ok && !r->key_ok(key)))
			continue;
		if (strcmp(r->method, rq->method) != 0) {
			size_t n = strlen(allow);
			snprintf(allow + n, sizeof(allow) - n, "%s%s", n ? ", " : "", r->method);
			continue;
		}
		found = r;
		memcpy(rq->ids, ids, sizeof(ids));
		memcpy(rq->key, key, sizeof(key));
		rq->nids = nids;
		break;
	}
	if (!found) {
		if (allow[0]) {
			rq_add_header(rq, "Allow", arena_strdup(&rq->arena, allow));
			verrors_add(&rq->errs, "method", "method_not_allowed");
			rq_problem(rq, OUT_METHOD_NOT_ALLOWED, NULL);
		} else {
			rq_problem(rq, OUT_NOT_FOUND, "no_such_endpoint");
		}
		return false;
	}
	rq->route = found;
	rq->cx.db = server_db(rq->server);
	if (!rq->cx.db) {
		rq_problem(rq, OUT_INTERNAL, "database_unavailable");
		return false;
	}
	store_operation_start(rq->cx.db);	/* "busy" means this request's wait, not a past one */
	/* Everything that can refuse the request is decided here, on the headers: a client
	 * without a session never gets to make the server read (or store) its body. */
	return authorize(rq) && csrf_on_headers(rq) && (!found->precheck || found->precheck(rq));
}

void routes_run(struct request *rq)
{
	if (!csrf_on_body(rq))
		return;
	/* A GET reads one consistent snapshot, and takes the database's read lock once rather
	 * than once per statement. GET handlers never write. */
	bool snapshot = strcmp(rq->method, "GET") == 0;
	if (snapshot && store_begin_read(rq->cx.db) != STORE_OK) {
		rq_problem(rq, OUT_INTERNAL, "database_unavailable");
		return;
	}
	rq->route->handler(rq);
	if (snapshot)
		store_commit(rq->cx.db);
}
