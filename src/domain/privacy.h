/*
 * privacy: who sees whole ID numbers and phone numbers. Those who register people
 * (admin, county, town, community) need the numbers to do so; volunteers, archivists and
 * auditors see them masked everywhere, the API included (an auditor reveals one at a time
 * on a person's page, and the reveal is audited).
 */
#ifndef ANJU_DOMAIN_PRIVACY_H
#define ANJU_DOMAIN_PRIVACY_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/actor.h"

bool privacy_full_identity(enum role r);
/* "520628********121X": the first 6 and last 4 characters. */
void privacy_mask_id(const char *id, char out[19]);
/* "138****8000": the first 3 and last 4 digits. */
void privacy_mask_phone(const char *phone, char out[24]);
/* Masks every "id_number" and "phone" string anywhere in v, in place. */
void privacy_mask_json(json_t *v);

#endif
