/* session: tokens, log-in and the failure rate limiter. */
#include "domain/session.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/audit.h"
#include "domain/user.h"

/* ---------------------------------------------------------------- rate limiter */

/* Failure counters keyed by "u:NAME" or "a:ADDRESS", in a small table; when it is full
 * the oldest window is reused (an attacker flooding it only forgets old failures). */
#define LIMITER_SLOTS 1024

struct limiter_slot {
	char key[96];
	int failures;
	time_t window_start;
};

static struct limiter_slot slots[LIMITER_SLOTS];
static pthread_mutex_t limiter_lock = PTHREAD_MUTEX_INITIALIZER;

static struct limiter_slot *slot_for(const char *key, time_t now, int window)
{
	struct limiter_slot *oldest = &slots[0];
	for (int i = 0; i < LIMITER_SLOTS; i++) {
		struct limiter_slot *s = &slots[i];
		if (s->key[0] && strcmp(s->key, key) == 0) {
			if (now - s->window_start >= window) {
				s->failures = 0;
				s->window_start = now;
			}
			return s;
		}
		if (!s->key[0] || s->window_start < oldest->window_start)
			oldest = s;
	}
	snprintf(oldest->key, sizeof(oldest->key), "%s", key);
	oldest->failures = 0;
	oldest->window_start = now;
	return oldest;
}

/* Seconds until `key` may try again, 0 when it may now. */
static int limiter_wait(const char *key, int max, int window)
{
	time_t now = time(NULL);
	pthread_mutex_lock(&limiter_lock);
	struct limiter_slot *s = slot_for(key, now, window);
	int wait = 0;
	if (s->failures >= max) {
		wait = (int)(s->window_start + window - now);
		if (wait < 1)
			wait = 1;
	}
	pthread_mutex_unlock(&limiter_lock);
	return wait;
}

static void limiter_count(const char *key, int window, int success)
{
	time_t now = time(NULL);
	pthread_mutex_lock(&limiter_lock);
	struct limiter_slot *s = slot_for(key, now, window);
	if (success)
		s->failures = 0;
	else
		s->failures++;
	pthread_mutex_unlock(&limiter_lock);
}

void session_limits_reset(void)
{
	pthread_mutex_lock(&limiter_lock);
	memset(slots, 0, sizeof(slots));
	pthread_mutex_unlock(&limiter_lock);
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
	char ukey[96], akey[96], hash[65], now[21];
	struct actor who;
	snprintf(ukey, sizeof(ukey), "u:%.80s", username);
	snprintf(akey, sizeof(akey), "a:%.80s", cx->actor->address);
	int wu = limiter_wait(ukey, lim->max_user_failures, lim->window_seconds);
	int wa = limiter_wait(akey, lim->max_address_failures, lim->window_seconds);
	if (wu || wa) {
		*retry_after = wu > wa ? wu : wa;
		return OUT_RATE_LIMITED;
	}
	if (!user_verify(cx->db, username, password, &who)) {
		limiter_count(ukey, lim->window_seconds, 0);
		limiter_count(akey, lim->window_seconds, 0);
		return OUT_UNAUTHORIZED;
	}
	limiter_count(ukey, lim->window_seconds, 1);

	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, SESSION_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	token_hash(token, hash);
	audit_now(now);
	snprintf(who.address, sizeof(who.address), "%s", cx->actor->address);
	struct ctx as_user = *cx;
	as_user.actor = &who;
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	int rc = store_exec(cx->db, "DELETE FROM sessions WHERE expires_at < ?", "i",
			    (int64_t)time(NULL));
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO sessions(token_hash, user_id, created_at,"
				" expires_at, address) VALUES (?, ?, ?, ?, ?)", "titit", hash,
				who.user_id, now, (int64_t)time(NULL) + (int64_t)lim->hours * 3600,
				cx->actor->address);
	if (rc == STORE_OK)
		rc = audit_write(&as_user, "login", "user", who.user_id, NULL, NULL);
	if (rc == STORE_OK && store_commit(cx->db) == STORE_OK)
		return OUT_OK;
	store_rollback(cx->db);
	return OUT_INTERNAL;
}

bool session_resolve(struct store_conn *db, const char *token, struct actor *who)
{
	char hash[65];
	int rc;
	if (!token || strlen(token) != SESSION_TOKEN_LEN)
		return false;
	token_hash(token, hash);
	/* The lookup is by hash, so comparing tokens never leaks timing about the token. */
	int64_t user = store_one_int(db, &rc, "SELECT user_id FROM sessions WHERE token_hash = ?"
				     " AND expires_at > ?", "ti", hash, (int64_t)time(NULL));
	return user && user_load(db, user, who);
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
	if (rc == STORE_OK && store_commit(cx->db) == STORE_OK)
		return STORE_OK;
	store_rollback(cx->db);
	return STORE_ERROR;
}
