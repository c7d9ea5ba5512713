/* routes: the table of every endpoint, and dispatch. */
#include "web/routes.h"

#include <stdio.h>
#include <string.h>

#include "domain/session.h"
#include "web/server.h"

static const struct route routes[] = {
	{"GET", "/", page_dashboard, PERM_READ, false, true, NULL},
	{"GET", "/login", page_login_get, PERM_PUBLIC, false, true, NULL},
	{"POST", "/login", page_login_post, PERM_PUBLIC, false, true, NULL},
	{"POST", "/logout", page_logout, PERM_READ, false, true, NULL},
	{"GET", "/lang/en", page_lang_switch, PERM_PUBLIC, false, true, NULL},
	{"GET", "/lang/zh", page_lang_switch, PERM_PUBLIC, false, true, NULL},
	{"GET", "/households", page_households, PERM_READ, false, true, NULL},
	{"GET", "/households/new", page_household_new, PERM_READ, false, true, NULL},
	{"GET", "/households/{id}/edit", page_household_edit, PERM_READ, false, true, NULL},
	{"POST", "/households/{id}/edit", page_household_update, PERM_EDIT, false, true, NULL},
	{"GET", "/persons/{id}", page_person, PERM_READ, false, true, NULL},
	{"GET", "/persons/{id}/edit", page_person_edit, PERM_READ, false, true, NULL},
	{"POST", "/persons/{id}/edit", page_person_update, PERM_EDIT, false, true, NULL},
	{"GET", "/items/{id}/edit", page_item_edit, PERM_READ, false, true, NULL},
	{"POST", "/items/{id}/edit", page_item_update, PERM_ARCHIVE, false, true, NULL},
	{"GET", "/password", page_password, PERM_READ, false, true, NULL},
	{"POST", "/password", page_password_post, PERM_READ, false, true, NULL},
	{"GET", "/users", page_users, PERM_ADMIN, false, true, NULL},
	{"POST", "/users", page_users_post, PERM_ADMIN, false, true, NULL},
	{"POST", "/users/{id}/disable", page_user_toggle, PERM_ADMIN, false, true, NULL},
	{"POST", "/users/{id}/enable", page_user_toggle, PERM_ADMIN, false, true, NULL},
	{"POST", "/persons/{id}/reveal", page_person_reveal, PERM_READ, false, true, NULL},
	{"POST", "/households/new", page_household_create, PERM_EDIT, false, true, NULL},
	{"GET", "/households/{id}", page_household, PERM_READ, false, true, NULL},
	{"GET", "/households/{id}/members/new", page_member_new, PERM_READ, false, true, NULL},
	{"POST", "/households/{id}/members/new", page_member_create, PERM_EDIT, false, true, NULL},
	{"GET", "/persons/{id}/jobs/new", page_job_new, PERM_READ, false, true, NULL},
	{"POST", "/persons/{id}/jobs/new", page_job_create, PERM_EDIT, false, true, NULL},
	{"GET", "/persons/{id}/trainings/new", page_training_new, PERM_READ, false, true, NULL},
	{"POST", "/persons/{id}/trainings/new", page_training_create, PERM_EDIT, false, true, NULL},
	{"GET", "/persons/{id}/guarantees/new", page_guarantee_new, PERM_READ, false, true, NULL},
	{"POST", "/persons/{id}/guarantees/new", page_guarantee_create, PERM_EDIT, false, true, NULL},
	{"GET", "/persons/{id}/schooling", page_schooling_edit, PERM_READ, false, true, NULL},
	{"POST", "/persons/{id}/schooling", page_schooling_update, PERM_EDIT, false, true, NULL},
	{"GET", "/persons/{id}/family-doctor", page_doctor_edit, PERM_READ, false, true, NULL},
	{"POST", "/persons/{id}/family-doctor", page_doctor_update, PERM_EDIT, false, true, NULL},
	{"GET", "/households/{id}/visits/new", page_visit_new, PERM_READ, false, true, NULL},
	{"POST", "/households/{id}/visits/new", page_visit_create, PERM_EDIT, false, true, NULL},
	{"GET", "/households/{id}/plots", page_plots_edit, PERM_READ, false, true, NULL},
	{"POST", "/households/{id}/plots", page_plots_update, PERM_EDIT, false, true, NULL},
	{"GET", "/households/{id}/steps", page_steps_edit, PERM_READ, false, true, NULL},
	{"POST", "/households/{id}/steps", page_steps_update, PERM_EDIT, false, true, NULL},
	{"GET", "/jobs/{id}/end", page_job_end, PERM_READ, false, true, NULL},
	{"POST", "/jobs/{id}/end", page_job_end_post, PERM_EDIT, false, true, NULL},
	{"GET", "/employers", page_employers, PERM_READ, false, true, NULL},
	{"POST", "/employers", page_employers_post, PERM_EDIT, false, true, NULL},
	{"GET", "/worklists", page_worklists, PERM_READ, false, true, NULL},
	{"POST", "/worklists/settings", page_worklist_settings, PERM_ADMIN, false, true, NULL},
	{"GET", "/worklists/{key}", page_worklist, PERM_READ, false, true, NULL},
	{"GET", "/reports/employment", page_report_employment, PERM_READ, false, true, NULL},
	{"GET", "/reports/employment/records", page_report_records, PERM_READ, false, true, NULL},
	{"GET", "/households/{id}/pictures", page_household_pictures, PERM_READ, false, true, NULL},
	{"POST", "/households/{id}/items", page_item_upload, PERM_ARCHIVE, true, true,
	 api_items_precheck},
	{"GET", "/static/app.css", page_static, PERM_PUBLIC, false, false, NULL},
	{"GET", "/static/app.js", page_static, PERM_PUBLIC, false, false, NULL},
	{"GET", "/api/v1", api_index, PERM_PUBLIC, false, false, NULL},
	{"GET", "/healthz", api_healthz, PERM_PUBLIC, false, false, NULL},
	{"POST", "/api/v1/session", api_session_create, PERM_PUBLIC, false, false, NULL},
	{"DELETE", "/api/v1/session", api_session_delete, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/session", api_me, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/households", api_households_list, PERM_READ, false, false, NULL},
	{"POST", "/api/v1/households", api_households_create, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/households/{id}", api_household_get, PERM_READ, false, false, NULL},
	{"PATCH", "/api/v1/households/{id}", api_household_patch, PERM_EDIT, false, false, NULL},
	{"POST", "/api/v1/households/{id}/close", api_household_close, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/persons", api_persons_list, PERM_READ, false, false, NULL},
	{"POST", "/api/v1/persons", api_persons_create, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/persons/{id}", api_person_get, PERM_READ, false, false, NULL},
	{"PATCH", "/api/v1/persons/{id}", api_person_patch, PERM_EDIT, false, false, NULL},
	{"POST", "/api/v1/persons/{id}/move", api_person_move, PERM_EDIT, false, false, NULL},
	{"POST", "/api/v1/persons/{id}/leave", api_person_leave, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/search", api_search, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/divisions", api_divisions, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/sites", api_sites_list, PERM_READ, false, false, NULL},
	{"POST", "/api/v1/sites", api_sites_create, PERM_EDIT, false, false, NULL},
	{"POST", "/api/v1/sites/{id}/buildings", api_site_buildings_create, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/sites/{id}/rooms", api_site_rooms, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/reports/county", api_report_county, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/reports/employment", api_report_employment, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/reports/relocation", api_report_relocation, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/reports/employment/records", api_report_employment_records, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/persons/{id}/jobs", api_jobs_list, PERM_READ, false, false, NULL},
	{"POST", "/api/v1/persons/{id}/jobs", api_jobs_create, PERM_EDIT, false, false, NULL},
	{"PATCH", "/api/v1/jobs/{id}", api_job_patch, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/persons/{id}/trainings", api_trainings_list, PERM_READ, false, false, NULL},
	{"POST", "/api/v1/persons/{id}/trainings", api_trainings_create, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/persons/{id}/guarantees", api_guarantees_list, PERM_READ, false, false, NULL},
	{"POST", "/api/v1/persons/{id}/guarantees", api_guarantees_create, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/persons/{id}/schooling", api_schooling_get, PERM_READ, false, false, NULL},
	{"PUT", "/api/v1/persons/{id}/schooling", api_schooling_put, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/persons/{id}/family-doctor", api_family_doctor_get, PERM_READ, false, false, NULL},
	{"PUT", "/api/v1/persons/{id}/family-doctor", api_family_doctor_put, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/households/{id}/plots", api_plots_get, PERM_READ, false, false, NULL},
	{"PUT", "/api/v1/households/{id}/plots", api_plots_put, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/households/{id}/steps", api_steps_get, PERM_READ, false, false, NULL},
	{"PUT", "/api/v1/households/{id}/steps", api_steps_put, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/households/{id}/visits", api_visits_get, PERM_READ, false, false, NULL},
	{"PUT", "/api/v1/households/{id}/visits", api_visits_create, PERM_EDIT, false, false, NULL},
	{"POST", "/api/v1/households/{id}/visits", api_visits_create, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/employers", api_employers_list, PERM_READ, false, false, NULL},
	{"POST", "/api/v1/employers", api_employers_create, PERM_EDIT, false, false, NULL},
	{"GET", "/api/v1/worklists", api_worklists, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/worklists/{key}", api_worklist, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/followup/settings", api_followup_settings, PERM_READ, false, false, NULL},
	{"PUT", "/api/v1/followup/settings", api_followup_settings_put, PERM_ADMIN, false, false, NULL},
	{"GET", "/api/v1/users", api_users_list, PERM_ADMIN, false, false, NULL},
	{"POST", "/api/v1/users", api_users_create, PERM_ADMIN, false, false, NULL},
	{"GET", "/api/v1/audit", api_audit, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/doc-types", api_doc_types, PERM_READ, false, false, NULL},
	{"POST", "/api/v1/doc-types", api_doc_types_put, PERM_ADMIN, false, false, NULL},
	{"GET", "/api/v1/households/{id}/items", api_items_list, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/households/{id}/bag", api_household_bag, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/households/{id}/dossier.pdf", api_household_dossier, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/households/{id}/label.pdf", api_household_label, PERM_READ, false, false, NULL},
	{"POST", "/api/v1/households/{id}/items", api_items_create, PERM_ARCHIVE, true, false,
	 api_items_precheck},
	{"GET", "/api/v1/items/{id}", api_item_get, PERM_READ, false, false, NULL},
	{"PATCH", "/api/v1/items/{id}", api_item_patch, PERM_ARCHIVE, false, false, NULL},
	{"POST", "/api/v1/items/{id}/files", api_item_files_add, PERM_ARCHIVE, true, false,
	 api_item_files_precheck},
	{"POST", "/api/v1/items/{id}/remove", api_item_remove, PERM_ARCHIVE, false, false, NULL},
	{"GET", "/api/v1/files/{id}", api_file_get, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/files/{id}/thumbnail", api_file_thumbnail, PERM_READ, false, false, NULL},
	{"GET", "/api/v1/files/{id}/reference", api_file_reference, PERM_READ, false, false, NULL},
	/* accountability: the auditor's log, break-the-glass (handlers check reviewer roles) */
	{"GET", "/audit", page_audit, PERM_READ, false, true, NULL},
	{"GET", "/audit/export", page_audit_export, PERM_READ, false, true, NULL},
	{"POST", "/audit/verify", page_audit_verify, PERM_READ, false, true, NULL},
	{"GET", "/access", page_access, PERM_READ, false, true, NULL},
	{"POST", "/access", page_access_post, PERM_READ, false, true, NULL},
	{"GET", "/access-grants", page_grants, PERM_READ, false, true, NULL},
	{"GET", "/api/v1/access-grants", api_grants_list, PERM_READ, false, false, NULL},
	{"POST", "/api/v1/access-grants", api_grants_create, PERM_READ, false, false, NULL},
	{NULL, NULL, NULL, PERM_PUBLIC, false, false, NULL},
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
		if (strncmp(p, "{key}", 5) == 0) {	/* a name: lower-case letters, digits, _ */
			size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");
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
	}
	return false;
}

/* Authenticates when the route needs it and checks the role; answers 401/403 itself. */
static bool authorize(struct request *rq)
{
	const struct route *found = rq->route;
	if (found->perm != PERM_PUBLIC) {
		const char *token = find_token(rq, &rq->cookie_auth);
		if (!token || !session_resolve(rq->cx.db, token, &rq->actor)) {
			if (found->page) {	/* a person in a browser: to the log-in form */
				rq->status = 303;
				rq->content_type = "text/plain; charset=utf-8";
				rq_add_header(rq, MHD_HTTP_HEADER_LOCATION, "/login");
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
	if (!permitted(rq, found->perm)) {
		if (found->page)
			page_error(rq, 403, "problem_forbidden");
		else
			rq_problem(rq, OUT_FORBIDDEN, "role_not_allowed");
		return false;
	}
	return true;
}

bool routes_prepare(struct request *rq)
{
	const struct route *found = NULL;
	char allow[64] = "";
	for (const struct route *r = routes; r->method; r++) {
		int64_t ids[MAX_CAPTURES];
		char key[ROUTE_KEY_MAX] = "";
		int nids;
		if (!route_match_key(r->pattern, rq->path, ids, &nids, key))
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
			rq_problem(rq, OUT_BAD_REQUEST, "method_not_allowed");
			rq->status = 405;
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
	/* An upload is checked before its body streams in; other requests inside the read
	 * snapshot of routes_run, with the handler. */
	if (!found->upload)
		return true;
	return authorize(rq) && (!found->precheck || found->precheck(rq));
}

void routes_run(struct request *rq)
{
	/* A GET reads one consistent snapshot, and takes the database's read lock once rather
	 * than once per statement. GET handlers never write. */
	bool snapshot = strcmp(rq->method, "GET") == 0;
	if (snapshot && store_begin_read(rq->cx.db) != STORE_OK) {
		rq_problem(rq, OUT_INTERNAL, "database_unavailable");
		return;
	}
	if (rq->route->upload || authorize(rq))
		rq->route->handler(rq);
	if (snapshot)
		store_commit(rq->cx.db);
}
