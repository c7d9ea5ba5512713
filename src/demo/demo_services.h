/* demo_services: the generated county's facilities and one-stop service requests. */
#ifndef ANJU_DEMO_SERVICES_H
#define ANJU_DEMO_SERVICES_H

#include <stdint.h>

#include "domain/actor.h"

struct demo_services_summary {
	long facilities, windows, requests;
};

/* Inside the caller's transaction (committed and reopened every 20,000 requests): the
 * facilities of 团山 (its six centres with their staff windows, 28 convenience
 * supermarkets, the Homesickness Hall) and of 育才 (the neighbourhood mutual-aid centre's
 * one-stop windows, the sports centre, library, police office, the Urban Experience Hall),
 * then a year of requests up to today from about three households in ten. A store rc. */
int demo_services(struct ctx *cx, uint64_t seed, struct demo_services_summary *sum);

#endif
