/* Unit tests for domain/user.c: the username, role, scope and password rules (each
 * refusal leaves no row and no audit entry behind), Argon2id hashes only, verification,
 * password change and disabling ending sessions, and an admin who cannot lock themself
 * out. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "domain/session.h"
#include "domain/user.h"
#include "tests/unit/testdb.h"

static int64_t count(struct testdb *t, const char *sql)
{
	int rc;
	int64_t n = store_one_int(t->db, &rc, sql, NULL);
	assert_int_equal(rc, STORE_OK);
	return n;
}

static int64_t user_id(struct testdb *t, const char *username)
{
	int rc;
	return store_one_int(t->db, &rc, "SELECT id FROM users WHERE username = ?", "t", username);
}

/* user_add must refuse with `key` and leave the users and the audit as they were. */
static void refused(struct testdb *t, const char *username, const char *role, const char *scope,
		    const char *password, const char *key)
{
	const char *err = NULL;
	int64_t users = count(t, "SELECT count(*) FROM users");
	int64_t audit = count(t, "SELECT count(*) FROM audit");
	testdb_reset(t);
	if (user_add(&t->cx, username, role, scope, password, &err) != -1)
		fail_msg("user_add(%s, %s, %s) was accepted", username ? username : "NULL",
			 role ? role : "NULL", scope ? scope : "NULL");
	assert_non_null(err);
	if (strcmp(err, key) != 0)
		fail_msg("user_add(%s, %s, %s): %s, want %s", username ? username : "NULL",
			 role ? role : "NULL", scope ? scope : "NULL", err, key);
	assert_int_equal(count(t, "SELECT count(*) FROM users"), users);
	assert_int_equal(count(t, "SELECT count(*) FROM audit"), audit);
}

static void added(struct testdb *t, const char *username, const char *role, const char *scope,
		  const char *password)
{
	const char *err = NULL;
	testdb_reset(t);
	if (user_add(&t->cx, username, role, scope, password, &err) != 0)
		fail_msg("user_add(%s, %s, %s): %s", username, role, scope ? scope : "NULL", err);
}

static void username_rules(void **state)
{
	struct testdb *t = *state;
	const char *pw = "long enough 1";
	refused(t, NULL, "admin", "", pw, "username_invalid");
	refused(t, "", "admin", "", pw, "username_invalid");
	refused(t, "a", "admin", "", pw, "username_invalid");
	refused(t, "abcdefghijklmnopqrstuvwxyz0123456", "admin", "", pw, "username_invalid");	/* 33 */
	refused(t, "Alice", "admin", "", pw, "username_invalid");	/* lower case only */
	refused(t, "al ice", "admin", "", pw, "username_invalid");
	refused(t, "张伟", "admin", "", pw, "username_invalid");
	refused(t, "bob;drop", "admin", "", pw, "username_invalid");
	refused(t, "tab\tname", "admin", "", pw, "username_invalid");
	added(t, "ab", "admin", "", pw);	/* the shortest */
	added(t, "abcdefghijklmnopqrstuvwxyz012345", "admin", "", pw);	/* the longest, 32 */
	added(t, "wang.fang_2-b", "admin", "", pw);
	/* taken: the same name again */
	refused(t, "ab", "auditor", "", pw, "username_taken");
}

static void role_rules(void **state)
{
	struct testdb *t = *state;
	const char *pw = "long enough 1";
	refused(t, "r1", NULL, "", pw, "role_unknown");
	refused(t, "r1", "", "", pw, "role_unknown");
	refused(t, "r1", "Admin", "", pw, "role_unknown");
	refused(t, "r1", "superuser", "", pw, "role_unknown");
	refused(t, "r1", "admin ", "", pw, "role_unknown");
	for (int r = 0; role_names[r]; r++) {
		/* every role has a scope it accepts */
		static const char *const scope_of[] = {"", "520628", "520628118", "520628118201",
			"520628118201", "", ""};
		char name[16];
		snprintf(name, sizeof(name), "role%d", r);
		added(t, name, role_names[r], scope_of[r], "long enough 1");
	}
}

/* Each role's scope has the length of its level and names a division that exists. */
static void scope_rules(void **state)
{
	struct testdb *t = *state;
	const char *pw = "long enough 1";
	refused(t, "s1", "county", "", pw, "scope_invalid");
	refused(t, "s1", "county", "520628118", pw, "scope_invalid");	/* a town for a county */
	refused(t, "s1", "town", "520628", pw, "scope_invalid");
	refused(t, "s1", "town", "520628999", pw, "scope_invalid");	/* no such town */
	refused(t, "s1", "community", "520628118", pw, "scope_invalid");
	refused(t, "s1", "volunteer", "", pw, "scope_invalid");
	refused(t, "s1", "admin", "52062a", pw, "scope_invalid");	/* digits only */
	refused(t, "s1", "admin", "520628 ", pw, "scope_invalid");
	refused(t, "s1", "auditor", "999999", pw, "scope_invalid");	/* any level, but real */
	refused(t, "s1", "archivist", "' OR 1=1 --", pw, "scope_invalid");
	added(t, "s2", "admin", NULL, pw);	/* NULL is the whole database */
	added(t, "s3", "archivist", "520628118", pw);
	json_t *users = user_list(&t->cx);
	size_t i;
	json_t *u;
	int seen = 0;
	json_array_foreach(users, i, u)
		if (strcmp(json_string_value(json_object_get(u, "username")), "s2") == 0) {
			assert_string_equal(json_string_value(json_object_get(u, "scope")), "");
			seen = 1;
		}
	assert_true(seen);
	json_decref(users);
}

/* 8 to 1024 bytes; the hash is Argon2id, the password itself stored nowhere. */
static void password_rules_and_storage(void **state)
{
	struct testdb *t = *state;
	char big[1026];
	refused(t, "p1", "admin", "", "", "password_weak");
	refused(t, "p1", "admin", "", "1234567", "password_weak");
	/* eight characters, not eight bytes: "at least 8 characters", the message says */
	refused(t, "p1", "admin", "", "我的密码很长", "password_weak");	/* 6 of 18 bytes */
	refused(t, "p1", "admin", "", "密码1234", "password_weak");	/* 6 of 10 bytes */
	memset(big, 'x', 1025);
	big[1025] = '\0';
	refused(t, "p1", "admin", "", big, "too_long");
	big[1024] = '\0';
	added(t, "p1", "admin", "", big);	/* 1024 bytes: the longest */
	added(t, "p2", "admin", "", "12345678");	/* 8: the shortest */
	added(t, "p3", "admin", "", "我的密码真的很长");	/* 8 characters */

	struct store_rows *r = store_query(t->db, "SELECT password_hash FROM users"
					   " WHERE username IN ('p1', 'p2')", NULL);
	int n = 0;
	while (store_next(r)) {
		const char *h = store_text(r, 0);
		assert_memory_equal(h, "$argon2id$", 10);
		assert_null(strstr(h, "12345678"));
		assert_null(strstr(h, "xxxxxxxx"));
		n++;
	}
	assert_int_equal(store_finish(r), STORE_OK);
	assert_int_equal(n, 2);

	struct actor who;
	assert_true(user_verify(t->db, "p1", big, &who));
	big[1023] = '\0';	/* one byte short is another password */
	assert_false(user_verify(t->db, "p1", big, &who));
}

static void verify_fills_the_actor(void **state)
{
	struct testdb *t = *state;
	struct actor who;
	added(t, "v1", "town", "520628118", "right password");
	memset(&who, 0x55, sizeof(who));
	assert_true(user_verify(t->db, "v1", "right password", &who));
	assert_int_equal(who.user_id, user_id(t, "v1"));
	assert_string_equal(who.username, "v1");
	assert_int_equal(who.role, ROLE_TOWN);
	assert_string_equal(who.scope, "520628118");
	assert_string_equal(who.address, "");	/* cleared, not left as it was */

	assert_false(user_verify(t->db, "v1", "wrong password", &who));
	assert_false(user_verify(t->db, "v1", "", &who));
	assert_false(user_verify(t->db, "v1", "RIGHT PASSWORD", &who));
	assert_false(user_verify(t->db, "nobody", "right password", &who));
	assert_false(user_verify(t->db, "V1", "right password", &who));
	assert_false(user_verify(t->db, "", "", &who));

	struct actor loaded;
	assert_true(user_load(t->db, who.user_id, &loaded));
	assert_string_equal(loaded.username, "v1");
	assert_int_equal(loaded.role, ROLE_TOWN);
	assert_false(user_load(t->db, 987654, &loaded));
}

static void password_change(void **state)
{
	struct testdb *t = *state;
	struct session_limits lim = {8, 100, 100, 60};
	char token[SESSION_TOKEN_LEN + 1];
	int retry;
	const char *err = NULL;
	struct actor who;
	added(t, "c1", "county", "520628", "first password");
	testdb_reset(t);
	assert_int_equal(session_login(&t->cx, &lim, "c1", "first password", token, &retry), OUT_OK);
	assert_true(session_resolve(t->db, token, &who));

	/* a weak new password changes nothing */
	testdb_reset(t);
	assert_int_equal(user_passwd(&t->cx, "c1", "short", &err), -1);
	assert_string_equal(err, "password_weak");
	assert_true(user_verify(t->db, "c1", "first password", &who));
	assert_true(session_resolve(t->db, token, &who));

	testdb_reset(t);
	assert_int_equal(user_passwd(&t->cx, "nobody", "second password", &err), -1);
	assert_string_equal(err, "user_unknown");

	int64_t audit = count(t, "SELECT count(*) FROM audit WHERE action = 'passwd'");
	testdb_reset(t);
	assert_int_equal(user_passwd(&t->cx, "c1", "second password", &err), 0);
	assert_false(user_verify(t->db, "c1", "first password", &who));
	assert_true(user_verify(t->db, "c1", "second password", &who));
	assert_false(session_resolve(t->db, token, &who));	/* every session ended */
	assert_int_equal(count(t, "SELECT count(*) FROM audit WHERE action = 'passwd'"), audit + 1);
}

static void disabling(void **state)
{
	struct testdb *t = *state;
	struct session_limits lim = {8, 100, 100, 60};
	char token[SESSION_TOKEN_LEN + 1];
	int retry;
	const char *err = NULL;
	struct actor who;
	added(t, "d1", "admin", "", "d1 password");
	added(t, "d2", "volunteer", "520628118201", "d2 password");
	testdb_reset(t);
	assert_int_equal(session_login(&t->cx, &lim, "d2", "d2 password", token, &retry), OUT_OK);
	int64_t d2 = user_id(t, "d2");

	testdb_reset(t);
	assert_int_equal(user_set_disabled(&t->cx, "nobody", true, &err), -1);
	assert_string_equal(err, "user_unknown");

	testdb_reset(t);
	assert_int_equal(user_set_disabled(&t->cx, "d2", true, &err), 0);
	assert_false(session_resolve(t->db, token, &who));
	assert_false(user_verify(t->db, "d2", "d2 password", &who));
	assert_false(user_load(t->db, d2, &who));
	testdb_reset(t);
	assert_int_equal(session_login(&t->cx, &lim, "d2", "d2 password", token, &retry),
			 OUT_UNAUTHORIZED);
	json_t *users = user_list(&t->cx);
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u) {
		assert_null(json_object_get(u, "password_hash"));	/* never listed */
		if (strcmp(json_string_value(json_object_get(u, "username")), "d2") == 0)
			assert_true(json_is_true(json_object_get(u, "disabled")));
	}
	json_decref(users);

	testdb_reset(t);
	assert_int_equal(user_set_disabled(&t->cx, "d2", false, &err), 0);
	assert_true(user_verify(t->db, "d2", "d2 password", &who));
	assert_true(user_load(t->db, d2, &who));

	/* an admin cannot disable their own account, but may enable it (a no-op) */
	struct actor me = t->actor;
	me.user_id = user_id(t, "d1");
	struct ctx as_me = t->cx;
	as_me.actor = &me;
	testdb_reset(t);
	assert_int_equal(user_set_disabled(&as_me, "d1", true, &err), -1);
	assert_string_equal(err, "user_disable_self");
	assert_true(user_verify(t->db, "d1", "d1 password", &who));
	testdb_reset(t);
	assert_int_equal(user_set_disabled(&as_me, "d1", false, &err), 0);
}

static void list_is_sorted_by_username(void **state)
{
	struct testdb *t = *state;
	json_t *users = user_list(&t->cx);
	assert_true(json_array_size(users) >= 10);
	for (size_t i = 1; i < json_array_size(users); i++)
		assert_true(strcmp(json_string_value(json_object_get(json_array_get(users, i - 1),
								     "username")),
				   json_string_value(json_object_get(json_array_get(users, i),
								     "username"))) < 0);
	json_decref(users);
}

/* The field's code in cx->errs, or NULL. */
static const char *code_of(struct testdb *t, const char *field)
{
	for (int i = 0; i < t->errs.n; i++)
		if (strcmp(t->errs.items[i].field, field) == 0)
			return t->errs.items[i].code;
	return NULL;
}

/* The API's body is validated in the domain: every bad field at once, nothing stored; then
 * user_add's rules and a taken name, each on its field. */
static void create_from_a_body(void **state)
{
	struct testdb *t = *state;
	json_t *out = NULL;
	int64_t users = count(t, "SELECT count(*) FROM users");
	testdb_reset(t);
	json_t *body = json_pack("{s:i, s:s, s:i, s:s}", "username", 7, "role", "king", "scope", 5,
				 "nickname", "x");
	assert_int_equal(user_create(&t->cx, body, &out), OUT_INVALID);
	json_decref(body);
	assert_null(out);
	assert_string_equal(code_of(t, "username"), "type_string");
	assert_string_equal(code_of(t, "role"), "unknown_value");
	assert_string_equal(code_of(t, "scope"), "type_string");
	assert_string_equal(code_of(t, "password"), "required");
	assert_non_null(code_of(t, "nickname"));
	assert_int_equal(count(t, "SELECT count(*) FROM users"), users);
	testdb_reset(t);
	json_t *arr = json_array();
	assert_int_equal(user_create(&t->cx, arr, &out), OUT_INVALID);
	json_decref(arr);
	assert_string_equal(code_of(t, "body"), "type_object");
	/* user_add's own rule, on its field */
	testdb_reset(t);
	body = json_pack("{s:s, s:s, s:s, s:s}", "username", "newclerk", "role", "town", "scope",
			 "520628", "password", "x");
	assert_int_equal(user_create(&t->cx, body, &out), OUT_INVALID);
	assert_non_null(code_of(t, "password") ? code_of(t, "password") : code_of(t, "scope"));
	json_decref(body);
	assert_int_equal(count(t, "SELECT count(*) FROM users"), users);
	testdb_reset(t);
	body = json_pack("{s:s, s:s, s:s, s:s}", "username", "newclerk", "role", "county", "scope",
			 "520628", "password", "a long enough passphrase");
	assert_int_equal(user_create(&t->cx, body, &out), OUT_OK);
	assert_string_equal(json_string_value(json_object_get(out, "username")), "newclerk");
	assert_null(json_object_get(out, "password_hash"));
	json_decref(out);
	testdb_reset(t);
	assert_int_equal(user_create(&t->cx, body, &out), OUT_CONFLICT);
	assert_string_equal(code_of(t, "username"), "username_taken");
	json_decref(body);
	assert_int_equal(count(t, "SELECT count(*) FROM users"), users + 1);
}

/* A full name (016): given when added or later, refused when too long, blank or with a
 * control character (nothing written), loaded into the actor, and shown in place of the
 * login by user_names_show, never in what goes back into a form. */
static void full_names(void **state)
{
	struct testdb *t = *state;
	const char *err = NULL;
	struct actor who;
	testdb_reset(t);
	assert_int_equal(user_add_named(&t->cx, "wuxm", "吴晓梅", "community", "520628002030",
					"long enough 1", &err), 0);
	assert_true(user_verify(t->db, "wuxm", "long enough 1", &who));
	assert_string_equal(who.full_name, "吴晓梅");
	assert_true(testdb_in_both_catalogues("full_name_invalid"));
	char too_long[4 * FULL_NAME_MAX + 8] = "";
	for (int i = 0; i <= FULL_NAME_MAX; i++)
		memcpy(too_long + 3 * i, "名", 4);	/* 3 bytes and the NUL, overwritten next */
	const char *bad[] = {too_long, "   ", "a\tb", "\xff"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t audit = count(t, "SELECT count(*) FROM audit");
		testdb_reset(t);
		assert_int_equal(user_set_full_name(&t->cx, user_id(t, "wuxm"), bad[i], &err), -1);
		assert_string_equal(err, "full_name_invalid");
		assert_int_equal(count(t, "SELECT count(*) FROM audit"), audit);
		testdb_reset(t);
		assert_int_equal(user_add_named(&t->cx, "other", bad[i], "county", "520628",
						"long enough 1", &err), -1);
		assert_string_equal(err, "full_name_invalid");
		assert_int_equal(user_id(t, "other"), 0);
	}
	/* a direction control would show the name as another: refused in words of its own */
	assert_true(testdb_in_both_catalogues("full_name_bidi"));
	const char *bidi[] = {"吴\u202e梅", "\u200e吴晓梅", "吴晓梅\u200f", "\u202a吴", "\u2066吴\u2069",
			      "\u2067吴", "吴\u202d梅"};
	for (size_t i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		int64_t audit = count(t, "SELECT count(*) FROM audit");
		testdb_reset(t);
		assert_int_equal(user_set_full_name(&t->cx, user_id(t, "wuxm"), bidi[i], &err), -1);
		assert_string_equal(err, "full_name_bidi");
		assert_int_equal(count(t, "SELECT count(*) FROM audit"), audit);
		testdb_reset(t);
		assert_int_equal(user_add_named(&t->cx, "other", bidi[i], "county", "520628",
						"long enough 1", &err), -1);
		assert_string_equal(err, "full_name_bidi");
		assert_int_equal(user_id(t, "other"), 0);
	}
	/* nor a character that does not show (issue 12): a zero-width space, joiner, word
	 * joiner, BOM, soft hyphen or tag would store a name that looks like another */
	assert_true(testdb_in_both_catalogues("full_name_invisible"));
	const char *invisible[] = {"吴\u200b晓梅", "吴\u200c梅", "吴\u200d梅", "\u2060吴晓梅",
				   "\ufeff吴晓梅", "吴\u00ad梅", "吴晓梅\U000E0020"};
	for (size_t i = 0; i < sizeof(invisible) / sizeof(invisible[0]); i++) {
		int64_t audit = count(t, "SELECT count(*) FROM audit");
		testdb_reset(t);
		assert_int_equal(user_set_full_name(&t->cx, user_id(t, "wuxm"), invisible[i], &err),
				 -1);
		assert_string_equal(err, "full_name_invisible");
		assert_int_equal(count(t, "SELECT count(*) FROM audit"), audit);
		testdb_reset(t);
		assert_int_equal(user_add_named(&t->cx, "other", invisible[i], "county", "520628",
						"long enough 1", &err), -1);
		assert_string_equal(err, "full_name_invisible");
		assert_int_equal(user_id(t, "other"), 0);
	}
	assert_true(testdb_in_both_catalogues("name_invisible"));
	assert_true(testdb_in_both_catalogues("name_bidi"));
	/* the spaces around a name (the ideographic one too) are cut: the same name again */
	int64_t audit0 = count(t, "SELECT count(*) FROM audit");
	testdb_reset(t);
	t->cx.unchanged = false;
	assert_int_equal(user_set_full_name(&t->cx, user_id(t, "wuxm"), " 吴晓梅\u3000 ", &err), 0);
	assert_true(t->cx.unchanged);
	assert_int_equal(count(t, "SELECT count(*) FROM audit"), audit0);
	testdb_reset(t);
	assert_int_equal(user_add_named(&t->cx, "spaced", "  王 芳 ", "county", "520628",
					"long enough 1", &err), 0);
	assert_true(user_verify(t->db, "spaced", "long enough 1", &who));
	assert_string_equal(who.full_name, "王 芳");
	testdb_reset(t);
	assert_int_equal(user_set_full_name(&t->cx, 999999, "某", &err), -1);
	assert_string_equal(err, "user_unknown");
	added(t, "noname", "county", "520628", "long enough 1");
	testdb_reset(t);
	json_t *page = json_pack("{s:[{s:s, s:s, s:s}], s:{s:s}, s:{s:s}}", "items", "owner", "wuxm",
				 "raised_by", "noname", "user", "王书记", "form", "owner", "wuxm",
				 "scheme", "approved_by", "wuxm");
	user_names_show(&t->cx, page, NULL);
	json_t *row = json_array_get(json_object_get(page, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "owner")), "吴晓梅");
	assert_string_equal(json_string_value(json_object_get(row, "raised_by")), "noname");	/* no name: the login */
	assert_string_equal(json_string_value(json_object_get(row, "user")), "王书记");	/* typed by hand */
	assert_string_equal(json_string_value(json_object_get(json_object_get(page, "scheme"),
			    "approved_by")), "吴晓梅");
	assert_string_equal(json_string_value(json_object_get(json_object_get(page, "form"),
			    "owner")), "wuxm");	/* back into a form: the login */
	json_decref(page);
	int64_t audit = count(t, "SELECT count(*) FROM audit");
	testdb_reset(t);
	assert_int_equal(user_set_full_name(&t->cx, user_id(t, "wuxm"), "吴晓梅", &err), 0);
	assert_int_equal(count(t, "SELECT count(*) FROM audit"), audit);	/* the same: nothing */
	testdb_reset(t);
	assert_int_equal(user_set_full_name(&t->cx, user_id(t, "wuxm"), "", &err), 0);
	assert_int_equal(count(t, "SELECT count(*) FROM audit"), audit + 1);
	testdb_reset(t);
	assert_string_equal(user_display_name(&t->cx, "wuxm"), "wuxm");	/* taken away */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(username_rules),
		cmocka_unit_test(role_rules),
		cmocka_unit_test(scope_rules),
		cmocka_unit_test(password_rules_and_storage),
		cmocka_unit_test(verify_fills_the_actor),
		cmocka_unit_test(password_change),
		cmocka_unit_test(disabling),
		cmocka_unit_test(list_is_sorted_by_username),
		cmocka_unit_test(create_from_a_body),
		cmocka_unit_test(full_names),
	};
	return cmocka_run_group_tests(tests, testdb_setup, testdb_teardown);
}
