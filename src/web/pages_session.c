/* pages_session: log-in, log-out, language, own password, users and roles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/division.h"
#include "domain/session.h"
#include "domain/user.h"
#include "web/page.h"
#include "web/server.h"

/* ---------------------------------------------------------------- log-in */

/* The page to return to after logging in: a path of this site, else none. */
static const char *return_to(const char *next)
{
	return page_safe_return(next) && strncmp(next, "/login", 6) != 0 ? next : NULL;
}

static void login_form(struct request *rq, unsigned status, const char *username,
		       const char *error_key, const char *next)
{
	unsigned char raw[16];
	char token[33];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, sizeof(token), raw, sizeof(raw));
	rq_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE, arena_printf(&rq->arena,
		"anju_csrf=%s; Path=/login; HttpOnly; SameSite=Strict%s", token, rq_cookie_secure(rq)));
	json_t *data = json_pack("{s:s, s:s}", "username", username ? username : "", "csrf", token);
	if (return_to(next))
		json_object_set_new(data, "next", json_string(next));
	if (error_key)
		json_object_set_new(data, "error", json_string(msg_get(rq->lang, error_key)));
	page_render(rq, status, "login", "login_title", data);
}

void page_login_get(struct request *rq)
{
	page_lang(rq);
	login_form(rq, 200, NULL, NULL, rq_query(rq, "next"));
}

/* A log-in form whose double-submit token did not match (checked by the dispatcher): the
 * form again, with a fresh token and the reason. */
void page_login_refused(struct request *rq)
{
	json_t *f = page_form(rq);
	page_lang(rq);
	login_form(rq, outcome_status(OUT_FORBIDDEN), f ? json_string_value(json_object_get(f, "username")) : NULL,
		   "csrf_failed", f ? json_string_value(json_object_get(f, "next")) : NULL);
	json_decref(f);
}

void page_login_post(struct request *rq)
{
	page_lang(rq);
	json_t *f = page_form(rq);
	const char *user = f ? json_string_value(json_object_get(f, "username")) : NULL;
	const char *pw = f ? json_string_value(json_object_get(f, "password")) : NULL;
	const char *next = f ? json_string_value(json_object_get(f, "next")) : NULL;
	if (!user || !*user || !pw || !*pw || strlen(user) > 64 || strlen(pw) > 1024) {
		login_form(rq, outcome_status(OUT_INVALID), user, "login_failed", next);
		json_decref(f);
		return;
	}
	struct session_limits lim;
	session_limits_of(&rq->server->cfg, &lim);
	char token[SESSION_TOKEN_LEN + 1];
	enum outcome out = session_login(&rq->cx, &lim, user, pw, token, &rq->retry_after);
	if (out != OUT_OK && out != OUT_RATE_LIMITED && out != OUT_UNAUTHORIZED) {
		json_decref(f);
		page_outcome(rq, out);
		return;
	}
	if (out != OUT_OK) {
		rq_retry_after(rq, out);
		login_form(rq, outcome_status(out), user,
			   out == OUT_UNAUTHORIZED ? "login_failed" : outcome_title_key(out), next);
		json_decref(f);
		return;
	}
	const char *to = return_to(next) ? arena_strdup(&rq->arena, next) : "/";
	json_decref(f);
	rq_session_cookie(rq, token);
	page_redirect(rq, to);	/* the page asked for before logging in, else the dashboard */
}

void page_logout(struct request *rq)
{
	session_logout(&rq->cx, rq->token);
	rq_session_cookie(rq, NULL);
	rq->token = NULL;	/* the log-in page is seen without a session */
	page_saved(rq, "/login", "logout");
}

void page_lang_switch(struct request *rq)
{
	bool en = strstr(rq->path, "/en") != NULL;
	rq_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE, arena_printf(&rq->arena,
		      "anju_lang=%s; Path=/; SameSite=Strict; Max-Age=31536000%s", en ? "en" : "zh",
		      rq_cookie_secure(rq)));
	const char *next = rq_query(rq, "next");
	page_redirect(rq, page_safe_return(next) ? next : "/");	/* back to the page it was on */
}

/* ---------------------------------------------------------------- own password, users */

void page_password(struct request *rq)
{
	page_lang(rq);
	page_render(rq, 200, "password", "change_password", json_object());
}

void page_password_post(struct request *rq)
{
	struct actor who;
	const char *err = NULL;
	page_lang(rq);
	json_t *f = page_form(rq);
	if (!f) {	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	/* The current password is guessed here as at the log-in form: the same limits. */
	struct session_limits lim;
	session_limits_of(&rq->server->cfg, &lim);
	enum outcome out = session_check_password(&rq->cx, &lim, rq->actor.username,
						  page_form_value(f, "current"), &who, &rq->retry_after);
	if (out == OUT_RATE_LIMITED || (out != OUT_OK && out != OUT_UNAUTHORIZED)) {
		json_decref(f);
		if (out != OUT_RATE_LIMITED) {
			page_outcome(rq, out);
			return;
		}
		rq_retry_after(rq, OUT_RATE_LIMITED);
		page_render(rq, outcome_status(OUT_RATE_LIMITED), "password", "change_password",
			    json_pack("{s:s}", "error", msg_get(rq->lang, "problem_rate_limited")));
		return;
	}
	if (out == OUT_UNAUTHORIZED)
		err = "login_failed";
	else if (strcmp(page_form_value(f, "new"), page_form_value(f, "again")) != 0)
		err = "passwords_differ";
	else if (user_passwd(&rq->cx, rq->actor.username, page_form_value(f, "new"), &err) == 0)
		err = NULL;
	json_decref(f);
	if (err) {
		page_render(rq, outcome_status(OUT_INVALID), "password", "change_password",
			    json_pack("{s:s}", "error", msg_get(rq->lang, err)));
		return;
	}
	/* every session of the user has ended, this one too */
	rq_session_cookie(rq, NULL);
	rq->token = NULL;	/* the log-in page is seen without a session */
	page_saved(rq, "/login", "password");
}

/* An account's name refused: which account, the name as typed, and why. */
struct name_refused {
	int64_t id;
	const char *typed, *error_key;
};

static void users_page_named(struct request *rq, unsigned status, json_t *form,
			     const char *error_key, const struct name_refused *named)
{
	json_t *users = user_list(&rq->cx), *roles = json_array(), *u;
	size_t i;
	json_array_foreach(users, i, u) {
		if (named && json_integer_value(json_object_get(u, "id")) == named->id) {
			/* beside that account's name: the account named, the name as typed */
			const char *why = arena_printf(&rq->arena, rq->lang == LANG_EN ? "%s (%s): %s"
				: "%s（%s）：%s", msg_get(rq->lang, "user_name_not_saved"),
				json_string_value(json_object_get(u, "username")),
				msg_get(rq->lang, named->error_key));
			json_object_set_new(u, "full_name", json_string(named->typed));
			json_object_set_new(u, "name_error", json_string(why));
		}
		page_label(rq, u, "role", "role");
		const char *scope = json_string_value(json_object_get(u, "scope"));
		char name[128] = "";
		if (scope && *scope)	/* the scope by its name, the county when none */
			division_name(rq->cx.db, scope, name, sizeof(name));
		json_object_set_new(u, "scope", json_string(*name ? name : scope && *scope ? scope
			: msg_get(rq->lang, "report_table_county")));
	}
	/* a new account starts at the least role (a volunteer reads one community), never admin */
	const char *role = *page_form_value(form, "role") ? page_form_value(form, "role") : "volunteer";
	for (int r = 0; role_names[r]; r++) {
		char key[32];
		snprintf(key, sizeof(key), "role_%s", role_names[r]);
		json_array_append_new(roles, json_pack("{s:s, s:s, s:b}", "value", role_names[r],
			"label", msg_get(rq->lang, key), "selected", !strcmp(role, role_names[r])));
	}
	json_t *data = json_pack("{s:o, s:o, s:O}", "users", users, "roles", roles, "form", form);
	/* the scope chosen by name: the county, a town, or a community under its town */
	const char *scope = page_form_value(form, "scope");
	char county[128] = "";
	division_name(rq->cx.db, SONGTAO_CODE, county, sizeof(county));
	json_object_set_new(data, "scope_county", json_pack("{s:s, s:s, s:b}", "value", SONGTAO_CODE,
		"label", county, "selected", !strcmp(scope, SONGTAO_CODE)));
	json_t *towns = division_list(&rq->cx, SONGTAO_CODE, 0), *t;
	json_array_foreach(towns, i, t)
		json_object_set_new(t, "selected", json_boolean(!strcmp(scope,
			json_string_value(json_object_get(t, "code")))));
	json_object_set_new(data, "scope_towns", towns ? towns : json_array());
	json_object_set_new(data, "scope_communities", page_place_groups(rq, true, scope));
	json_object_set_new(data, "scope_is_none", json_boolean(!strcmp(scope, "none")));
	if (error_key) {	/* said at the top and beside its field; a scope in words, not codes */
		const char *field = NULL;
		user_error(error_key, &field);
		const char *text = msg_get(rq->lang, strcmp(error_key, "scope_invalid") == 0
					   ? "scope_mismatch" : error_key);
		json_object_set_new(data, "error", json_string(text));
		if (json_object_size(form))	/* beside the add form's field: its error */
			json_object_set_new(data, arena_printf(&rq->arena, "err_%s", field),
					    json_string(text));
	}
	page_render(rq, status, "users", "users", data);
}

static void users_page(struct request *rq, unsigned status, json_t *form, const char *error_key)
{
	users_page_named(rq, status, form, error_key, NULL);
}

void page_users(struct request *rq)
{
	page_lang(rq);
	json_t *form = json_object();
	users_page(rq, 200, form, NULL);
	json_decref(form);
}

void page_users_post(struct request *rq)
{
	const char *err = NULL;
	page_lang(rq);
	json_t *f = page_form(rq);
	if (!f) {	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	json_t *pw = json_incref(json_object_get(f, "password"));
	json_object_del(f, "password");	/* never sent back to the page */
	/* the scope is chosen, never assumed: "none" is the choice of no scope (admins,
	 * archivists, auditors), nothing chosen is a field error of its own */
	const char *scope = page_form_value(f, "scope");
	int rc = -1;
	if (!*scope)
		err = "scope_required";
	else
		rc = user_add_named(&rq->cx, page_form_value(f, "username"),
				    page_form_value(f, "full_name"), page_form_value(f, "role"),
				    strcmp(scope, "none") == 0 ? "" : scope,
				    json_is_string(pw) ? json_string_value(pw) : "", &err);
	json_decref(pw);
	const char *field;
	enum outcome res = rc == 0 ? OUT_OK : user_error(err, &field);
	if (res == OUT_OK)
		page_saved(rq, "/users", "user");
	else if (res == OUT_INTERNAL)
		page_outcome(rq, res);
	else	/* the form again, the message beside it: a taken name is 409, as in the API */
		users_page(rq, outcome_status(res), f, err);
	json_decref(f);
}

/* Disables or enables an account from the users page (the form's button says which). */
void page_user_toggle(struct request *rq)
{
	const char *err = NULL, *name = NULL;
	page_lang(rq);
	json_t *f = page_form(rq);
	if (!f) {	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	json_t *u = user_find(&rq->cx, rq->ids[0], NULL);
	if (u)
		name = arena_strdup(&rq->arena, json_string_value(json_object_get(u, "username")));
	json_decref(u);
	bool disable = strstr(rq->path, "/disable") != NULL;
	if (!name)
		page_outcome(rq, OUT_NOT_FOUND);
	else if (user_set_disabled(&rq->cx, name, disable, &err) == 0)
		page_saved(rq, "/users", disable ? "user_disabled" : "user_enabled");
	else {
		const char *field;
		json_t *form = json_object();
		users_page(rq, outcome_status(user_error(err, &field)), form, err);
		json_decref(form);
	}
	json_decref(f);
}

/* Gives an account its full name (or takes it away) from the users page. */
void page_user_name_post(struct request *rq)
{
	const char *err = NULL, *field;
	page_lang(rq);
	json_t *f = page_form(rq);
	if (!f) {	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	int rc = user_set_full_name(&rq->cx, rq->ids[0], page_form_value(f, "full_name"), &err);
	enum outcome res = rc == 0 ? OUT_OK : user_error(err, &field);
	if (res == OUT_OK)	/* the same name again: nothing saved, and said so */
		page_saved(rq, "/users", "user_named");
	else if (res != OUT_INVALID)
		page_outcome(rq, res);
	else {	/* the list again, the message beside the account's name, as typed */
		json_t *form = json_object();
		struct name_refused named = {rq->ids[0], page_form_value(f, "full_name"), err};
		users_page_named(rq, outcome_status(res), form, NULL, &named);
		json_decref(form);
	}
	json_decref(f);
}
