/*
 * critical_only.scenario.h -- the error trees critical_only's scenarios
 * pass in, shared by its probe (which builds them) and its checks.  Only
 * inputs live here.
 *
 * critical_top:
 *   ExceptionGroup: critical batch               (note: nightly run 42)
 *   +-- ValueError: minor rounding drift
 *   +-- KeyError: critical: index lost
 *   +-- ExceptionGroup: nightly
 *       +-- RuntimeError: critical: disk full
 *       +-- TimeoutError: server did not answer
 *
 * critical_inner:
 *   ExceptionGroup: batch failed
 *   +-- ValueError: minor rounding drift
 *   +-- ExceptionGroup: critical retries         (note: round 2 of 3)
 *       +-- TimeoutError: server did not answer
 *       +-- RuntimeError: critical: disk full
 *
 * none_critical:
 *   ExceptionGroup: critical batch
 *   +-- ValueError: minor rounding drift
 *   +-- ExceptionGroup: nightly
 *       +-- TimeoutError: server did not answer
 */
#ifndef CRITICAL_ONLY_SCENARIO_H
#define CRITICAL_ONLY_SCENARIO_H

#define CO_TOP "critical batch"
#define CO_TOP_NOTE "nightly run 42"
#define CO_BATCH "batch failed"
#define CO_NIGHTLY "nightly"
#define CO_RETRIES "critical retries"
#define CO_RETRIES_NOTE "round 2 of 3"
#define CO_MINOR "minor rounding drift"
#define CO_INDEX "critical: index lost"
#define CO_DISK "critical: disk full"
#define CO_SLOW "server did not answer"

#endif /* CRITICAL_ONLY_SCENARIO_H */
