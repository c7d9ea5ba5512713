/* Unit tests for domain/session.c: tokens (random, base64url, only their hash stored),
 * resolution refusing anything but a live session of an enabled account, expiry, log-out,
 * and the attempt limiter (per account, per address, an IPv6 /64 as one address, a
 * success giving the attempt back, junk usernames adding no rows). */
#include "tests/unit/cmocka_prelude.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/session.h"
#include "domain/user.h"
#include "tests/unit/testdb.h"

static const struct session_limits roomy = {8, 1000, 1000, 60};

static int64_t query_int(struct testdb *t, const char *sql, const char *types, const char *arg)
{
	int rc;
	int64_t n = store_one_int(t->db, &rc, sql, types, arg);
	assert_int_equal(rc, STORE_OK);
	return n;
}

static int setup(void **state)
{
	if (testdb_setup(state))
		return -1;
	struct testdb *t = *state;
	const char *err;
	static const char *const names[] = {"alice", "bob", "carol", "dave", "erin", NULL};
	for (int i = 0; names[i]; i++) {
		char pw[32];
		snprintf(pw, sizeof(pw), "%s's password", names[i]);
		testdb_reset(t);
		if (user_add(&t->cx, names[i], "county", "520628", pw, &err))
			return -1;
	}
	return 0;
}

/* Logs in from `address` as the system actor would hand it over from a request. */
static enum outcome login_from(struct testdb *t, const char *address, const struct session_limits *lim,
			       const char *user, const char *pw, char token[SESSION_TOKEN_LEN + 1],
			       int *retry)
{
	struct actor a = t->actor;
	snprintf(a.address, sizeof(a.address), "%s", address);
	struct ctx cx = t->cx;
	cx.actor = &a;
	testdb_reset(t);
	return session_login(&cx, lim, user, pw, token, retry);
}

static void tokens_are_random_and_only_hashed(void **state)
{
	struct testdb *t = *state;
	char t1[SESSION_TOKEN_LEN + 1], t2[SESSION_TOKEN_LEN + 1];
	int retry = -1;
	struct actor who;
	assert_int_equal(login_from(t, "10.0.0.1", &roomy, "alice", "alice's password", t1, &retry),
			 OUT_OK);
	assert_int_equal(retry, 0);
	assert_int_equal(login_from(t, "10.0.0.1", &roomy, "alice", "alice's password", t2, &retry),
			 OUT_OK);
	assert_int_equal(strlen(t1), SESSION_TOKEN_LEN);
	assert_int_equal(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			 SESSION_TOKEN_LEN);
	assert_string_not_equal(t1, t2);
	assert_true(session_resolve(t->db, t1, &who));
	assert_string_equal(who.username, "alice");
	assert_int_equal(who.role, ROLE_COUNTY);
	assert_string_equal(who.scope, "520628");
	assert_true(session_resolve(t->db, t2, &who));

	/* the database holds a 64-hex-digit hash, never the token */
	assert_int_equal(query_int(t, "SELECT count(*) FROM sessions WHERE token_hash = ?", "t", t1), 0);
	int rc;
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM sessions WHERE"
				       " instr(token_hash, ?) > 0 OR instr(address, ?) > 0", "tt", t1, t1), 0);
	assert_int_equal(rc, STORE_OK);
	assert_int_equal(query_int(t, "SELECT count(*) FROM sessions WHERE length(token_hash) = 64"
				   " AND user_id = (SELECT id FROM users WHERE username = ?)", "t",
				   "alice"), 2);
	/* the log-in is audited as the user, from their address */
	assert_int_equal(query_int(t, "SELECT count(*) FROM audit WHERE action = 'login'"
				   " AND username = ? AND address = '10.0.0.1'", "t", "alice"), 2);
}

static void only_the_exact_token_resolves(void **state)
{
	struct testdb *t = *state;
	char tok[SESSION_TOKEN_LEN + 1], bad[SESSION_TOKEN_LEN + 2];
	int retry;
	struct actor who;
	assert_int_equal(login_from(t, "10.0.0.2", &roomy, "bob", "bob's password", tok, &retry),
			 OUT_OK);
	assert_false(session_resolve(t->db, NULL, &who));
	assert_false(session_resolve(t->db, "", &who));
	snprintf(bad, sizeof(bad), "%.42s", tok);	/* one short */
	assert_false(session_resolve(t->db, bad, &who));
	snprintf(bad, sizeof(bad), "%sA", tok);		/* one long */
	assert_false(session_resolve(t->db, bad, &who));
	for (int i = 0; i < SESSION_TOKEN_LEN; i += 7) {	/* one character changed */
		snprintf(bad, sizeof(bad), "%s", tok);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		assert_false(session_resolve(t->db, bad, &who));
	}
	/* the token with its hash's text, or the hash itself, is not a token */
	assert_true(session_resolve(t->db, tok, &who));
}

static void sessions_expire(void **state)
{
	struct testdb *t = *state;
	char tok[SESSION_TOKEN_LEN + 1];
	int retry, rc;
	struct actor who;
	const struct session_limits two_hours = {2, 1000, 1000, 60};
	int64_t before = (int64_t)time(NULL);
	assert_int_equal(login_from(t, "10.0.0.3", &two_hours, "carol", "carol's password", tok,
				    &retry), OUT_OK);
	int64_t expires = store_one_int(t->db, &rc, "SELECT max(expires_at) FROM sessions WHERE"
					" user_id = (SELECT id FROM users WHERE username = 'carol')", NULL);
	assert_true(expires >= before + 2 * 3600 && expires <= (int64_t)time(NULL) + 2 * 3600);
	assert_true(session_resolve(t->db, tok, &who));
	/* a second past its end the session is gone */
	assert_int_equal(store_exec(t->db, "UPDATE sessions SET expires_at = ? WHERE user_id ="
				    " (SELECT id FROM users WHERE username = 'carol')", "i",
				    (int64_t)time(NULL) - 1), STORE_OK);
	assert_false(session_resolve(t->db, tok, &who));
	/* the next log-in clears expired rows away */
	assert_int_equal(login_from(t, "10.0.0.3", &two_hours, "carol", "carol's password", tok,
				    &retry), OUT_OK);
	assert_int_equal(store_one_int(t->db, &rc, "SELECT count(*) FROM sessions"
				       " WHERE expires_at < strftime('%s', 'now')", NULL), 0);
}

static void logout_and_disabled_accounts(void **state)
{
	struct testdb *t = *state;
	char tok[SESSION_TOKEN_LEN + 1], other[SESSION_TOKEN_LEN + 1];
	int retry;
	struct actor who;
	assert_int_equal(login_from(t, "10.0.0.4", &roomy, "dave", "dave's password", tok, &retry),
			 OUT_OK);
	assert_int_equal(login_from(t, "10.0.0.4", &roomy, "dave", "dave's password", other, &retry),
			 OUT_OK);
	testdb_reset(t);
	assert_int_equal(session_logout(&t->cx, NULL), STORE_OK);
	assert_int_equal(session_logout(&t->cx, tok), STORE_OK);
	assert_false(session_resolve(t->db, tok, &who));
	assert_true(session_resolve(t->db, other, &who));	/* only that session ended */
	assert_int_equal(session_logout(&t->cx, tok), STORE_OK);	/* twice: harmless */

	/* a disabled account's live session does not resolve, even if its row stayed */
	assert_int_equal(store_exec(t->db, "UPDATE users SET disabled = 1 WHERE username = 'dave'",
				    NULL), STORE_OK);
	assert_false(session_resolve(t->db, other, &who));
	assert_int_equal(store_exec(t->db, "UPDATE users SET disabled = 0 WHERE username = 'dave'",
				    NULL), STORE_OK);
	assert_true(session_resolve(t->db, other, &who));
}

static void wrong_password_is_unauthorized(void **state)
{
	struct testdb *t = *state;
	char tok[SESSION_TOKEN_LEN + 1] = "";
	int retry;
	assert_int_equal(login_from(t, "10.0.0.5", &roomy, "erin", "not erin's", tok, &retry),
			 OUT_UNAUTHORIZED);
	assert_int_equal(login_from(t, "10.0.0.5", &roomy, "nobody", "erin's password", tok, &retry),
			 OUT_UNAUTHORIZED);
	assert_int_equal(login_from(t, "10.0.0.5", &roomy, "", "", tok, &retry), OUT_UNAUTHORIZED);
	assert_int_equal(query_int(t, "SELECT count(*) FROM sessions WHERE address = ?", "t",
				   "10.0.0.5"), 0);
}

/* An account at its limit is refused even with the right password, with a wait within the
 * window; another account from the same address is not; a success starts the count again. */
static void limiter_per_account(void **state)
{
	struct testdb *t = *state;
	const struct session_limits lim = {8, 3, 1000, 60};
	char tok[SESSION_TOKEN_LEN + 1];
	int retry;
	/* two failures and a success: the account's count starts again */
	for (int i = 0; i < 2; i++)
		assert_int_equal(login_from(t, "10.1.0.1", &lim, "alice", "guess", tok, &retry),
				 OUT_UNAUTHORIZED);
	assert_int_equal(login_from(t, "10.1.0.1", &lim, "alice", "alice's password", tok, &retry),
			 OUT_OK);
	assert_int_equal(query_int(t, "SELECT count(*) FROM login_limits WHERE key ="
				   " 'u:' || (SELECT id FROM users WHERE username = ?)", "t", "alice"), 0);
	/* three failures from three addresses: the account is at its limit */
	const char *from[] = {"10.1.0.2", "10.1.0.3", "10.1.0.4"};
	for (int i = 0; i < 3; i++)
		assert_int_equal(login_from(t, from[i], &lim, "alice", "guess", tok, &retry),
				 OUT_UNAUTHORIZED);
	assert_int_equal(login_from(t, "10.1.0.5", &lim, "alice", "alice's password", tok, &retry),
			 OUT_RATE_LIMITED);
	assert_true(retry >= 1 && retry <= 60);
	/* refused attempts are not charged: still exactly at the limit */
	assert_int_equal(query_int(t, "SELECT failures FROM login_limits WHERE key ="
				   " 'u:' || (SELECT id FROM users WHERE username = ?)", "t", "alice"), 3);
	assert_int_equal(query_int(t, "SELECT count(*) FROM login_limits WHERE key = ?", "t",
				   "a:10.1.0.5"), 0);
	/* bob, from an address that tried alice, is fine */
	assert_int_equal(login_from(t, "10.1.0.2", &lim, "bob", "bob's password", tok, &retry), OUT_OK);
	/* the password-change check shares the account's limit */
	struct actor who;
	struct ctx cx = t->cx;
	testdb_reset(t);
	assert_int_equal(session_check_password(&cx, &lim, "alice", "alice's password", &who, &retry),
			 OUT_RATE_LIMITED);
	/* once the window has passed, alice may try again */
	assert_int_equal(store_exec(t->db, "UPDATE login_limits SET window_start = window_start - 61",
				    NULL), STORE_OK);
	assert_int_equal(login_from(t, "10.1.0.5", &lim, "alice", "alice's password", tok, &retry),
			 OUT_OK);
}

/* Every attempt counts against its address, junk usernames included (without a row of
 * their own); a success gives the address its attempt back. */
static void limiter_per_address(void **state)
{
	struct testdb *t = *state;
	const struct session_limits lim = {8, 1000, 4, 60};
	char tok[SESSION_TOKEN_LEN + 1];
	int retry;
	int64_t rows = query_int(t, "SELECT count(*) FROM login_limits", NULL, NULL);
	for (int i = 0; i < 3; i++) {
		char junk[32];
		snprintf(junk, sizeof(junk), "junk-%d", i);
		assert_int_equal(login_from(t, "10.2.0.1", &lim, junk, "guess", tok, &retry),
				 OUT_UNAUTHORIZED);
	}
	assert_int_equal(query_int(t, "SELECT count(*) FROM login_limits", NULL, NULL), rows + 1);
	assert_int_equal(query_int(t, "SELECT failures FROM login_limits WHERE key = ?", "t",
				   "a:10.2.0.1"), 3);
	/* a success: its attempt is given back (3 again, not 4) */
	assert_int_equal(login_from(t, "10.2.0.1", &lim, "bob", "bob's password", tok, &retry), OUT_OK);
	assert_int_equal(query_int(t, "SELECT failures FROM login_limits WHERE key = ?", "t",
				   "a:10.2.0.1"), 3);
	assert_int_equal(login_from(t, "10.2.0.1", &lim, "junk-x", "guess", tok, &retry),
			 OUT_UNAUTHORIZED);
	assert_int_equal(login_from(t, "10.2.0.1", &lim, "bob", "bob's password", tok, &retry),
			 OUT_RATE_LIMITED);
	assert_true(retry >= 1 && retry <= 60);
	/* another address is untouched */
	assert_int_equal(login_from(t, "10.2.0.2", &lim, "bob", "bob's password", tok, &retry), OUT_OK);
}

/* The address key of an attempt from `address`. */
static void key_of(struct testdb *t, const char *address, char out[96])
{
	struct actor a = t->actor;
	struct session_attempt at;
	int retry;
	snprintf(a.address, sizeof(a.address), "%s", address);
	struct ctx cx = t->cx;
	cx.actor = &a;
	testdb_reset(t);
	assert_int_equal(session_attempt(&cx, &roomy, "nobody", &at, &retry), OUT_OK);
	assert_string_equal(at.user_key, "");	/* no account, no account key */
	snprintf(out, 96, "%s", at.address_key);
}

/* An IPv6 client owns a /64: every address in it is one counter, however it is written. */
static void ipv6_counts_per_64(void **state)
{
	struct testdb *t = *state;
	char a[96], b[96];
	static const char *const same[][2] = {
		{"2001:db8:1:2::5", "2001:db8:1:2:ffff:1:2:3"},
		{"2001:db8:1::1", "2001:db8:1:0:5::1"},		/* "::" inside the prefix or not */
		{"2001:db8::1", "2001:db8::1:0:0:1"},
		{"2001:db8::1", "2001:db8:0:0:1::1"},		/* an unusual but valid spelling */
		{"fe80::1", "fe80::abcd:1234"},
		{"::1", "::2"},
	};
	static const char *const different[][2] = {
		{"2001:db8:1:2::5", "2001:db8:1:3::5"},
		{"2001:db8::1", "2001:db8:0:1::1"},
		{"10.0.0.1", "10.0.0.2"},			/* IPv4: per address */
		{"::ffff:10.0.0.1", "::ffff:10.0.0.2"},		/* IPv4-mapped: per address */
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		key_of(t, same[i][0], a);
		key_of(t, same[i][1], b);
		if (strcmp(a, b) != 0)
			fail_msg("%s and %s: %s != %s", same[i][0], same[i][1], a, b);
	}
	for (size_t i = 0; i < sizeof(different) / sizeof(different[0]); i++) {
		key_of(t, different[i][0], a);
		key_of(t, different[i][1], b);
		if (strcmp(a, b) == 0)
			fail_msg("%s and %s share %s", different[i][0], different[i][1], a);
	}
	key_of(t, "2001:db8:1:2::5", a);
	assert_string_equal(a, "a:2001:db8:1:2::/64");
	key_of(t, "10.0.0.1", a);
	assert_string_equal(a, "a:10.0.0.1");
	key_of(t, "cli", a);		/* not an address at all: itself */
	assert_string_equal(a, "a:cli");
}

static void limits_follow_the_settings(void **state)
{
	(void)state;
	struct config cfg;
	struct session_limits lim;
	memset(&cfg, 0, sizeof(cfg));
	cfg.session_hours = 12;
	cfg.login_max_failures = 5;
	cfg.login_window_seconds = 900;
	session_limits_of(&cfg, &lim);
	assert_int_equal(lim.hours, 12);
	assert_int_equal(lim.max_user_failures, 5);
	assert_int_equal(lim.max_address_failures, 20);
	assert_int_equal(lim.window_seconds, 900);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokens_are_random_and_only_hashed),
		cmocka_unit_test(only_the_exact_token_resolves),
		cmocka_unit_test(sessions_expire),
		cmocka_unit_test(logout_and_disabled_accounts),
		cmocka_unit_test(wrong_password_is_unauthorized),
		cmocka_unit_test(limiter_per_account),
		cmocka_unit_test(limiter_per_address),
		cmocka_unit_test(ipv6_counts_per_64),
		cmocka_unit_test(limits_follow_the_settings),
	};
	return cmocka_run_group_tests(tests, setup, testdb_teardown);
}
