/*
 * build_error.scenario.h -- the inputs of build_error's scenarios, shared
 * by its probe and its checks.  Only inputs live here.
 */
#ifndef BUILD_ERROR_SCENARIO_H
#define BUILD_ERROR_SCENARIO_H

/* ann: build_error("ann@example.com", 3). */
#define BE_ANN "ann@example.com"
#define BE_ANN_ATTEMPTS 3
/* other: build_error("bob@example.com", 4 + seed); the probe records the
 * attempts it passed as "attempts". */
#define BE_BOB "bob@example.com"

#endif /* BUILD_ERROR_SCENARIO_H */
