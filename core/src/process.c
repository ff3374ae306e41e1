/*
 * process.c -- tg_process_run: run a program as a suspension point.
 *
 * The child starts in a new session (libuv's DETACHED flag), so it leads its
 * own process group and the whole group can be killed at once: on timeout,
 * on cancellation, and when the leader exits (so that no grandchild
 * outlives the call).  Output is captured up to a cap per stream and the
 * rest is read and discarded, so a flooding child never blocks.  The
 * operation owns its libuv handles and frees itself when the last one is
 * closed; a cancelled caller returns at once and leaves the clean-up to it.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

#define DEFAULT_OUTPUT_CAP (1024 * 1024)
#define EXIT_GRACE_MS 100 /* for pipes held open by an escaped grandchild */

typedef struct capture {
    char *buf;
    size_t len, cap, limit;
    bool truncated;
    bool open; /* the pipe is not closed yet */
} capture;

typedef struct proc_op {
    uv_process_t proc;
    uv_pipe_t in, out, err;
    uv_timer_t timer;       /* timeout, then the exit grace period */
    uv_write_t write_req;
    char *in_copy;          /* stdin bytes, alive until written */
    bool in_open;
    capture cap[2];         /* stdout, stderr */
    int handles;            /* open handles; freed when it reaches 0 */
    bool exited, timed_out, finished;
    int64_t exit_status;
    int term_signal;
    uint64_t start_ns;
    tg__run *run;
    tg_task *task;          /* NULL once the caller has gone */
    tg_process_result *res;
} proc_op;

static char discard[64 * 1024]; /* reads beyond the cap land here */

static void op_free(proc_op *op)
{
    op->run->io_pending--;
    tg__free(op->cap[0].buf);
    tg__free(op->cap[1].buf);
    tg__free(op->in_copy);
    tg__free(op);
}

static void on_close(uv_handle_t *h)
{
    proc_op *op = h->data;
    if (--op->handles == 0)
        op_free(op);
}

static void close_handle(proc_op *op, uv_handle_t *h)
{
    if (!uv_is_closing(h))
        uv_close(h, on_close);
    (void)op;
}

static void kill_group(proc_op *op)
{
    if (op->proc.pid > 0 && kill(-op->proc.pid, SIGKILL) != 0 &&
        !op->exited)
        kill(op->proc.pid, SIGKILL); /* no group (yet): the leader, then */
}

static char *take_capture(capture *c, size_t *len, bool *truncated)
{
    char *s = c->buf ? c->buf : tg__malloc(1);
    if (!s)
        return NULL;
    s[c->len] = '\0';
    *len = c->len;
    *truncated = c->truncated;
    c->buf = NULL;
    return s;
}

/* Everything is known: hand the result over and wake the caller. */
static void op_finish(proc_op *op)
{
    if (op->finished)
        return;
    op->finished = true;
    uv_timer_stop(&op->timer);
    if (op->in_open) {
        op->in_open = false;
        close_handle(op, (uv_handle_t *)&op->in);
    }
    for (int i = 0; i < 2; i++)
        if (op->cap[i].open) {
            op->cap[i].open = false;
            close_handle(op, (uv_handle_t *)(i ? &op->err : &op->out));
        }
    close_handle(op, (uv_handle_t *)&op->timer);
    close_handle(op, (uv_handle_t *)&op->proc);
    if (!op->task)
        return;
    tg_process_result *res = op->res;
    res->exit_status = (int)op->exit_status;
    res->term_signal = op->term_signal;
    res->timed_out = op->timed_out;
    res->elapsed_ms = (uv_hrtime() - op->start_ns) / 1000000u;
    res->out = take_capture(&op->cap[0], &res->out_len, &res->out_truncated);
    res->err = take_capture(&op->cap[1], &res->err_len, &res->err_truncated);
    tg_task *t = op->task;
    op->task = NULL;
    tg__task_wake(t);
}

static void maybe_finish(proc_op *op)
{
    if (op->exited && !op->cap[0].open && !op->cap[1].open)
        op_finish(op);
}

static void on_grace(uv_timer_t *timer)
{
    op_finish(timer->data);
}

static void proc_on_exit(uv_process_t *proc, int64_t status, int signal)
{
    proc_op *op = proc->data;
    op->exited = true;
    op->exit_status = status;
    op->term_signal = signal;
    kill_group(op); /* grandchildren die with their leader */
    maybe_finish(op);
    if (!op->finished) {
        uv_timer_stop(&op->timer);
        uv_timer_start(&op->timer, on_grace, EXIT_GRACE_MS, 0);
    }
}

/* Until the leader is reaped, kill its group again now and then: a kill
 * can miss (seen once under valgrind, where a cancelled child lived on and
 * the run's teardown waited for it forever). */
static void on_rekill(uv_timer_t *timer)
{
    proc_op *op = timer->data;
    if (!op->exited)
        kill_group(op);
}

static void on_timeout(uv_timer_t *timer)
{
    proc_op *op = timer->data;
    op->timed_out = true;
    kill_group(op);
    uv_timer_start(&op->timer, on_rekill, 100, 100);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    proc_op *op = h->data;
    capture *c = &op->cap[(uv_pipe_t *)h == &op->out ? 0 : 1];
    (void)suggested;
    if (c->len < c->limit) {
        size_t want = c->len + sizeof discard;
        if (want > c->limit)
            want = c->limit;
        if (want + 1 > c->cap) {
            char *b = tg__realloc(c->buf, want + 1);
            if (b) {
                c->buf = b;
                c->cap = want + 1;
            }
        }
        if (c->buf && c->cap > c->len + 1) {
            *buf = uv_buf_init(c->buf + c->len,
                               (unsigned)(c->cap - 1 - c->len));
            return;
        }
    }
    *buf = uv_buf_init(discard, sizeof discard);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    proc_op *op = s->data;
    capture *c = &op->cap[(uv_pipe_t *)s == &op->out ? 0 : 1];
    if (n > 0) {
        if (buf->base == discard)
            c->truncated = true;
        else
            c->len += (size_t)n;
        return;
    }
    if (n < 0) { /* EOF or error: this stream is done */
        c->open = false;
        close_handle(op, (uv_handle_t *)s);
        maybe_finish(op);
    }
}

static void on_written(uv_write_t *req, int status)
{
    proc_op *op = req->data;
    (void)status; /* EPIPE: the child did not read its stdin; fine */
    if (op->in_open) {
        op->in_open = false;
        close_handle(op, (uv_handle_t *)&op->in);
    }
}

/* The caller was cancelled: kill everything and let the op clean up. */
static void proc_cancel(tg_task *t)
{
    proc_op *op = t->wait_data;
    op->task = NULL;
    kill_group(op);
    uv_timer_stop(&op->timer);
    uv_timer_start(&op->timer, on_rekill, 100, 100);
    for (int i = 0; i < 2; i++)
        if (op->cap[i].open) {
            op->cap[i].open = false;
            close_handle(op, (uv_handle_t *)(i ? &op->err : &op->out));
        }
    if (op->exited)
        op_finish(op);
}

static proc_op *op_new(tg__run *run, const tg_process_spec *spec)
{
    proc_op *op = tg__calloc(1, sizeof *op);
    if (!op)
        return NULL;
    if (spec->stdin_len) {
        op->in_copy = tg__malloc(spec->stdin_len);
        if (!op->in_copy) {
            tg__free(op);
            return NULL;
        }
        memcpy(op->in_copy, spec->stdin_data, spec->stdin_len);
    }
    size_t limit = spec->output_cap ? spec->output_cap : DEFAULT_OUTPUT_CAP;
    op->cap[0].limit = op->cap[1].limit = limit;
    op->run = run;
    run->io_pending++;
    return op;
}

tg_error *tg_process_run(const tg_process_spec *spec, tg_process_result *res)
{
    tg__run *run = tg__current_run;
    tg_task *t = run ? run->current : NULL;
    memset(res, 0, sizeof *res);
    if (!t)
        return tg__no_task_error("tg_process_run");
    if (!spec || !spec->argv || !spec->argv[0])
        return tg_error_new(&TG_ValueError, "tg_process_run: empty argv");
    proc_op *op = op_new(run, spec);
    if (!op)
        return tg__error_oom();

    uv_loop_t *loop = &run->loop;
    uv_pipe_init(loop, &op->out, 0);
    uv_pipe_init(loop, &op->err, 0);
    uv_timer_init(loop, &op->timer);
    op->out.data = op->err.data = op->timer.data = op->proc.data = op;
    op->handles = 4; /* out, err, timer, proc */
    uv_stdio_container_t stdio[3];
    if (spec->stdin_len) {
        uv_pipe_init(loop, &op->in, 0);
        op->in.data = op;
        op->handles++;
        op->in_open = true;
        stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
        stdio[0].data.stream = (uv_stream_t *)&op->in;
    } else {
        stdio[0].flags = UV_IGNORE;
    }
    stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    stdio[1].data.stream = (uv_stream_t *)&op->out;
    stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    stdio[2].data.stream = (uv_stream_t *)&op->err;

    uv_process_options_t o;
    memset(&o, 0, sizeof o);
    o.exit_cb = proc_on_exit;
    o.file = spec->argv[0];
    o.args = (char **)spec->argv;
    o.env = (char **)spec->env;
    o.cwd = spec->cwd;
    o.flags = UV_PROCESS_DETACHED; /* setsid: its own process group */
    o.stdio_count = 3;
    o.stdio = stdio;
    op->start_ns = uv_hrtime();
    int rc = uv_spawn(loop, &op->proc, &o);
    if (rc != 0) {
        /* A failed spawn still leaves the handles to close. */
        op->finished = true;
        if (op->in_open)
            close_handle(op, (uv_handle_t *)&op->in);
        close_handle(op, (uv_handle_t *)&op->out);
        close_handle(op, (uv_handle_t *)&op->err);
        close_handle(op, (uv_handle_t *)&op->timer);
        close_handle(op, (uv_handle_t *)&op->proc);
        return tg_error_new(&TG_OSError, "cannot run '%s': %s",
                            spec->argv[0], uv_strerror(rc));
    }
    op->cap[0].open = op->cap[1].open = true;
    uv_read_start((uv_stream_t *)&op->out, on_alloc, on_read);
    uv_read_start((uv_stream_t *)&op->err, on_alloc, on_read);
    if (op->in_open) {
        uv_buf_t b = uv_buf_init(op->in_copy, (unsigned)spec->stdin_len);
        op->write_req.data = op;
        if (uv_write(&op->write_req, (uv_stream_t *)&op->in, &b, 1,
                     on_written) != 0) {
            op->in_open = false;
            close_handle(op, (uv_handle_t *)&op->in);
        }
    }
    if (spec->timeout_ms)
        uv_timer_start(&op->timer, on_timeout, spec->timeout_ms, 0);

    op->task = t;
    op->res = res;
    tg_error *e = tg__task_suspend(t, proc_cancel, op, "process");
    if (e)
        tg_process_result_free(res); /* nothing partial on cancellation */
    else if (!res->out || !res->err) {
        tg_process_result_free(res);
        return tg__error_oom();
    }
    return e;
}

void tg_process_result_free(tg_process_result *res)
{
    if (!res)
        return;
    tg__free(res->out);
    tg__free(res->err);
    memset(res, 0, sizeof *res);
}
