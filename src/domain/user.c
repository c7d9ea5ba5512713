/* user: accounts, Argon2id password hashes, role/scope rules. */
#include "domain/user.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/utf8.h"
#include "domain/audit.h"
#include "domain/division.h"
#include "domain/session_memo.h"

static bool username_ok(const char *u)
{
	size_t n = u ? strlen(u) : 0;
	return n >= 2 && n <= 32 &&
	       strspn(u, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

/* The scope a role needs: county staff a county, town officers a town, community
 * workers and volunteers a community; the others any division or none. */
static bool scope_fits(struct store_conn *db, int role, const char *scope)
{
	size_t n = strlen(scope);
	if (n && (strspn(scope, "0123456789") != n || !division_exists(db, scope, 0)))
		return false;
	switch (role) {
	case ROLE_COUNTY: return n == 6;
	case ROLE_TOWN: return n == 9;
	case ROLE_COMMUNITY: case ROLE_VOLUNTEER: return n == 12;
	default: return true;
	}
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES],
			 const char **err_key)
{
	size_t n = strlen(password);
	if (utf8_length(password) < 8) {	/* characters, as the message says, not bytes */
		*err_key = "password_weak";
		return -1;
	}
	if (n > 1024) {
		*err_key = "too_long";
		return -1;
	}
	if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		*err_key = "internal";
		return -1;
	}
	return 0;
}

int user_add(struct ctx *cx, const char *username, const char *role, const char *scope,
	     const char *password, const char **err_key)
{
	char hash[crypto_pwhash_STRBYTES], now[21];
	int r = role_parse(role), rc;
	if (!username_ok(username)) {
		*err_key = "username_invalid";
		return -1;
	}
	if (r < 0) {
		*err_key = "role_unknown";
		return -1;
	}
	if (!scope)
		scope = "";
	unsigned failures = cx->db->failures;
	if (!scope_fits(cx->db, r, scope)) {	/* a failed lookup is no verdict on the scope */
		*err_key = cx->db->failures != failures ? "internal" : "scope_invalid";
		return -1;
	}
	if (hash_password(password, hash, err_key))
		return -1;
	audit_now(now);
	if (store_begin(cx->db) != STORE_OK) {
		*err_key = "internal";
		return -1;
	}
	rc = store_exec(cx->db, "INSERT INTO users(username, role, scope, password_hash,"
			" created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?)", "tttttt",
			username, role, scope, hash, now, now);
	if (rc == STORE_OK) {
		json_t *after = json_pack("{s:s, s:s, s:s}", "username", username, "role", role,
					  "scope", scope);
		rc = audit_write(cx, "create", "user", store_last_id(cx->db), NULL, after);
		json_decref(after);
	}
	if (rc == STORE_OK && store_commit(cx->db) == STORE_OK)
		return 0;
	store_rollback(cx->db);
	*err_key = rc == STORE_CONSTRAINT ? "username_taken" : "internal";
	return -1;
}

int user_passwd(struct ctx *cx, const char *username, const char *password, const char **err_key)
{
	char hash[crypto_pwhash_STRBYTES], now[21];
	int rc;
	if (hash_password(password, hash, err_key))
		return -1;
	audit_now(now);
	if (store_begin(cx->db) != STORE_OK) {
		*err_key = "internal";
		return -1;
	}
	int64_t id = store_one_int(cx->db, &rc, "SELECT id FROM users WHERE username = ?", "t",
				   username);
	if (!id) {
		store_rollback(cx->db);
		*err_key = rc == STORE_OK ? "user_unknown" : "internal";
		return -1;
	}
	rc = store_exec(cx->db, "UPDATE users SET password_hash = ?, password_changed_at = ?"
			" WHERE id = ?", "tti", hash, now, id);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "DELETE FROM sessions WHERE user_id = ?", "i", id);
	if (rc == STORE_OK)
		rc = audit_write(cx, "passwd", "user", id, NULL, NULL);
	if (rc == STORE_OK && store_commit(cx->db) == STORE_OK) {
		session_memo_forget_all();
		return 0;
	}
	store_rollback(cx->db);
	*err_key = "internal";
	return -1;
}

int user_set_disabled(struct ctx *cx, const char *username, bool disabled, const char **err_key)
{
	int rc;
	*err_key = "internal";
	if (store_begin(cx->db) != STORE_OK)
		return -1;
	int64_t id = store_one_int(cx->db, &rc, "SELECT id FROM users WHERE username = ?", "t",
				   username);
	if (!id || (disabled && id == cx->actor->user_id)) {
		store_rollback(cx->db);
		*err_key = rc != STORE_OK ? "internal" : !id ? "user_unknown" : "user_disable_self";
		return -1;
	}
	rc = store_exec(cx->db, "UPDATE users SET disabled = ? WHERE id = ?", "ii",
			(int64_t)disabled, id);
	if (rc == STORE_OK && disabled)	/* a disabled account is logged out everywhere */
		rc = store_exec(cx->db, "DELETE FROM sessions WHERE user_id = ?", "i", id);
	if (rc == STORE_OK)
		rc = audit_write(cx, disabled ? "disable" : "enable", "user", id, NULL, NULL);
	if (rc == STORE_OK && store_commit(cx->db) == STORE_OK) {
		session_memo_forget_all();
		return 0;
	}
	store_rollback(cx->db);
	return -1;
}

/* Users as JSON; id 0 and username NULL: every one. */
static json_t *users_where(struct ctx *cx, int64_t id, const char *username)
{
	json_t *arr = json_array();
	struct store_rows *r = store_query(cx->db, "SELECT id, username, role, scope, disabled,"
		" created_at FROM users WHERE (? = 0 OR id = ?) AND (? = '' OR username = ?)"
		" ORDER BY username", "iitt", id, id, username ? username : "",
		username ? username : "");
	while (store_next(r))
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:b, s:s}",
			"id", (json_int_t)store_int(r, 0), "username", store_text(r, 1),
			"role", store_text(r, 2), "scope", store_text(r, 3),
			"disabled", (int)store_int(r, 4), "created_at", store_text(r, 5)));
	store_finish(r);
	return arr;
}

json_t *user_list(struct ctx *cx)
{
	return users_where(cx, 0, NULL);
}

json_t *user_find(struct ctx *cx, int64_t id, const char *username)
{
	json_t *arr = users_where(cx, id, username);
	json_t *one = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return one;
}

static void fill_actor(struct actor *who, int64_t id, const char *name, const char *role,
		       const char *scope)
{
	memset(who, 0, sizeof(*who));
	who->user_id = id;
	snprintf(who->username, sizeof(who->username), "%s", name);
	who->role = (enum role)role_parse(role);
	snprintf(who->scope, sizeof(who->scope), "%s", scope);
}

static char decoy[crypto_pwhash_STRBYTES];
static pthread_once_t decoy_once = PTHREAD_ONCE_INIT;

static void make_decoy(void)
{
	if (crypto_pwhash_str(decoy, "decoy-password", 14, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		decoy[0] = 0;
}

bool user_verify(struct store_conn *db, const char *username, const char *password,
		 struct actor *who)
{
	/* A hash to verify against when the user does not exist, so that the answer takes
	 * as long either way and does not tell which usernames exist. */
	pthread_once(&decoy_once, make_decoy);
	if (!decoy[0])
		return false;
	char hash[crypto_pwhash_STRBYTES] = "", name[64] = "", role[16] = "", scope[16] = "";
	int64_t id = 0;
	int disabled = 1;
	struct store_rows *r = store_query(db, "SELECT id, password_hash, role, scope, disabled,"
					   " username FROM users WHERE username = ?", "t", username);
	if (store_next(r)) {
		id = store_int(r, 0);
		snprintf(hash, sizeof(hash), "%s", store_text(r, 1));
		snprintf(role, sizeof(role), "%s", store_text(r, 2));
		snprintf(scope, sizeof(scope), "%s", store_text(r, 3));
		disabled = (int)store_int(r, 4);
		snprintf(name, sizeof(name), "%s", store_text(r, 5));
	}
	store_finish(r);
	bool ok = crypto_pwhash_str_verify(id ? hash : decoy, password, strlen(password)) == 0;
	if (!id || disabled || !ok)
		return false;
	fill_actor(who, id, name, role, scope);
	return true;
}

bool user_load(struct store_conn *db, int64_t id, struct actor *who)
{
	bool found = false;
	struct store_rows *r = store_query(db, "SELECT username, role, scope FROM users"
					   " WHERE id = ? AND disabled = 0", "i", id);
	if (store_next(r)) {
		fill_actor(who, id, store_text(r, 0), store_text(r, 1), store_text(r, 2));
		found = true;
	}
	store_finish(r);
	return found;
}

enum outcome user_create(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"username", "role", "scope", "password", NULL};
	const char *err = NULL, *field;
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	const char *name = jx_string(body, "username", "", true, 32, cx->errs);
	const char *role = jx_enum(body, "role", "", true, role_names, cx->errs);
	json_t *pw = json_object_get(body, "password");
	if (!json_is_string(pw))	/* its rules are user_add's: any length is checked there */
		verrors_add(cx->errs, "password", pw ? "type_string" : "required");
	json_t *scope = json_object_get(body, "scope");
	if (scope && !json_is_string(scope))
		verrors_add(cx->errs, "scope", "type_string");
	if (cx->errs->n)
		return OUT_INVALID;
	if (user_add(cx, name, role, json_string_value(scope), json_string_value(pw), &err)) {
		enum outcome refused = user_error(err, &field);
		if (refused != OUT_INTERNAL)
			verrors_add(cx->errs, field, err);
		return refused;
	}
	*out = user_find(cx, 0, name);
	return *out ? OUT_OK : OUT_INTERNAL;
}

enum outcome user_error(const char *err_key, const char **field)
{
	*field = strncmp(err_key, "password", 8) == 0 || strcmp(err_key, "too_long") == 0
		? "password" : strncmp(err_key, "scope", 5) == 0 ? "scope"
		: strncmp(err_key, "role", 4) == 0 ? "role" : "username";
	return strcmp(err_key, "internal") == 0 ? OUT_INTERNAL
		: strcmp(err_key, "username_taken") == 0 ? OUT_CONFLICT
		: strcmp(err_key, "user_unknown") == 0 ? OUT_NOT_FOUND : OUT_INVALID;
}
