/* Unit tests for web/template.c. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "web/template.h"

static const char *render(const char *text, const char *json, struct buf *b)
{
	json_t *data = json_loads(json, 0, NULL);
	buf_reset(b);
	assert_int_equal(template_render_text(text, data, LANG_EN, b), 0);
	json_decref(data);
	return b->data;
}

static void values_are_escaped(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	assert_string_equal(render("<p>{{name}}</p>", "{\"name\": \"<b>'张'&\\\"\"}", &b),
			    "<p>&lt;b&gt;&#39;张&#39;&amp;&quot;</p>");
	assert_string_equal(render("{{{svg}}}", "{\"svg\": \"<svg/>\"}", &b), "<svg/>");
	assert_string_equal(render("{{a.b.c}}|{{n}}|{{missing}}", "{\"a\": {\"b\": {\"c\": 7}}, \"n\": 3}", &b),
			    "7|3|");
	buf_release(&b);
}

static void sections_loop_and_invert(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	assert_string_equal(render("{{#xs}}[{{v}}{{top}}]{{/xs}}", "{\"xs\": [{\"v\": 1}, {\"v\": 2}], \"top\": \"!\"}", &b),
			    "[1!][2!]");
	assert_string_equal(render("{{#xs}}x{{/xs}}{{^xs}}none{{/xs}}", "{\"xs\": []}", &b), "none");
	assert_string_equal(render("{{#ok}}yes{{/ok}}{{^ok}}no{{/ok}}", "{\"ok\": true}", &b), "yes");
	assert_string_equal(render("{{#a}}{{#a}}in{{/a}}{{/a}}", "{\"a\": {\"a\": 1}}", &b), "in");
	assert_string_equal(render("{{#xs}}{{.}},{{/xs}}", "{\"xs\": [\"p\", \"q\"]}", &b), "p,q,");
	buf_release(&b);
}

static void partials_render_in_context(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	const char *out = render("<form>{{>fields}}</form>",
		"{\"fields\": [{\"name\": \"phone\", \"label\": \"Phone\", \"value\": \"1<2\","
		" \"error\": \"bad\", \"select\": false}]}", &b);
	assert_non_null(strstr(out, "<label for=\"phone\">Phone</label>"));
	assert_non_null(strstr(out, "value=\"1&lt;2\""));
	assert_non_null(strstr(out, "id=\"phone-error\">bad</p>"));
	buf_release(&b);
}

static void messages_and_errors(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	assert_string_equal(render("{{t required}}", "{}", &b), "This field is required.");
	json_t *d = json_object();
	buf_reset(&b);
	assert_int_equal(template_render_text("{{#open}}never closed", d, LANG_EN, &b), -1);
	buf_reset(&b);
	assert_int_equal(template_render_text("{{/stray}}", d, LANG_EN, &b), -1);
	buf_reset(&b);
	assert_int_equal(template_render("no-such-template", d, LANG_EN, &b), -1);
	json_decref(d);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_are_escaped),
		cmocka_unit_test(sections_loop_and_invert),
		cmocka_unit_test(partials_render_in_context),
		cmocka_unit_test(messages_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
