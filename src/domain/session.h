/*
 * session: log-in sessions. A session token is 32 random bytes (base64url); only its
 * BLAKE2b hash is stored, so a copy of the database does not let anyone log in.
 * Log-in failures are limited per username and per client address.
 */
#ifndef ANJU_SESSION_H
#define ANJU_SESSION_H
#include <stdbool.h>

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
/* Ends the session of a token. */
int session_logout(struct ctx *cx, const char *token);
/* Forgets every failure count (tests; a restart does the same). */
void session_limits_reset(void);
#endif
