/*
 * libFuzzer entry point for the template renderer (web/template.c). Odd first byte: the
 * input is a template, rendered over fixed data (nesting, unclosed tags, partials). Even:
 * the input is the data (JSON) for a fixed template of escaped tags, and no '<' the data
 * holds may reach the output unescaped.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "web/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct buf out = BUF_INIT;
	out.limit = 64 * 1024;
	if (data[0] & 1) {
		char *text = malloc(size);
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		/* Sections nested 16 deep over a two-element list render 2^16 times, each
		 * scanning for its close: a template author's choice (templates are compiled
		 * in), not an input's. Eight openings keep every run quick. */
		int sections = 0;
		for (const char *p = text; (p = strstr(p, "{{")); p += 2)
			sections += p[2] == '#' || p[2] == '^' || (p[2] == '{' && (p[3] == '#' || p[3] == '^'));
		if (sections > 8) {
			free(text);
			return 0;
		}
		json_t *d = json_pack("{s:s, s:[{s:s}, {s:s}], s:b, s:n, s:i}", "a", "<x>", "b",
				      "c", "1", "c", "2", "t", 1, "z", "n", 7);
		template_render_text(text, d, data[0] & 2 ? LANG_EN : LANG_ZH, &out);
		json_decref(d);
		free(text);
	} else {
		json_t *d = json_loadb((const char *)data + 1, size - 1, 0, NULL);
		if (d) {
			if (template_render_text("<p>{{a}}{{#b}}<i>{{.}}{{c}}</i>{{/b}}{{^z}}{{a.b}}"
						 "{{/z}}</p>", d, LANG_EN, &out) == 0) {
				/* Every '<' must be one of the template's own tags: data comes
				 * out escaped. */
				static const char *const tags[] = {"<p>", "</p>", "<i>", "</i>"};
				for (size_t i = 0; i < out.len; i++) {
					if (out.data[i] != '<')
						continue;
					bool ours = false;
					for (int t = 0; t < 4; t++)
						ours |= strncmp(out.data + i, tags[t], strlen(tags[t])) == 0;
					if (!ours)
						abort();
				}
			}
			json_decref(d);
		}
	}
	buf_release(&out);
	return 0;
}
