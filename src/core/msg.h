/*
 * msg: the message catalogues. Every user-facing text lives in web/messages/LANG.txt and
 * is compiled in; code refers to messages by key only.
 */
#ifndef ANJU_MSG_H
#define ANJU_MSG_H

enum lang { LANG_ZH = 0, LANG_EN = 1, LANG_COUNT };

struct msg_entry {
	const char *key;
	const char *text[LANG_COUNT];
};
extern const struct msg_entry msg_table[];
extern const unsigned msg_table_len;

/* The text for key in lang; the key itself when the catalogue lacks it. */
const char *msg_get(enum lang lang, const char *key);
/* True when the catalogue has the key. */
int msg_has(const char *key);
/* Picks the language from an Accept-Language header (zh-CN unless English is preferred). */
enum lang msg_lang_from_header(const char *accept_language);
/* "zh-CN" or "en". */
const char *msg_lang_tag(enum lang lang);
#endif
