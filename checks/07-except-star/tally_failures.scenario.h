/*
 * tally_failures.scenario.h -- the errors tally_failures's scenarios
 * raise, shared by its probe (which builds them) and its checks.  Only
 * inputs live here.
 *
 * mixed:
 *   ExceptionGroup: send batch                   (note: newsletter)
 *   +-- BounceError: no such mailbox: a@example.com
 *   +-- ExceptionGroup: round 2
 *   |   +-- BounceError: no such mailbox: b@example.com
 *   |   +-- ConnectionError: connection reset
 *   +-- TypeError: bug in send_email (injected)
 *
 * all_handled: send batch [Bounce a, ConnectionError]
 * bare:        a lone BounceError for a@example.com, not in a group
 * cancelled:   BaseExceptionGroup: send batch [Bounce a, CancelledError]
 */
#ifndef TALLY_FAILURES_SCENARIO_H
#define TALLY_FAILURES_SCENARIO_H

#define TF_TOP "send batch"
#define TF_TOP_NOTE "newsletter"
#define TF_ROUND "round 2"
#define TF_BOUNCE_A "no such mailbox: a@example.com"
#define TF_BOUNCE_B "no such mailbox: b@example.com"
#define TF_RESET "connection reset"
#define TF_BUG "bug in send_email (injected)"
#define TF_CANCEL "cancelled by the batch's deadline"

#endif /* TALLY_FAILURES_SCENARIO_H */
