/* pages_ledger_form: the form of a ledger (or of a change of one of its rows), as a table
 * of fields; shown and taken the same way for every ledger (pages_ledger_form.c). */
#ifndef ANJU_PAGES_LEDGER_FORM_H
#define ANJU_PAGES_LEDGER_FORM_H
#include <jansson.h>

#include "domain/ledger.h"
#include "web/request.h"

/* kinds: 't' text, 'd' date, 'i' whole number, 'r' number, 'b' yes/no, 's' a code list,
 * 'e' one of the household's archive items (evidence) */
struct form_field {
	const char *name, *label_key;
	char kind;
	const char *const *options;
	const char *prefix;	/* catalogue prefix of the options' words */
};

struct ledger_form {
	const char *heading_key;
	enum { OWNER_PERSON, OWNER_HOUSEHOLD, OWNER_JOB } owner;	/* what the id in the path is */
	const struct form_field *fields;
	/* what a posted form does: the ledger's append or replacing write (ledger), or a
	 * change of one row under the ETag the form carries (patch) */
	const struct ledger *ledger;
	enum outcome (*patch)(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			      json_t **out);
	/* turns the form into the API's body; NULL: one key per field */
	json_t *(*body)(json_t *form);
	/* the form field an API error field belongs to; NULL: the same name */
	const char *(*field_of)(struct request *rq, const char *api_field);
};

/* The form of lf for the owner in the path (404 when it is not visible), with the values
 * `initial` (released). */
void page_ledger_form_get(struct request *rq, const struct ledger_form *lf, json_t *initial);
/* Takes a posted form of lf: a new row appended, or a change under the ETag the form
 * carries; then back to the owner's page saying what was saved, or the form again with
 * every error beside its field. */
void page_ledger_form_post(struct request *rq, const struct ledger_form *lf);
/* A form's text as the JSON the API takes; NULL for an empty field. Text that is not a
 * number stays text, so the API reports it as the wrong type. */
json_t *page_ledger_form_typed(char kind, const char *v);
#endif
