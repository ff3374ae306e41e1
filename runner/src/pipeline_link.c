/*
 * pipeline_link.c -- the link stage: the learner's object plus the
 * prebuilt probe objects (the exercise's scenarios, the probe driver, the
 * simulated world, libtg) into the probe program, and the linker's
 * complaints in the learner's words.
 *
 * The prebuilt objects come from make and are only ever read (bound
 * read-only into the sandbox); nothing here rebuilds them.  What is
 * cached is their combination: the exercise's scenarios, the driver, the
 * world and libtg, joined once into one relocatable object (ld -r, every
 * archive member kept, so the learner may call any of libtg) without
 * debug information, under a key made of the inputs' identities (and
 * trimmed like the objects, least recently used first).  Linking
 * the learner's object against that is a third faster than against the
 * archives (the linker has one small file to read instead of four, with
 * their debug sections); the learner's own object keeps its debug
 * information, so sanitizer reports still name the learner's lines.  The
 * inputs are make's, so combining them needs no sandbox.  Shared
 * libraries are linked --as-needed, so the list below may name a library
 * the probe does not use at no cost.  The final link uses gold when
 * binutils has it: on this one object and the shared libraries it takes
 * about 30 ms where ld.bfd takes 40, and the link is on the critical path
 * of every check; its messages have the same shape ("undefined reference
 * to 'name'"), so the report below reads either.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "pipeline_internal.h"

#define PRELINK_TIMEOUT_MS 60000

/* Adds the identity of path (where it resolves, size, time, inode) to h;
 * false when it does not exist. */
static bool add_identity(pipeline__sha256 *h, const char *path)
{
    struct stat st;
    char id[PATH_MAX + 128];
    if (stat(path, &st) != 0 ||
        !pipeline__fmt(id, sizeof id, "%s %lld %lld.%09ld %llu", path,
                       (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                       st.st_mtim.tv_nsec, (unsigned long long)st.st_ino))
        return false;
    pipeline__sha256_add(h, id, strlen(id) + 1);
    return true;
}

tg_error *pipeline__prelink(pipeline__ctx *c)
{
    c->host[PIPELINE__B_PRELINK][0] = '\0';
    if (!c->cache[0])
        return NULL;
    static const int parts[] = {PIPELINE__B_PROBE_O, PIPELINE__B_LIBPROBE,
                                PIPELINE__B_LIBWORLD, PIPELINE__B_LIBTG};
    pipeline__sha256 h;
    pipeline__sha256_init(&h);
    pipeline__sha256_add(&h, "tglab-prelink-1", 16);
    for (size_t i = 0; i < 4; i++)
        if (!add_identity(&h, c->host[parts[i]]))
            return NULL;
    char ld[PATH_MAX];
    if (realpath("/usr/bin/ld", ld))
        add_identity(&h, ld);
    char key[65], dir[PATH_MAX], out[PATH_MAX], tmp[PATH_MAX + 64];
    pipeline__sha256_hex(&h, key);
    if (!pipeline__fmt(dir, sizeof dir, "%s/prelink", c->cache) ||
        !pipeline__fmt(out, sizeof out, "%s/%s.o", dir, key))
        return NULL;
    struct stat st;
    if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
        memcpy(c->host[PIPELINE__B_PRELINK], out, strlen(out) + 1);
        pipeline__cache_touch(out); /* in use: the last to be trimmed */
        return NULL;
    }
    /* Build it under a name of our own, then rename: parallel checks may
     * race to make the same one. */
    if (make_dirs(dir, 0755) != 0 ||
        !pipeline__fmt(tmp, sizeof tmp, "%s/.%s.%ld.%llu.o", dir, key,
                       (long)getpid(), (unsigned long long)c->slot))
        return NULL;
    const char *const ldv[] = {"ld",
                               "-r",
                               "-o",
                               tmp,
                               "--whole-archive",
                               c->host[PIPELINE__B_PROBE_O],
                               c->host[PIPELINE__B_LIBPROBE],
                               c->host[PIPELINE__B_LIBWORLD],
                               c->host[PIPELINE__B_LIBTG],
                               "--no-whole-archive",
                               NULL};
    const char *const strip[] = {"objcopy", "--strip-debug", tmp, NULL};
    tg_process_result pr;
    tg_error *e = pipeline__trusted(ldv, PRELINK_TIMEOUT_MS, 64 << 10, &pr);
    bool ok = !e && pr.exit_status == 0 && !pr.term_signal && !pr.timed_out;
    if (!e)
        tg_process_result_free(&pr);
    if (ok) {
        e = pipeline__trusted(strip, PRELINK_TIMEOUT_MS, 64 << 10, &pr);
        ok = !e && pr.exit_status == 0 && !pr.term_signal && !pr.timed_out;
        if (!e)
            tg_process_result_free(&pr);
    }
    if (ok && rename(tmp, out) == 0) {
        memcpy(c->host[PIPELINE__B_PRELINK], out, strlen(out) + 1);
        pipeline__cache_trim(dir, PIPELINE__CACHE_PRELINKS);
    } else {
        unlink(tmp);
    }
    /* Only a cancellation matters: without the combination, the link
     * simply uses the four parts. */
    if (e && tg_error_is(e, &TG_CancelledError))
        return e;
    tg_error_unref(e);
    return NULL;
}

/* /usr is what the sandbox shows, so the compiler inside finds gold where
 * we look. */
bool pipeline__have_gold(void)
{
    static int known = -1;
    if (known < 0)
        known = access("/usr/bin/ld.gold", X_OK) == 0;
    return known;
}

const char **pipeline__link_argv(const pipeline__ctx *c, bool dynamic)
{
    const char **v = calloc(24, sizeof *v);
    if (!v)
        return NULL;
    size_t n = 0;
    if (dynamic) {
        /* No start files, no libraries: nothing that runs at load time,
         * and nothing to read but the object (pipeline_dynprobe.c). */
        v[n++] = "ld";
        v[n++] = "-shared";
        v[n++] = "-z";
        v[n++] = "noexecstack";
        v[n++] = "-soname";
        v[n++] = PIPELINE__LEARNER_SO;
        v[n++] = "-o";
        v[n++] = PIPELINE__LIB_DIR "/" PIPELINE__LEARNER_SO;
        v[n++] = c->objname;
        v[n] = NULL;
        return v;
    }
    v[n++] = c->opts->cc ? c->opts->cc : "cc";
    if (pipeline__have_gold())
        v[n++] = "-fuse-ld=gold";
    if (c->opts->sanitizers)
        v[n++] = "-fsanitize=address,undefined";
    v[n++] = "-o";
    v[n++] = "probe";
    v[n++] = c->objname;
    if (c->host[PIPELINE__B_PRELINK][0]) {
        v[n++] = c->inside[PIPELINE__B_PRELINK];
    } else {
        v[n++] = c->inside[PIPELINE__B_PROBE_O];
        v[n++] = c->inside[PIPELINE__B_LIBPROBE];
        v[n++] = c->inside[PIPELINE__B_LIBWORLD];
        v[n++] = c->inside[PIPELINE__B_LIBTG];
    }
    v[n++] = "-Wl,--as-needed";
    v[n++] = "-luv";
    v[n++] = "-ljansson";
    v[n++] = "-lm";
    v[n++] = "-lpthread";
    v[n] = NULL;
    return v;
}

/* Finds "`name'" (or 'name') after key in line; copies name into out. */
static bool quoted_after(const char *line, const char *key, char *out,
                         size_t outlen)
{
    const char *p = strstr(line, key);
    if (!p)
        return false;
    p += strlen(key);
    if (*p != '`' && *p != '\'')
        return false;
    p++;
    const char *e = strchr(p, '\'');
    if (!e || (size_t)(e - p) >= outlen)
        return false;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = '\0';
    return true;
}

void pipeline__link_report(pipeline__ctx *c, const char *text, size_t len)
{
    bool any = false;
    size_t count = 0;
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    memcpy(copy, text, len);
    copy[len] = '\0';
    for (char *line = copy, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char name[256], msg[512], explain[768];
        bool undefined =
            quoted_after(line, "undefined reference to ", name, sizeof name);
        bool multiple =
            !undefined &&
            quoted_after(line, "multiple definition of ", name, sizeof name);
        if (!undefined && !multiple)
            continue;
        if (++count > 20)
            continue;
        any = true;
        pipeline_msg *m;
        if (undefined) {
            bool wanted = false;
            for (size_t i = 0; i < c->ex->nfunctions; i++)
                if (strcmp(name, c->ex->functions[i]) == 0)
                    wanted = true;
            if (wanted) {
                snprintf(msg, sizeof msg, "your file must define %s(...)",
                         name);
                snprintf(explain, sizeof explain,
                         "The exercise calls %s, and your file does not "
                         "define it.",
                         name);
            } else {
                snprintf(msg, sizeof msg,
                         "your code calls `%s`, which nothing defines", name);
                snprintf(explain, sizeof explain,
                         "`%s` is declared somewhere, so the compiler "
                         "accepted the call, but no library and no code of "
                         "yours defines it. Is it misspelt, or a function "
                         "you declared and have not written yet?",
                         name);
            }
            m = pipeline__msg_add(c->res, PIPELINE_STAGE_LINK, PIPELINE_ERROR,
                                  wanted ? "link.missing-function"
                                         : "link.undefined",
                                  msg, explain);
        } else {
            snprintf(msg, sizeof msg, "`%s` is defined twice", name);
            m = pipeline__msg_add(
                c->res, PIPELINE_STAGE_LINK, PIPELINE_ERROR, "link.multiple",
                msg,
                "Your file and a library both define this name: rename "
                "yours and make it static.");
        }
        if (!m)
            continue;
        m->symbol = pipeline__clean_str(name, 256);
        /* "/work/send_all.c:12: undefined reference ..." */
        char *colon = strstr(line, ": ");
        if (colon) {
            *colon = '\0';
            char *num = strrchr(line, ':');
            if (num) {
                *num = '\0';
                const char *f = line;
                const char *base = strrchr(f, '/');
                base = base ? base + 1 : f;
                if (strcmp(base, c->srcname) == 0 && c->res->file) {
                    m->file = strdup(c->res->file);
                    m->line = (unsigned)strtoul(num + 1, NULL, 10);
                }
            }
        }
    }
    if (!any) {
        char *tail = pipeline__clean(text, len < 800 ? len : 800, 800, true);
        pipeline__msg_add(c->res, PIPELINE_STAGE_LINK, PIPELINE_ERROR,
                          "link.failed",
                          tail && *tail ? tail : "linking failed",
                          "The linker could not build the program that runs "
                          "your code; the message above says why.");
        free(tail);
    }
    free(copy);
}
