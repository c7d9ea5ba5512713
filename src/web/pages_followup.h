/* pages_followup: what the person and household pages show of the follow-up ledgers. */
#ifndef ANJU_WEB_PAGES_FOLLOWUP_H
#define ANJU_WEB_PAGES_FOLLOWUP_H

#include <jansson.h>
#include <stdint.h>

#include "web/request.h"

/* Adds jobs, trainings, guarantees, schooling, doctor and volume (the person's archive
 * items) to a person page's data, which holds the person as "p". */
void page_followup_person_sections(struct request *rq, int64_t person_id, json_t *data);
/* Adds relocation (steps and who answers), plots and visits to a household page's data. */
void page_followup_household_sections(struct request *rq, int64_t household_id, json_t *data);

#endif
