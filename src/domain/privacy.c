/* privacy: masking of ID numbers and phone numbers for roles that do not register people. */
#include "domain/privacy.h"

#include <stdio.h>
#include <string.h>

bool privacy_full_identity(enum role r)
{
	return role_can_edit_registry(r);
}

void privacy_mask_id(const char *id, char out[19])
{
	size_t n = strlen(id);
	snprintf(out, 19, "%s", id);
	for (size_t i = 6; n >= 10 && i < n - 4; i++)
		out[i] = '*';
}

void privacy_mask_phone(const char *phone, char out[24])
{
	size_t n = strlen(phone);
	snprintf(out, 24, "%s", phone);
	for (size_t i = 3; n >= 8 && i < n - 4 && i < 23; i++)
		out[i] = '*';
	if (n < 8)	/* too short to show any of it */
		for (size_t i = 0; i < n && i < 23; i++)
			out[i] = '*';
}

void privacy_mask_json(json_t *v)
{
	const char *key;
	json_t *x;
	size_t i;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			privacy_mask_json(x);
		return;
	}
	if (!json_is_object(v))
		return;
	json_object_foreach(v, key, x) {
		char masked[24];
		if (json_is_string(x) && strcmp(key, "id_number") == 0) {
			privacy_mask_id(json_string_value(x), masked);
			json_string_set(x, masked);
		} else if (json_is_string(x) && strcmp(key, "phone") == 0) {
			privacy_mask_phone(json_string_value(x), masked);
			json_string_set(x, masked);
		} else
			privacy_mask_json(x);
	}
}
