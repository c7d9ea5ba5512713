/*
 * demo: a generated, deterministic Songtao county for demonstrations, tests and benchmarks.
 *
 * By default it reproduces the article's county exactly: 14,697 households and 68,130
 * persons, of which 10,629 registered-poor households with 51,021 persons. The figures
 * come out of the report queries over the generated records; nothing stores them.
 * With `persons` set, the same proportions are scaled (a province-size data set); origin
 * villages then repeat.
 */
#ifndef ANJU_DEMO_H
#define ANJU_DEMO_H
#include <stdint.h>

#include "domain/actor.h"

#define DEMO_PASSWORD "songtao2019"

struct demo_options {
	uint64_t seed;
	long persons;		/* 0 = the article's county */
	int with_users;		/* also create the demo accounts */
	int sample_files;	/* give a few items real pictures (needs media_init and ctx.blobs) */
	int no_followup;	/* leave the follow-up ledgers empty */
};

struct demo_summary {
	long households, persons, poor_households, poor_persons;
	long sites, rooms;
	long facilities, service_requests, petitions;
	long volunteers, volunteer_visits, needs;	/* 困难大家帮 (demo_volunteers.h) */
	double seconds_registry, seconds_followup;	/* the phases' wall-clock times */
	double seconds_services;	/* facilities, requests and petitions */
	long evaluations, awards;	/* 文明大家比: schemes and awards */
	long activities, attendances, businesses, home_jobs;	/* demo_activities.c */
	double seconds_activities;
	long hall_exhibits, hall_visits, homesickness_hall_visitors;	/* the two halls */
	double seconds_halls;
};

/* Fills an empty database. Returns 0, or -1 with a message key in *err_key
 * (demo_not_empty, demo_too_small, internal). */
int demo_generate(struct ctx *cx, const struct demo_options *opt, struct demo_summary *sum,
		  const char **err_key);
#endif
