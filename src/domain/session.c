/* session: tokens, log-in and the attempt limiter. */
#include "domain/session.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/audit.h"
#include "domain/session_memo.h"
#include "domain/tx.h"
#include "domain/user.h"

/* ---------------------------------------------------------------- rate limiter */

/* Counters live in the table login_limits (005_limits.sql), so a restart or a second
 * process keeps them and no flood can evict one: a row goes only when its window has
 * passed. An attempt is counted before the password is checked, in one short write
 * transaction, so parallel guesses cannot all slip under the limit; a success then gives
 * the attempt back. Every attempt counts against its address; only attempts on an existing
 * account count against that account, so junk usernames add no rows (see
 * docs/decisions.md, "Log-in limits"). */

/* The address counter's key: an IPv6 client owns a whole /64, so it counts as one. The
 * prefix is taken from the parsed address, not its text: one /64 has several textual
 * forms ("2001:db8:1::1", "2001:db8:1:0:5::1"), which must not be several counters. */
static void address_key(const char *address, char out[96])
{
	struct in6_addr a6;
	char prefix[INET6_ADDRSTRLEN];
	if (strchr(address, '.') || inet_pton(AF_INET6, address, &a6) != 1) {
		snprintf(out, 96, "a:%.80s", address);	/* IPv4 (also IPv4-mapped): per address */
		return;
	}
	memset(a6.s6_addr + 8, 0, 8);
	inet_ntop(AF_INET6, &a6, prefix, sizeof(prefix));
	snprintf(out, 96, "a:%s/64", prefix);
}

/* Seconds until `key` may try again (0: it may now); *rc gets a storage failure. */
static int limit_wait(struct store_conn *db, const char *key, int max, int window, int64_t now,
		      int *rc)
{
	int wait = 0;
	struct store_rows *r = store_query(db, "SELECT failures, window_start FROM login_limits"
					   " WHERE key = ?", "t", key);
	if (store_next(r) && store_int(r, 0) >= max) {
		wait = (int)(store_int(r, 1) + window - now);
		if (wait < 1)
			wait = 1;
	}
	int frc = store_finish(r);
	if (*rc == STORE_OK)
		*rc = frc;
	return wait;
}

static int limit_bump(struct store_conn *db, const char *key, int64_t now)
{
	return store_exec(db, "INSERT INTO login_limits(key, failures, window_start) VALUES (?, 1, ?)"
			  " ON CONFLICT (key) DO UPDATE SET failures = login_limits.failures + 1",
			  "ti", key, now);
}

enum outcome session_attempt(struct ctx *cx, const struct session_limits *lim,
			     const char *username, struct session_attempt *at, int *retry_after)
{
	int64_t now = (int64_t)time(NULL);
	int rc = STORE_OK;
	*retry_after = 0;
	address_key(cx->actor->address, at->address_key);
	at->user_key[0] = '\0';
	enum outcome out = tx_begin(cx->db);
	if (out != OUT_OK)
		return out;
	int64_t user = store_one_int(cx->db, &rc, "SELECT id FROM users WHERE username = ?", "t",
				     username ? username : "");
	if (user)
		snprintf(at->user_key, sizeof(at->user_key), "u:%lld", (long long)user);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "DELETE FROM login_limits WHERE window_start <= ?", "i",
				now - lim->window_seconds);
	int wu = at->user_key[0] ? limit_wait(cx->db, at->user_key, lim->max_user_failures,
					      lim->window_seconds, now, &rc) : 0;
	int wa = limit_wait(cx->db, at->address_key, lim->max_address_failures,
			    lim->window_seconds, now, &rc);
	if (rc == STORE_OK && (wu || wa)) {
		*retry_after = wu > wa ? wu : wa;
		store_rollback(cx->db);
		return OUT_RATE_LIMITED;
	}
	if (rc == STORE_OK && at->user_key[0])
		rc = limit_bump(cx->db, at->user_key, now);
	if (rc == STORE_OK)
		rc = limit_bump(cx->db, at->address_key, now);
	return tx_end(cx->db, OUT_OK, rc);
}

/* The attempt succeeded: the account's count starts again and the address gets its
 * attempt back (an office behind one address logs in all day). Runs inside the caller's
 * write transaction when there is one. */
static int attempt_succeeded(struct store_conn *db, const struct session_attempt *at)
{
	int rc = STORE_OK;
	if (at->user_key[0])
		rc = store_exec(db, "DELETE FROM login_limits WHERE key = ?", "t", at->user_key);
	if (rc == STORE_OK)
		rc = store_exec(db, "UPDATE login_limits SET failures = failures - 1"
				" WHERE key = ? AND failures > 0", "t", at->address_key);
	return rc;
}

enum outcome session_attempt_succeeded(struct ctx *cx, const struct session_attempt *at)
{
	enum outcome out = tx_begin(cx->db);
	if (out != OUT_OK)
		return out;
	return tx_end(cx->db, OUT_OK, attempt_succeeded(cx->db, at));
}

enum outcome session_check_password(struct ctx *cx, const struct session_limits *lim,
				    const char *username, const char *password,
				    struct actor *who, int *retry_after)
{
	struct session_attempt at;
	enum outcome out = session_attempt(cx, lim, username, &at, retry_after);
	if (out != OUT_OK)
		return out;
	unsigned failures = cx->db->failures;
	if (!user_verify(cx->db, username, password ? password : "", who))
		return cx->db->failures != failures ? OUT_INTERNAL : OUT_UNAUTHORIZED;
	return session_attempt_succeeded(cx, &at);
}

void session_limits_of(const struct config *cfg, struct session_limits *lim)
{
	lim->hours = cfg->session_hours;
	lim->max_user_failures = cfg->login_max_failures;
	lim->max_address_failures = cfg->login_max_failures * 4;
	lim->window_seconds = cfg->login_window_seconds;
}

/* ---------------------------------------------------------------- tokens */

static void token_hash(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

enum outcome session_login(struct ctx *cx, const struct session_limits *lim,
			   const char *username, const char *password,
			   char token[SESSION_TOKEN_LEN + 1], int *retry_after)
{
	char hash[65], now[21];
	struct actor who;
	struct session_attempt at;
	/* Argon2 runs between the two short write transactions, never inside one. */
	enum outcome out = session_attempt(cx, lim, username, &at, retry_after);
	if (out != OUT_OK)
		return out;
	/* A lookup that failed is not a wrong password: 500, though the attempt stays counted
	 * (it was counted before the check, so parallel guesses cannot outrun the limit). */
	unsigned failures = cx->db->failures;
	if (!user_verify(cx->db, username, password, &who))
		return cx->db->failures != failures ? OUT_INTERNAL : OUT_UNAUTHORIZED;

	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, SESSION_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	token_hash(token, hash);
	audit_now(now);
	snprintf(who.address, sizeof(who.address), "%s", cx->actor->address);
	struct ctx as_user = *cx;
	as_user.actor = &who;
	if ((out = tx_begin(cx->db)) != OUT_OK)
		return out;
	int rc = attempt_succeeded(cx->db, &at);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "DELETE FROM sessions WHERE expires_at < ?", "i",
				(int64_t)time(NULL));
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO sessions(token_hash, user_id, created_at,"
				" expires_at, address) VALUES (?, ?, ?, ?, ?)", "titit", hash,
				who.user_id, now, (int64_t)time(NULL) + (int64_t)lim->hours * 3600,
				cx->actor->address);
	if (rc == STORE_OK)
		rc = audit_write(&as_user, "login", "user", who.user_id, NULL, NULL);
	return tx_end(cx->db, OUT_OK, rc);
}

bool session_recall(const char *token, struct actor *who)
{
	char hash[65];
	if (!token || strlen(token) != SESSION_TOKEN_LEN)
		return false;
	token_hash(token, hash);
	return session_memo_recall(hash, who);
}

bool session_resolve(struct store_conn *db, const char *token, struct actor *who)
{
	char hash[65];
	if (!token || strlen(token) != SESSION_TOKEN_LEN)
		return false;
	token_hash(token, hash);
	/* the generation before the lookup: a change that lands during it is not remembered */
	unsigned generation = session_memo_generation();
	int64_t user = 0, expires = 0;
	/* The lookup is by hash, so comparing tokens never leaks timing about the token. */
	struct store_rows *r = store_query(db, "SELECT user_id, expires_at FROM sessions"
		" WHERE token_hash = ? AND expires_at > ?", "ti", hash, (int64_t)time(NULL));
	if (store_next(r)) {
		user = store_int(r, 0);
		expires = store_int(r, 1);
	}
	if (store_finish(r) != STORE_OK || !user || !user_load(db, user, who))
		return false;
	session_memo_keep(hash, who, expires, generation);
	return true;
}

int session_logout(struct ctx *cx, const char *token)
{
	char hash[65];
	if (!token)
		return STORE_OK;
	token_hash(token, hash);
	if (store_begin(cx->db) != STORE_OK)
		return STORE_ERROR;
	int rc = store_exec(cx->db, "DELETE FROM sessions WHERE token_hash = ?", "t", hash);
	if (rc == STORE_OK)
		rc = audit_write(cx, "logout", "user", cx->actor->user_id, NULL, NULL);
	if (rc == STORE_OK && store_commit(cx->db) == STORE_OK) {
		session_memo_forget_all();
		return STORE_OK;
	}
	store_rollback(cx->db);
	return STORE_ERROR;
}
