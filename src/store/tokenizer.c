/* tokenizer: CJK unigram/bigram plus ASCII-word tokenization for the search index. */
#include "store/tokenizer.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "core/utf8.h"

#define MAX_TOKEN 64

/* Emits the CJK run whose characters start at offs[0..count) (offs[count] = run end). */
static int emit_cjk(const char *text, const int *offs, int count, int query, token_fn fn,
		    void *ctx)
{
	int rc;
	if (count == 1)
		return fn(ctx, text + offs[0], (size_t)(offs[1] - offs[0]), offs[0], offs[1], 0);
	for (int i = 0; i < count; i++) {
		if (i + 1 < count) {
			rc = fn(ctx, text + offs[i], (size_t)(offs[i + 2] - offs[i]), offs[i],
				offs[i + 2], 0);
			if (rc)
				return rc;
			if (!query) {
				rc = fn(ctx, text + offs[i], (size_t)(offs[i + 1] - offs[i]),
					offs[i], offs[i + 1], 1);
				if (rc)
					return rc;
			}
		} else if (!query) {
			rc = fn(ctx, text + offs[i], (size_t)(offs[i + 1] - offs[i]), offs[i],
				offs[i + 1], 0);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int tokenize(const char *text, size_t n, int query, token_fn fn, void *ctx)
{
	const unsigned char *p = (const unsigned char *)text;
	int offs[MAX_TOKEN + 1];
	char word[MAX_TOKEN];
	size_t i = 0;
	int rc;

	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		if (utf8_is_cjk(cp)) {
			int count = 0;
			while (i < n) {
				k = utf8_decode(p + i, n - i, &cp);
				if (k == 0 || !utf8_is_cjk(cp))
					break;
				if (count == MAX_TOKEN) {	/* flush a very long run */
					offs[count] = (int)i;
					if ((rc = emit_cjk(text, offs, count, query, fn, ctx)))
						return rc;
					count = 0;
				}
				offs[count++] = (int)i;
				i += k;
			}
			offs[count] = (int)i;
			if ((rc = emit_cjk(text, offs, count, query, fn, ctx)))
				return rc;
		} else if (cp < 0x80 && isalnum((int)cp)) {
			size_t start = i, len = 0;
			while (i < n && p[i] < 0x80 && isalnum(p[i])) {
				if (len < sizeof(word))
					word[len++] = (char)tolower(p[i]);
				i++;
			}
			if ((rc = fn(ctx, word, len, (int)start, (int)i, 0)))
				return rc;
		} else {
			i += k;
		}
	}
	return 0;
}
