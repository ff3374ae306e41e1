/*
 * fs.c -- file primitives as suspension points: reading a whole file on
 * libuv's thread pool, and waiting for a file to change (watching its
 * directory, so that editors that save by renaming a new file into place
 * are seen too).  Like process.c, each operation owns its libuv resources
 * and frees itself when they are released, so a cancelled caller can
 * return at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"

/* ---- reading ------------------------------------------------------------- */

typedef struct read_op {
    uv_work_t req;
    tg__run *run;
    char *path;
    size_t max;
    char *data;   /* result, handed over or freed */
    size_t len;
    int err;      /* errno of the failure, or 0 */
    tg_task *task;  /* NULL once the caller has gone */
    char **out;
    size_t *out_len;
    int *out_err;
} read_op;

/* On a pool thread: plain blocking reads. */
static void read_work(uv_work_t *req)
{
    read_op *op = req->data;
    int fd = open(op->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        op->err = errno;
        return;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || S_ISDIR(sb.st_mode)) {
        op->err = S_ISDIR(sb.st_mode) ? EISDIR : errno;
        close(fd);
        return;
    }
    size_t cap = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 4096;
    if (op->max && cap > op->max + 1)
        cap = op->max + 2; /* enough to notice it is too big */
    op->data = malloc(cap);
    for (;;) {
        if (!op->data) {
            op->err = ENOMEM;
            break;
        }
        if (op->len + 1 >= cap) {
            if (op->max && op->len > op->max) {
                op->err = EFBIG;
                break;
            }
            char *d = realloc(op->data, cap *= 2);
            if (!d) {
                op->err = ENOMEM;
                break;
            }
            op->data = d;
        }
        ssize_t r = read(fd, op->data + op->len, cap - 1 - op->len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            op->err = errno;
            break;
        }
        if (r == 0)
            break;
        op->len += (size_t)r;
        if (op->max && op->len > op->max) {
            op->err = EFBIG;
            break;
        }
    }
    close(fd);
    if (op->err) {
        free(op->data);
        op->data = NULL;
    } else {
        op->data[op->len] = '\0';
    }
}

static void read_done(uv_work_t *req, int status)
{
    read_op *op = req->data;
    (void)status;
    op->run->io_pending--;
    if (op->task) {
        *op->out = op->data;
        *op->out_len = op->len;
        *op->out_err = op->err;
        op->data = NULL;
        tg__task_wake(op->task);
    }
    free(op->data);
    tg__free(op->path);
    tg__free(op);
}

static void read_cancel(tg_task *t)
{
    read_op *op = t->wait_data;
    op->task = NULL; /* read_done frees what it read */
}

tg_error *tg_read_file(const char *path, size_t max, char **data, size_t *len)
{
    tg__run *run = tg__current_run;
    tg_task *t = run ? run->current : NULL;
    *data = NULL;
    *len = 0;
    if (!t)
        return tg__no_task_error("tg_read_file");
    read_op *op = tg__calloc(1, sizeof *op);
    if (!op || !(op->path = tg__strdup(path))) {
        tg__free(op);
        return tg__error_oom();
    }
    int err = 0;
    op->run = run;
    op->max = max;
    op->task = t;
    op->out = data;
    op->out_len = len;
    op->out_err = &err;
    op->req.data = op;
    if (uv_queue_work(&run->loop, &op->req, read_work, read_done) != 0) {
        tg__free(op->path);
        tg__free(op);
        return tg_error_new(&TG_OSError, "cannot queue a read of %s", path);
    }
    run->io_pending++;
    tg_error *e = tg__task_suspend(t, read_cancel, op, "read file");
    if (e)
        return e;
    if (err == EFBIG)
        return tg_error_new(&TG_ValueError, "%s is larger than %zu bytes",
                            path, max);
    if (err)
        return tg_error_new(&TG_OSError, "cannot read %s: %s", path,
                            strerror(err));
    return NULL;
}

/* ---- watching -------------------------------------------------------------- */

typedef struct watch_op {
    uv_fs_event_t event;
    uv_timer_t debounce;
    tg__run *run;
    char *name;        /* the file's name inside the watched directory */
    uint64_t debounce_ms;
    int handles;       /* open handles; freed at 0 */
    bool fired;
    tg_task *task;     /* NULL once the caller has gone */
} watch_op;

static void watch_closed(uv_handle_t *h)
{
    watch_op *op = h->data;
    if (--op->handles == 0) {
        op->run->io_pending--;
        tg__free(op->name);
        tg__free(op);
    }
}

static void watch_close(watch_op *op)
{
    if (!uv_is_closing((uv_handle_t *)&op->event))
        uv_close((uv_handle_t *)&op->event, watch_closed);
    if (!uv_is_closing((uv_handle_t *)&op->debounce))
        uv_close((uv_handle_t *)&op->debounce, watch_closed);
}

static void on_settled(uv_timer_t *timer)
{
    watch_op *op = timer->data;
    if (op->fired)
        return;
    op->fired = true;
    if (op->task) {
        tg_task *t = op->task;
        op->task = NULL;
        tg__task_wake(t);
    }
    watch_close(op);
}

static void on_change(uv_fs_event_t *ev, const char *filename, int events,
                      int status)
{
    watch_op *op = ev->data;
    (void)events;
    if (status < 0 || op->fired)
        return;
    if (filename && strcmp(filename, op->name) != 0)
        return;
    /* Restart the quiet period: editors write in several steps. */
    uv_timer_start(&op->debounce, on_settled, op->debounce_ms, 0);
}

static void watch_cancel(tg_task *t)
{
    watch_op *op = t->wait_data;
    op->task = NULL;
    op->fired = true;
    watch_close(op);
}

tg_error *tg_watch_file(const char *path, uint64_t debounce_ms)
{
    tg__run *run = tg__current_run;
    tg_task *t = run ? run->current : NULL;
    if (!t)
        return tg__no_task_error("tg_watch_file");
    char *dir = tg__strdup(path);
    watch_op *op = tg__calloc(1, sizeof *op);
    if (!dir || !op) {
        tg__free(dir);
        tg__free(op);
        return tg__error_oom();
    }
    char *slash = strrchr(dir, '/');
    const char *name = slash ? slash + 1 : dir;
    op->name = tg__strdup(name);
    if (!op->name) {
        tg__free(dir);
        tg__free(op);
        return tg__error_oom();
    }
    if (slash == dir)
        dir[1] = '\0'; /* "/file": the root directory */
    else if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    op->run = run;
    op->debounce_ms = debounce_ms;
    op->task = t;
    uv_fs_event_init(&run->loop, &op->event);
    uv_timer_init(&run->loop, &op->debounce);
    op->event.data = op->debounce.data = op;
    op->handles = 2;
    run->io_pending++;
    int rc = uv_fs_event_start(&op->event, on_change, dir, 0);
    tg__free(dir);
    if (rc != 0) {
        op->task = NULL;
        op->fired = true;
        watch_close(op);
        return tg_error_new(&TG_OSError, "cannot watch %s: %s", path,
                            uv_strerror(rc));
    }
    return tg__task_suspend(t, watch_cancel, op, "watch file");
}
