/*
 * user: accounts with a role and a scope (a division code prefix). Passwords are kept as
 * Argon2id hashes (libsodium crypto_pwhash_str), never in any other form.
 */
#ifndef ANJU_USER_H
#define ANJU_USER_H
#include <jansson.h>
#include <stdbool.h>

#include "core/outcome.h"
#include "domain/actor.h"

#define FULL_NAME_MAX 50	/* characters of a user's full name */

/* Creates a user. Returns 0, or -1 with a message key in *err_key
 * (username_invalid, username_taken, role_unknown, scope_invalid, password_weak, ...). */
int user_add(struct ctx *cx, const char *username, const char *role, const char *scope,
	     const char *password, const char **err_key);
/* user_add with the person's full name (姓名; "" none yet), its surrounding spaces cut:
 * at most FULL_NAME_MAX characters, no control characters (full_name_invalid), no
 * bidirectional controls such as U+202E (full_name_bidi) nor other characters that do not
 * show, such as U+200B (full_name_invisible). */
int user_add_named(struct ctx *cx, const char *username, const char *full_name,
		   const char *role, const char *scope, const char *password, const char **err_key);
/* Sets a user's full name ("" takes it away), audited as an update of the user; the same
 * name again changes nothing (cx->unchanged set). The name's rule is user_add_named's.
 * Returns 0 or -1 with *err_key (full_name_invalid,
 * full_name_bidi, full_name_invisible, user_unknown, internal). */
int user_set_full_name(struct ctx *cx, int64_t id, const char *full_name, const char **err_key);
/* The id of the user with this login name; 0 when there is none. */
int64_t user_id_of(struct ctx *cx, const char *username);
/* Changes a user from a JSON body {"full_name"} (the API's PATCH): OUT_INVALID with the
 * field's error, OUT_NOT_FOUND for no such user; *out the user as user_find shows it. */
enum outcome user_change(struct ctx *cx, int64_t id, json_t *body, json_t **out);
/* Creates a user from a JSON body {"username", "full_name", "role", "scope", "password"} (the API's):
 * every bad field into cx->errs at once (OUT_INVALID), a taken name OUT_CONFLICT, then
 * user_add's own rules; *out is the user as user_find shows it. */
enum outcome user_create(struct ctx *cx, json_t *body, json_t **out);
/* Sets a new password and ends the user's sessions. Returns 0 or -1 with *err_key. */
int user_passwd(struct ctx *cx, const char *username, const char *password, const char **err_key);
/* Disables (ending every session) or enables an account; admins cannot disable their own.
 * Returns 0 or -1 with *err_key (user_unknown, user_disable_self, internal). */
int user_set_disabled(struct ctx *cx, const char *username, bool disabled, const char **err_key);
/* What an *err_key of the functions above comes to, for the API and the pages alike
 * (username_taken a conflict, user_unknown not found, internal internal, the rest invalid
 * input), and the field it is about. */
enum outcome user_error(const char *err_key, const char **field);
/* All users (without hashes), as a JSON array. */
json_t *user_list(struct ctx *cx);
/* One user as user_list shows it, by id (username NULL) or by name (id 0); NULL when there
 * is none. */
json_t *user_find(struct ctx *cx, int64_t id, const char *username);
/* The fields of the records that hold a login name: who owns, raised, resolved, replied,
 * approved, published, created or scored something, and the "user" of a step. */
extern const char *const user_login_fields[];
/* The name to show for a login name: the user's full name, else the login itself (also
 * for a name that is no user's, such as a name typed by hand); in cx's arena. */
const char *user_display_name(struct ctx *cx, const char *login);
/* For display only: every string member of `tree` (walked down through objects and
 * arrays) whose key is one of `keys` (NULL: user_login_fields) and whose value is the
 * login name of a user with a full name gets that full name instead. What goes back into
 * a form (members named "form", "filter" or "fields") is left alone; never call it for
 * data that goes back into a record. */
void user_names_show(struct ctx *cx, json_t *tree, const char *const keys[]);
/* Checks a password; fills `who` on success. Takes the same time for unknown users. */
bool user_verify(struct store_conn *db, const char *username, const char *password,
		 struct actor *who);
/* Loads a user by id into `who`; false when absent or disabled. */
bool user_load(struct store_conn *db, int64_t id, struct actor *who);
#endif
