/*
 * tokenizer: how names and addresses are cut into search tokens.
 *
 * Chinese text has no spaces, and names are often two characters (张伟), which a trigram
 * index cannot find. So a run of CJK characters is indexed as overlapping bigrams, each
 * with the unigram of its first character at the same position:
 *   张伟明 → pos0: 张伟 (+张), pos1: 伟明 (+伟), pos2: 明
 * A query run of two or more characters becomes the phrase of its bigrams, a single
 * character its unigram, so 张伟, 伟明, 张伟明 and 明 all find 张伟明.
 * Runs of ASCII letters and digits are one lower-cased token each; everything else
 * separates tokens.
 */
#ifndef ANJU_TOKENIZER_H
#define ANJU_TOKENIZER_H
#include <stddef.h>

/* Called per token; `colocated` is 1 for a token at the same position as the previous. */
typedef int (*token_fn)(void *ctx, const char *token, size_t len, int start, int end,
			int colocated);

/* Tokenizes text[0..n) for the index (query = 0) or for a query (query = 1).
 * Returns the first non-zero callback result, or 0. */
int tokenize(const char *text, size_t n, int query, token_fn fn, void *ctx);
#endif
