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

/* A person's name as people write it, its surrounding spaces (also the ideographic
 * U+3000) cut: up to FULL_NAME_MAX characters, no control characters
 * (full_name_invalid), no bidirectional controls (full_name_bidi) nor other characters
 * that do not show (full_name_invisible: a zero-width space, U+FEFF, a soft hyphen, ...;
 * utf8_hidden_char, the rule jx_name holds every other person's name to), not only spaces
 * unless empty (no name yet). The name to keep, in cx's arena, or NULL with *err_key. */
static const char *full_name_clean(struct ctx *cx, const char *s, const char **err_key)
{
	if (!s || !*s)
		return "";
	if (!utf8_valid(s, strlen(s)) || utf8_has_control(s)) {
		*err_key = "full_name_invalid";
		return NULL;
	}
	enum utf8_hidden hidden = utf8_hidden_char(s);
	if (hidden != UTF8_SHOWN) {
		*err_key = hidden == UTF8_BIDI ? "full_name_bidi" : "full_name_invisible";
		return NULL;
	}
	const char *end = s + strlen(s);
	for (;;)
		if (*s == ' ')
			s++;
		else if (strncmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3;
		else
			break;
	for (;;)
		if (end > s && end[-1] == ' ')
			end--;
		else if (end - s >= 3 && strncmp(end - 3, "\xE3\x80\x80", 3) == 0)
			end -= 3;
		else
			break;
	char *name = arena_printf(cx->arena, "%.*s", (int)(end - s), s);
	if (!name || !*name || utf8_length(name) > FULL_NAME_MAX) {
		*err_key = name ? "full_name_invalid" : "internal";
		return NULL;
	}
	return name;
}

int user_add(struct ctx *cx, const char *username, const char *role, const char *scope,
	     const char *password, const char **err_key)
{
	return user_add_named(cx, username, "", role, scope, password, err_key);
}

int user_add_named(struct ctx *cx, const char *username, const char *full_name,
		   const char *role, const char *scope, const char *password, const char **err_key)
{
	char hash[crypto_pwhash_STRBYTES], now[21];
	int r = role_parse(role), rc;
	if (!username_ok(username)) {
		*err_key = "username_invalid";
		return -1;
	}
	if (!(full_name = full_name_clean(cx, full_name, err_key)))
		return -1;
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
	rc = store_exec(cx->db, "INSERT INTO users(username, full_name, role, scope,"
			" password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			"ttttttt", username, full_name, role, scope, hash, now, now);
	if (rc == STORE_OK) {
		json_t *after = json_pack("{s:s, s:s, s:s, s:s}", "username", username, "full_name",
					  full_name, "role", role, "scope", scope);
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
		" created_at, full_name FROM users WHERE (? = 0 OR id = ?) AND (? = '' OR username = ?)"
		" ORDER BY username", "iitt", id, id, username ? username : "",
		username ? username : "");
	while (store_next(r))
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s}",
			"id", (json_int_t)store_int(r, 0), "username", store_text(r, 1),
			"full_name", store_text(r, 6), "role", store_text(r, 2),
			"scope", store_text(r, 3), "disabled", (int)store_int(r, 4),
			"created_at", store_text(r, 5)));
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
		       const char *scope, const char *full_name)
{
	memset(who, 0, sizeof(*who));
	who->user_id = id;
	snprintf(who->username, sizeof(who->username), "%s", name);
	snprintf(who->full_name, sizeof(who->full_name), "%s", full_name ? full_name : "");
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
	char full[sizeof(who->full_name)] = "";
	int64_t id = 0;
	int disabled = 1;
	struct store_rows *r = store_query(db, "SELECT id, password_hash, role, scope, disabled,"
					   " username, full_name FROM users WHERE username = ?", "t",
					   username);
	if (store_next(r)) {
		id = store_int(r, 0);
		snprintf(hash, sizeof(hash), "%s", store_text(r, 1));
		snprintf(role, sizeof(role), "%s", store_text(r, 2));
		snprintf(scope, sizeof(scope), "%s", store_text(r, 3));
		disabled = (int)store_int(r, 4);
		snprintf(name, sizeof(name), "%s", store_text(r, 5));
		snprintf(full, sizeof(full), "%s", store_text(r, 6));
	}
	store_finish(r);
	bool ok = crypto_pwhash_str_verify(id ? hash : decoy, password, strlen(password)) == 0;
	if (!id || disabled || !ok)
		return false;
	fill_actor(who, id, name, role, scope, full);
	return true;
}

bool user_load(struct store_conn *db, int64_t id, struct actor *who)
{
	bool found = false;
	struct store_rows *r = store_query(db, "SELECT username, role, scope, full_name FROM users"
					   " WHERE id = ? AND disabled = 0", "i", id);
	if (store_next(r)) {
		fill_actor(who, id, store_text(r, 0), store_text(r, 1), store_text(r, 2),
			   store_text(r, 3));
		found = true;
	}
	store_finish(r);
	return found;
}

/* A body's "full_name": "" (no name) or jx_string's 1..FULL_NAME_MAX characters. */
static const char *full_name_of(json_t *body, bool required, struct verrors *errs)
{
	json_t *v = json_object_get(body, "full_name");
	if (json_is_string(v) && json_string_length(v) == 0)
		return "";
	return jx_string(body, "full_name", "", required, FULL_NAME_MAX, errs);
}

enum outcome user_create(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"username", "full_name", "role", "scope", "password",
					      NULL};
	const char *err = NULL, *field;
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	const char *name = jx_string(body, "username", "", true, 32, cx->errs);
	const char *full = full_name_of(body, false, cx->errs);
	const char *role = jx_enum(body, "role", "", true, role_names, cx->errs);
	json_t *pw = json_object_get(body, "password");
	if (!json_is_string(pw))	/* its rules are user_add's: any length is checked there */
		verrors_add(cx->errs, "password", pw ? "type_string" : "required");
	json_t *scope = json_object_get(body, "scope");
	if (scope && !json_is_string(scope))
		verrors_add(cx->errs, "scope", "type_string");
	if (cx->errs->n)
		return OUT_INVALID;
	if (user_add_named(cx, name, full, role, json_string_value(scope), json_string_value(pw),
			   &err)) {
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
		: strncmp(err_key, "full_name", 9) == 0 ? "full_name"
		: strncmp(err_key, "role", 4) == 0 ? "role" : "username";
	return strcmp(err_key, "internal") == 0 ? OUT_INTERNAL
		: strcmp(err_key, "username_taken") == 0 ? OUT_CONFLICT
		: strcmp(err_key, "user_unknown") == 0 ? OUT_NOT_FOUND : OUT_INVALID;
}

int user_set_full_name(struct ctx *cx, int64_t id, const char *full_name, const char **err_key)
{
	int rc;
	*err_key = "internal";
	if (!(full_name = full_name_clean(cx, full_name, err_key)))
		return -1;
	if (store_begin(cx->db) != STORE_OK)
		return -1;
	struct store_rows *r = store_query(cx->db, "SELECT full_name FROM users WHERE id = ?", "i",
					   id);
	json_t *before = store_next(r) ? json_pack("{s:s}", "full_name", store_text(r, 0)) : NULL;
	rc = store_finish(r);
	if (!before) {
		store_rollback(cx->db);
		*err_key = rc != STORE_OK ? "internal" : "user_unknown";
		return -1;
	}
	json_t *after = json_pack("{s:s}", "full_name", full_name);
	cx->unchanged = json_equal(before, after);
	if (!cx->unchanged) {	/* the same name again: nothing to write or log */
		rc = store_exec(cx->db, "UPDATE users SET full_name = ? WHERE id = ?", "ti",
				full_name, id);
		if (rc == STORE_OK)
			rc = audit_write(cx, "update", "user", id, before, after);
	}
	json_decref(before);
	json_decref(after);
	if (rc == STORE_OK && store_commit(cx->db) == STORE_OK) {
		session_memo_forget_all();	/* the header names the signed-in user */
		return 0;
	}
	store_rollback(cx->db);
	return -1;
}

int64_t user_id_of(struct ctx *cx, const char *username)
{
	int rc;
	return store_one_int(cx->db, &rc, "SELECT id FROM users WHERE username = ?", "t",
			     username ? username : "");
}

enum outcome user_change(struct ctx *cx, int64_t id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"full_name", NULL};
	const char *err = NULL, *field;
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	const char *full = full_name_of(body, true, cx->errs);
	if (cx->errs->n)
		return OUT_INVALID;
	if (user_set_full_name(cx, id, full, &err)) {
		enum outcome refused = user_error(err, &field);
		if (refused == OUT_INVALID)
			verrors_add(cx->errs, field, err);
		return refused;
	}
	*out = user_find(cx, id, NULL);
	return *out ? OUT_OK : OUT_INTERNAL;
}

/* ---------------------------------------------------------------- names on display */

const char *const user_login_fields[] = {
	"owner", "resolved_by", "raised_by", "replied_by", "approved_by", "published_by",
	"created_by", "scored_by", "evaluator", "user", NULL,
};

const char *user_display_name(struct ctx *cx, const char *login)
{
	if (!login || !*login)
		return login;
	struct store_rows *r = store_query(cx->db, "SELECT full_name FROM users WHERE username = ?",
					   "t", login);
	const char *name = store_next(r) && *store_text(r, 0)
		? arena_strdup(cx->arena, store_text(r, 0)) : login;
	store_finish(r);
	return name ? name : login;
}

static bool is_login_field(const char *key, const char *const keys[])
{
	for (int i = 0; keys[i]; i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

/* Walks the tree; `seen` remembers each login looked up (its name, or the login itself). */
static void names_walk(struct ctx *cx, json_t *t, const char *const keys[], json_t *seen,
		       int depth)
{
	const char *k;
	json_t *v;
	size_t i;
	if (depth > 16)
		return;
	if (json_is_array(t)) {
		json_array_foreach(t, i, v)
			names_walk(cx, v, keys, seen, depth + 1);
		return;
	}
	json_object_foreach(t, k, v) {
		if (!strcmp(k, "form") || !strcmp(k, "filter") || !strcmp(k, "fields"))
			continue;	/* what goes back into a form keeps the login */
		if (!json_is_string(v) || !is_login_field(k, keys)) {
			if (json_is_object(v) || json_is_array(v))
				names_walk(cx, v, keys, seen, depth + 1);
			continue;
		}
		const char *login = json_string_value(v);
		json_t *known = json_object_get(seen, login);
		if (!known) {
			known = json_string(user_display_name(cx, login));
			json_object_set_new(seen, login, known);
		}
		if (known && strcmp(json_string_value(known), login) != 0)
			json_string_set(v, json_string_value(known));
	}
}

void user_names_show(struct ctx *cx, json_t *tree, const char *const keys[])
{
	json_t *seen = json_object();
	if (seen && tree)
		names_walk(cx, tree, keys ? keys : user_login_fields, seen, 0);
	json_decref(seen);
}
