/*
 * with_defaults.scenario.h -- the inputs of with_defaults's scenarios,
 * shared by its probe (which sets them up) and its checks.  Only inputs
 * live here.
 *
 * The database holds theme = "dark", lang = "fr", tz = "Europe/Paris";
 * the loads take 30, 40 and 50 ms unless said otherwise:
 *   all_ok               every load works.
 *   reset_lang           lang's connection is reset at 20 ms.
 *   corrupt_tz           tz fails with an IntegrityError at 20 ms.
 *   timeout_and_corrupt  lang times out and tz is corrupt, both at 20 ms.
 *   bug                  theme's load raises a TypeError (an injected bug)
 *                        at 20 ms.
 *   cancel               the probe cancels load_settings's task at 10 ms.
 */
#ifndef WITH_DEFAULTS_SCENARIO_H
#define WITH_DEFAULTS_SCENARIO_H

static const char *const WD_KEY[3] = {"theme", "lang", "tz"};
static const char *const WD_VALUE[3] = {"dark", "fr", "Europe/Paris"};
static const char *const WD_DEFAULT[3] = {"light", "en", "UTC"};
static const unsigned WD_MS[3] = {30, 40, 50};
#define WD_FAIL_MS 20
#define WD_CANCEL_MS 10

#endif /* WITH_DEFAULTS_SCENARIO_H */
