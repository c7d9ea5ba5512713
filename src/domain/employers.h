/* employers: the register of employers, among them the communities' "three places". */
#ifndef ANJU_DOMAIN_EMPLOYERS_H
#define ANJU_DOMAIN_EMPLOYERS_H

#include <jansson.h>

#include "core/outcome.h"
#include "domain/actor.h"

extern const char *const employers_kinds[];

enum outcome employers_list(struct ctx *cx, json_t **out);
enum outcome employers_create(struct ctx *cx, json_t *body, json_t **out);

#endif
