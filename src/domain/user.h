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

/* Creates a user. Returns 0, or -1 with a message key in *err_key
 * (username_invalid, username_taken, role_unknown, scope_invalid, password_weak, ...). */
int user_add(struct ctx *cx, const char *username, const char *role, const char *scope,
	     const char *password, const char **err_key);
/* Creates a user from a JSON body {"username", "role", "scope", "password"} (the API's):
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
/* Checks a password; fills `who` on success. Takes the same time for unknown users. */
bool user_verify(struct store_conn *db, const char *username, const char *password,
		 struct actor *who);
/* Loads a user by id into `who`; false when absent or disabled. */
bool user_load(struct store_conn *db, int64_t id, struct actor *who);
#endif
