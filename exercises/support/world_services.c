/*
 * world_services.c -- the services learners call: send_email, fetch_url,
 * charge_card, db_get and db_verify, plus log_error and copy_str, and the
 * world's error types.
 *
 * Every service follows one path (serve): log the call, wait its latency
 * with tg_sleep (or wait forever on a semaphore nobody releases, for a
 * hang), then deliver what its plan says.  The wait is a suspension point,
 * so a cancellation lands there: the call ends as cancelled, *err gets the
 * CancelledError and nothing is delivered.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_internal.h"

TG_ERROR_TYPE(EmailError, TG_Exception);
TG_ERROR_TYPE(BounceError, EmailError);
TG_ERROR_TYPE(HTTPError, TG_Exception);
TG_ERROR_TYPE(PaymentDeclined, TG_Exception);
TG_ERROR_TYPE(DatabaseError, TG_Exception);
TG_ERROR_TYPE(IntegrityError, DatabaseError);
TG_ERROR_TYPE(OrderError, TG_Exception);
TG_ERROR_TYPE(LedgerError, TG_Exception);

/* The error a service raises when its plan says "error" without a type. */
static const tg_error_type *usual_error(world_service s)
{
    switch (s) {
    case WORLD_SEND_EMAIL:
        return &BounceError;
    case WORLD_FETCH_URL:
        return &HTTPError;
    case WORLD_CHARGE_CARD:
        return &PaymentDeclined;
    case WORLD_DB_GET:
        return &TG_KeyError;
    case WORLD_DB_VERIFY:
        return &IntegrityError;
    case WORLD_SERVICE_COUNT:
        break;
    }
    return &TG_RuntimeError;
}

/* Makes the error a step asks for, with its standard message unless the
 * plan gives one (see world_probe.h). */
static tg_error *make_error(world_service s, const char *input,
                            const world_step *st)
{
    const char *name = world_service_name(s);
    const tg_error_type *t = st->type;
    if (!t)
        t = st->outcome == WORLD_BUG ? &TG_TypeError : usual_error(s);
    if (st->message)
        return tg_error_new(t, "%s", st->message);
    if (st->outcome == WORLD_BUG)
        return tg_error_new(t, "bug in %s (injected)", name);
    if (t == &BounceError)
        return tg_error_new(t, "no such mailbox: %s", input);
    if (t == &EmailError)
        return tg_error_new(t, "could not send to %s", input);
    if (t == &HTTPError)
        return tg_error_new(t, "404 Not Found");
    if (t == &PaymentDeclined)
        return tg_error_new(t, "card declined: insufficient funds");
    if (t == &TG_KeyError)
        return tg_error_new(t, "no such key: %s", input);
    if (t == &IntegrityError)
        return tg_error_new(t, "checksum mismatch in %s", input);
    if (t == &DatabaseError)
        return tg_error_new(t, "database unavailable");
    if (t == &TG_ConnectionError)
        return tg_error_new(t, "connection reset");
    if (t == &TG_TimeoutError)
        return tg_error_new(t, "server did not answer");
    return tg_error_new(t, "%s failed", name);
}

/* Waits out a step's latency, or forever for a hang.  NULL, or the error
 * that ended the wait (a CancelledError, normally). */
static tg_error *wait_step(const world_step *st)
{
    if (st->outcome == WORLD_HANG) {
        tg_sem *never = tg_sem_new(0); /* nobody will release it */
        if (!never)
            return tg_error_new(&TG_MemoryError, "out of memory");
        tg_error *e = tg_sem_acquire(never);
        tg_sem_free(never);
        return e ? e : tg_error_new(&TG_RuntimeError, "a hang ended");
    }
    uint64_t ms = st->latency_ms;
    if (st->jitter_ms)
        ms += tg_random_below(st->jitter_ms + 1);
    return tg_sleep(ms);
}

/* Makes what a successful call delivers: a malloc'd string, or NULL with
 * *err set (db_get's missing key). */
typedef char *(*value_fn)(const world_call *c, const world_step *st,
                          tg_error **err);

/* A malloc'd printf, or NULL when memory runs out. */
static char *format_value(const char *fmt, ...) TG_PRINTF(1, 2);
static char *format_value(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *v = len < 0 ? NULL : malloc((size_t)len + 1);
    if (v) {
        va_start(ap, fmt);
        vsnprintf(v, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    return v;
}

/*
 * One call of service s, the way every service makes it.  The value
 * function runs only when the plan says ok.  err NULL is a misuse that no
 * error can report (there is nowhere to put it): the program stops with a
 * message naming the service.
 */
static char *serve(world_service s, const char *input, long cents,
                   tg_error **err, value_fn value)
{
    const char *name = world_service_name(s);
    if (!err) {
        fprintf(stderr,
                "%s: the err argument is NULL; pass the address of a "
                "tg_error * variable, like %s(..., &err)\n",
                name, name);
        abort();
    }
    *err = NULL;
    world_step st;
    size_t i = world__call_begin(s, input, cents, &st);
    tg_error *e = NULL;
    if (!input) {
        e = tg_error_new(&TG_TypeError, "%s: the input is NULL", name);
        world__call_end(i, WORLD_END_ERROR, e, NULL);
        *err = e;
        return NULL;
    }
    e = wait_step(&st);
    if (e) {
        world__call_end(i,
                        tg_error_is(e, &TG_CancelledError) ? WORLD_END_CANCELLED
                                                           : WORLD_END_ERROR,
                        e, NULL);
        *err = e;
        return NULL;
    }
    char *v = NULL;
    if (st.outcome == WORLD_OK) {
        v = value(world_call_at(i), &st, &e);
        if (!v && !e)
            e = tg_error_new(&TG_MemoryError, "out of memory");
    } else {
        e = make_error(s, input, &st);
    }
    world__call_end(i, e ? WORLD_END_ERROR : WORLD_END_OK, e, v);
    *err = e;
    return v;
}

static char *email_value(const world_call *c, const world_step *st,
                         tg_error **err)
{
    (void)err;
    return st->value ? copy_str(st->value) : format_value("msg-%u", c->seq);
}

char *send_email(const char *to, tg_error **err)
{
    return serve(WORLD_SEND_EMAIL, to, 0, err, email_value);
}

static char *fetch_value(const world_call *c, const world_step *st,
                         tg_error **err)
{
    (void)err;
    return st->value ? copy_str(st->value)
                     : format_value("body of %s", c->input);
}

char *fetch_url(const char *url, tg_error **err)
{
    return serve(WORLD_FETCH_URL, url, 0, err, fetch_value);
}

static char *charge_value(const world_call *c, const world_step *st,
                          tg_error **err)
{
    (void)err;
    return st->value ? copy_str(st->value) : format_value("txn-%u", c->seq);
}

char *charge_card(const char *card, long cents, tg_error **err)
{
    return serve(WORLD_CHARGE_CARD, card, cents, err, charge_value);
}

static char *db_value(const world_call *c, const world_step *st, tg_error **err)
{
    const char *v = st->value ? st->value : world__db_lookup(c->input);
    if (!v) {
        world_step missing = {.outcome = WORLD_ERROR, .type = &TG_KeyError};
        *err = make_error(WORLD_DB_GET, c->input, &missing);
        return NULL;
    }
    return copy_str(v);
}

char *db_get(const char *key, tg_error **err)
{
    return serve(WORLD_DB_GET, key, 0, err, db_value);
}

static char *verify_value(const world_call *c, const world_step *st,
                          tg_error **err)
{
    (void)c;
    (void)st;
    (void)err;
    return copy_str("");
}

void db_verify(const char *shard, tg_error **err)
{
    free(serve(WORLD_DB_VERIFY, shard, 0, err, verify_value));
}

void log_error(const tg_error *e)
{
    if (!e) {
        world__log_append("NULL");
        return;
    }
    /* Python's str of "Type: message": no colon for an empty message. */
    const char *type = tg_error_type_name(e);
    const char *msg = tg_error_message(e);
    size_t len = strlen(type) + strlen(msg) + 3;
    char *line = world__alloc(len);
    if (msg[0])
        snprintf(line, len, "%s: %s", type, msg);
    else
        snprintf(line, len, "%s", type);
    world__log_append(line);
}

char *copy_str(const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s) + 1;
    char *copy = malloc(len);
    if (copy)
        memcpy(copy, s, len);
    return copy;
}
