/*
 * backoff_delay.checks.c -- the checks of 11-retries-with-backoff/
 * backoff_delay, run by the trusted checker on what backoff_delay.probe.c
 * observed.
 *
 * What they catch, from lesson 11: a delay that is not base * 2^attempt;
 * no cap; a shift that wraps to 0 for attempts 62 and 63 or misbehaves
 * from 64 on (x86 shifts by attempt % 64); jitter out of [0, base), or not
 * one draw of the run's generator per call (rand(), two draws, none);
 * delays that differ between two runs with the same seed; leaks.
 */
#include <inttypes.h>

#include "backoff_delay.scenario.h"
#include "checker.h"

/* min(cap, base * 2^attempt), computed without overflow. */
static uint64_t capped(unsigned attempt, uint64_t base, uint64_t cap)
{
    if (attempt < 64 && base <= (cap >> attempt))
        return base << attempt;
    return cap;
}

static uint64_t delay_at(const checker_obs *o, const char *key, size_t i)
{
    return (uint64_t)obs_int(o, checker_path("%s.%zu", key, i));
}

/* Every delay of the run is within [capped, capped + base). */
static void delays_in_bounds(const checker_obs *o, const unsigned *attempts,
                             size_t n, uint64_t base, uint64_t cap,
                             const char *advice)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t lo = capped(attempts[i], base, cap);
        uint64_t d = delay_at(o, "delays", i);
        CHECK(o, d >= lo && d < lo + base,
              "backoff_delay(%u, %" PRIu64 ", %" PRIu64 ") returned %" PRIu64
              "; expected %" PRIu64 " plus a jitter below %" PRIu64
              ", so from %" PRIu64 " to %" PRIu64 ". %s",
              attempts[i], base, cap, d, lo, base, lo, lo + base - 1,
              d < lo && lo == cap && d < base
                  ? "That is no backoff at all: the shift wrapped around "
                    "to 0. Test whether base_ms << attempt fits under the "
                    "cap before you shift."
                  : advice);
    }
}

/* ---- doubling: base 100, cap 5000, attempts 0..6 ------------------------ */

static unsigned doubling_attempts[BD_DOUBLING_N] = {0, 1, 2, 3, 4, 5, 6};

static void doubles_each_attempt(const checker_obs *o)
{
    delays_in_bounds(o, doubling_attempts, BD_DOUBLING_N, BD_DOUBLING_BASE,
                     BD_DOUBLING_CAP,
                     "Each attempt waits twice as long as the one before "
                     "(base_ms << attempt), never more than cap_ms, plus "
                     "tg_random_below(base_ms).");
}

/* Only the delays inside their bounds say anything about the jitter: the
 * others fail doubles_each_attempt already. */
static void jitter_is_one_draw(const checker_obs *o)
{
    unsigned looked = 0;
    for (unsigned k = 0; k < BD_DOUBLING_N; k++) {
        uint64_t lo = capped(k, BD_DOUBLING_BASE, BD_DOUBLING_CAP);
        uint64_t d = delay_at(o, "delays", k);
        uint64_t want = (uint64_t)obs_int(o, checker_path("draws.%u", k));
        if (d < lo || d >= lo + BD_DOUBLING_BASE)
            continue;
        looked++;
        CHECK(o, d != lo || want == 0,
              "backoff_delay(%u, %d, %d) returned exactly %" PRIu64
              ", with no jitter. Without it, every client that failed at "
              "the same moment retries at the same moments too. Add "
              "tg_random_below(base_ms): with this seed it gives %" PRIu64
              " here.",
              k, BD_DOUBLING_BASE, BD_DOUBLING_CAP, d, want);
        CHECK(o, d - lo == want,
              "With this seed, the jitter of call %u (attempt %u) should "
              "be %" PRIu64 " -- the %u%s number tg_random_below(%d) draws "
              "in the run -- but backoff_delay returned %" PRIu64 " = %" PRIu64
              " + %" PRId64 ". Draw the jitter with "
              "tg_random_below(base_ms), exactly once per call, and "
              "nothing else from the generator: not rand(), not a second "
              "draw.",
              k + 1, k, want, k + 1,
              k == 0   ? "st"
              : k == 1 ? "nd"
              : k == 2 ? "rd"
                       : "th",
              BD_DOUBLING_BASE, d, lo, (int64_t)(d - lo));
    }
    CHECK(o, looked > 0,
          "None of the delays for attempts 0 to %d is within its bounds, so "
          "the jitter cannot be told apart yet: make doubles_each_attempt "
          "pass first.",
          BD_DOUBLING_N - 1);
}

static void same_seed_same_delays(const checker_obs *o)
{
    for (unsigned k = 0; k < BD_DOUBLING_N; k++) {
        uint64_t a = delay_at(o, "delays", k), b = delay_at(o, "again", k);
        CHECK(o, a == b,
              "Two runs with the same seed gave different delays for "
              "attempt %u: %" PRIu64 ", then %" PRIu64 ". The jitter must "
              "come from the run's own generator, tg_random_below, so "
              "that a seed reproduces every delay.",
              k, a, b);
    }
}

static void no_leaks(const checker_obs *o)
{
    CHECK_NO_LEAKS(o, "backoff_delay");
}

/* ---- capped: base 300, cap 1000, attempts 0..5 -------------------------- */

static void stays_at_cap(const checker_obs *o)
{
    static const unsigned attempts[BD_CAPPED_N] = {0, 1, 2, 3, 4, 5};
    delays_in_bounds(o, attempts, BD_CAPPED_N, BD_CAPPED_BASE, BD_CAPPED_CAP,
                     "Once base_ms << attempt passes cap_ms, the delay "
                     "stays at cap_ms (plus the jitter).");
}

/* ---- huge: attempts 40 .. UINT_MAX -------------------------------------- */

static void huge_attempts_capped(const checker_obs *o)
{
    delays_in_bounds(o, BD_HUGE_ATTEMPTS, BD_HUGE_N, BD_HUGE_BASE, BD_HUGE_CAP,
                     "For large attempts base_ms << attempt overflows: it "
                     "wraps around, and from attempt 64 on it is undefined "
                     "(x86 shifts by attempt % 64). Shift only when "
                     "attempt < 64 and base_ms <= (cap_ms >> attempt); "
                     "otherwise the delay is cap_ms.");
}

const checker_check CHECKER_CHECKS[] = {
    {"doubles_each_attempt", "doubling", doubles_each_attempt},
    {"jitter_is_one_draw", "doubling", jitter_is_one_draw},
    {"same_seed_same_delays", "doubling", same_seed_same_delays},
    {"no_leaks", "doubling", no_leaks},
    {"stays_at_cap", "capped", stays_at_cap},
    {"huge_attempts_capped", "huge", huge_attempts_capped},
    {NULL, NULL, NULL},
};
