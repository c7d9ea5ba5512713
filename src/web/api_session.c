/* api_session: log-in, log-out and "who am I". */
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "domain/session.h"
#include "web/routes.h"
#include "web/server.h"

void api_session_create(struct request *rq)
{
	static const char *const allowed[] = {"username", "password", NULL};
	json_t *body;
	enum outcome out = rq_json_body(rq, &body);
	if (out != OUT_OK) {
		rq_problem(rq, out, NULL);
		return;
	}
	if (!json_is_object(body)) {
		verrors_add(&rq->errs, "body", "type_object");
	} else {
		jx_only(body, allowed, "", &rq->errs);
	}
	const char *user = json_is_object(body) ? jx_string(body, "username", "", true, 64, &rq->errs) : NULL;
	json_t *pw = json_object_get(body, "password");
	if (json_is_object(body) && !json_is_string(pw))
		verrors_add(&rq->errs, "password", pw ? "type_string" : "required");
	else if (json_is_string(pw) && json_string_length(pw) > 1024)
		verrors_add(&rq->errs, "password", "too_long");
	if (rq->errs.n) {
		json_decref(body);
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	const struct config *cfg = &rq->server->cfg;
	struct session_limits lim = {cfg->session_hours, cfg->login_max_failures,
				     cfg->login_max_failures * 4, cfg->login_window_seconds};
	char token[SESSION_TOKEN_LEN + 1];
	out = session_login(&rq->cx, &lim, user, json_string_value(pw), token, &rq->retry_after);
	json_decref(body);
	if (out != OUT_OK) {
		rq_problem(rq, out, out == OUT_UNAUTHORIZED ? "login_failed" : NULL);
		return;
	}
	rq_session_cookie(rq, token);
	rq_json(rq, 201, json_pack("{s:s, s:i}", "token", token, "expires_in",
				   cfg->session_hours * 3600));
}

void api_session_delete(struct request *rq)
{
	if (session_logout(&rq->cx, rq->token) != STORE_OK) {
		rq_problem(rq, OUT_INTERNAL, NULL);
		return;
	}
	rq_session_cookie(rq, NULL);
	rq->status = 204;
	rq->content_type = "text/plain";
}

void api_me(struct request *rq)
{
	rq_json(rq, 200, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)rq->actor.user_id,
				   "username", rq->actor.username,
				   "role", role_names[rq->actor.role], "scope", rq->actor.scope));
}
