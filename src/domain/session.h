/*
 * session: log-in sessions. A session token is 32 random bytes (base64url); only its
 * BLAKE2b hash is stored, so a copy of the database does not let anyone log in.
 * Password attempts (log-in, password change) are limited per existing account and per
 * client address, with counters kept in the database.
 */
#ifndef ANJU_SESSION_H
#define ANJU_SESSION_H
#include <stdbool.h>

#include "core/config.h"
#include "core/outcome.h"
#include "domain/actor.h"

#define SESSION_TOKEN_LEN 43

struct session_limits {
	int hours;		/* session lifetime */
	int max_user_failures;	/* within the window, per username */
	int max_address_failures;	/* within the window, per address */
	int window_seconds;
};

/* Checks the password and opens a session. OUT_RATE_LIMITED sets *retry_after (seconds),
 * OUT_UNAUTHORIZED means a wrong name or password. */
enum outcome session_login(struct ctx *cx, const struct session_limits *lim,
			   const char *username, const char *password,
			   char token[SESSION_TOKEN_LEN + 1], int *retry_after);
/* Finds the live session of a token and fills `who`; false when none. */
bool session_resolve(struct store_conn *db, const char *token, struct actor *who);
/* The same from memory, without the database (domain/session_memo.h): true when this
 * process resolved the token lately and no session or account has changed in it since. */
bool session_recall(const char *token, struct actor *who);
/* Ends the session of a token. */
int session_logout(struct ctx *cx, const char *token);
/* The limits the settings ask for (login_max_failures per account, four times that per
 * address, within login_window_seconds). */
void session_limits_of(const struct config *cfg, struct session_limits *lim);

/* One counted password attempt: the counters it was charged to. */
struct session_attempt {
	char user_key[32];	/* "" when no such account */
	char address_key[96];
};
/* Charges an attempt on `username` from the caller's address before the password is
 * checked. OUT_RATE_LIMITED (nothing charged, *retry_after seconds) when the account or
 * the address is at its limit; OUT_BUSY/OUT_INTERNAL when the counters cannot be written. */
enum outcome session_attempt(struct ctx *cx, const struct session_limits *lim,
			     const char *username, struct session_attempt *at, int *retry_after);
/* The attempt's password was right: the account's count starts again and the address
 * gets the attempt back. */
enum outcome session_attempt_succeeded(struct ctx *cx, const struct session_attempt *at);
/* A limited password check (the password-change form): OUT_OK and `who` filled,
 * OUT_UNAUTHORIZED for a wrong password, OUT_RATE_LIMITED with *retry_after. */
enum outcome session_check_password(struct ctx *cx, const struct session_limits *lim,
				    const char *username, const char *password,
				    struct actor *who, int *retry_after);
#endif
