/*
 * pipeline_build.c -- compile, symbol check and link in one sandboxed step.
 *
 * Each sandbox start (bubblewrap's namespaces and mounts, lab-jail's
 * filter) costs 10-15 ms, about a third of a compile, so the three build
 * steps share one: a fixed bash script, given the compile and link
 * command lines as arguments, runs the compiler (unless the object came
 * from the cache), then readelf on the object and the linker side by
 * side.  Nothing of the submission runs during a build -- the compiler
 * and linker only read it -- so linking before the symbol check has been
 * looked at is safe; the probe, which does run it, starts only once the
 * check has passed.  The compiler's stderr is the step's stderr;
 * everything else goes to files in the box that are read back with
 * sandbox_read_file, so that no text the learner controls (a compiler
 * message quotes their code) can pass for readelf's output.  The script
 * reports on stdout, which nothing else writes: "STEP RC START END" with
 * bash's $EPOCHREALTIME for the stage timings.
 *
 * The linker is usually the quick link's `ld -shared` (pipeline_dynprobe.c).
 * When that fails, or the object uses a name the probe program cannot
 * give it, the script runs once more without the compiler and with the
 * full link, which decides, and whose messages the learner reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline_internal.h"
#include "sandbox_files.h"

#define COMPILE_ERR_CAP (256u << 10)
#define SYMBOLS_CAP (16u << 20)
#define LINK_ERR_CAP (256u << 10)
#define HEADER_CAP (256u << 10)

/* $1 compile? $2 N, then N compile args, then: object, strip?, link argv */
static const char script[] =
    "set -u\n"
    "compile=$1; n=$2; shift 2\n"
    "cc_argv=(\"${@:1:n}\"); shift \"$n\"\n"
    "obj=$1; strip=$2; shift 2\n"
    "echo \"start 0 $EPOCHREALTIME $EPOCHREALTIME\"\n"
    "if [ \"$compile\" = 1 ]; then\n"
    "  t=$EPOCHREALTIME\n"
    "  \"${cc_argv[@]}\"\n"
    "  rc=$?\n"
    "  echo \"compile $rc $t $EPOCHREALTIME\"\n"
    "  [ \"$rc\" = 0 ] || exit 0\n"
    "fi\n"
    "exec 2>build.err\n"
    /* ASan's module constructor, the only one a sanitized build adds:
     * removed, so that the check below sees no constructor at all (ASan
     * initialises from the executable's preinit array). */
    "if [ \"$strip\" = 1 ]; then\n"
    "  objcopy --remove-section=.init_array.00099"
    " --remove-section=.rela.init_array.00099"
    " --remove-section=.fini_array.00099"
    " --remove-section=.rela.fini_array.00099 \"$obj\" \"$obj.s\" &&"
    " mv \"$obj.s\" \"$obj\"\n"
    "  echo \"strip $? 0 0\"\n"
    "fi\n"
    "t=$EPOCHREALTIME\n"
    "readelf -W -S -s \"$obj\" > symbols.txt 2> symbols.err &\n"
    "pid=$!\n"
    "\"$@\" 2> link.err\n"
    "lrc=$?\n"
    "echo \"link $lrc $t $EPOCHREALTIME\"\n"
    "wait \"$pid\"\n"
    "echo \"symbols $? $t $EPOCHREALTIME\"\n";

typedef struct step {
    bool seen;
    int rc;
    double start, end; /* seconds */
} step;

enum { S_START, S_COMPILE, S_STRIP, S_LINK, S_SYMBOLS, S_N };
static const char *const step_names[S_N] = {"start", "compile", "strip", "link",
                                            "symbols"};

static void parse_steps(const char *out, step *steps)
{
    for (const char *p = out; p && *p;) {
        char name[16];
        int rc;
        double a, b;
        if (sscanf(p, "%15s %d %lf %lf", name, &rc, &a, &b) == 4)
            for (int i = 0; i < S_N; i++)
                if (strcmp(name, step_names[i]) == 0 && !steps[i].seen)
                    steps[i] = (step){true, rc, a, b};
        p = strchr(p, '\n');
        if (p)
            p++;
    }
}

static uint64_t ms_of(const step *s)
{
    double d = (s->end - s->start) * 1000.0;
    return d > 0 ? (uint64_t)(d + 0.5) : 0;
}

/* Reads a file the build left in the box; NULL when it is not there. */
static char *box_file(pipeline__ctx *c, const char *name, size_t cap,
                      size_t *len)
{
    char *data = NULL;
    char why[256];
    if (sandbox_read_file(c->box, name, cap, &data, len, why, sizeof why) != 0)
        return NULL;
    return data;
}

static int fail_stage(pipeline__ctx *c, pipeline_stage stage)
{
    c->res->stage = stage;
    c->res->failed = true;
    return 1;
}

/* Runs the build script once in the sandbox: the compiler (cc, unless
 * compile is false), then readelf and the linker (ld) side by side.
 * Fills *pr, steps and *elapsed (ms); returns an internal error or a
 * cancellation. */
static tg_error *run_script(pipeline__ctx *c, const char *const *cc,
                           bool compile, const char *const *ld,
                           sandbox_spec *spec, tg_process_result *pr,
                           step *steps, uint64_t *elapsed)
{
    size_t ncc = 0, nld = 0;
    while (cc[ncc])
        ncc++;
    while (ld[nld])
        nld++;
    const char **cmd = calloc(ncc + nld + 12, sizeof *cmd);
    if (!cmd)
        return pipeline__fail("out of memory");
    char nbuf[24];
    snprintf(nbuf, sizeof nbuf, "%zu", ncc);
    size_t k = 0;
    cmd[k++] = "bash";
    cmd[k++] = "-c";
    cmd[k++] = script;
    cmd[k++] = "build";
    cmd[k++] = compile ? "1" : "0";
    cmd[k++] = nbuf;
    for (size_t i = 0; i < ncc; i++)
        cmd[k++] = cc[i];
    cmd[k++] = c->objname;
    cmd[k++] = c->opts->sanitizers && compile ? "1" : "0";
    for (size_t i = 0; i < nld; i++)
        cmd[k++] = ld[i];
    cmd[k] = NULL;

    pipeline__spec(c, spec, false);
    sandbox_bind binds[PIPELINE__NBINDS];
    size_t nb = 0;
    bool combined = c->host[PIPELINE__B_PRELINK][0] != '\0';
    for (int b = 0; c->caps.bwrap_ok && b < PIPELINE__NBINDS; b++) {
        bool part = b == PIPELINE__B_PROBE_O || b == PIPELINE__B_LIBPROBE ||
                    b == PIPELINE__B_LIBWORLD || b == PIPELINE__B_LIBTG;
        if (c->host[b][0] && b != PIPELINE__B_PROBE_EXE &&
            !(combined && part))
            binds[nb++] = (sandbox_bind){c->host[b], c->inside[b]};
    }
    spec->ro_binds = binds;
    spec->n_ro_binds = nb;
    static const char *const env[] = {"LC_ALL=C", NULL};
    spec->env = env;
    if (c->opts->sanitizers) {
        /* The compiler itself is not sanitized; only the budget grows. */
        spec->memory_bytes *= 2;
    }
    uint64_t t0 = pipeline__now_ms();
    tg_error *e = pipeline__sandboxed(c, spec, cmd, COMPILE_ERR_CAP, pr);
    free(cmd);
    spec->ro_binds = NULL; /* they were on this stack */
    spec->n_ro_binds = 0;
    if (e)
        return e;
    *elapsed = pipeline__now_ms() - t0;
    memset(steps, 0, S_N * sizeof *steps);
    parse_steps(pr->out, steps);
    return NULL;
}

/* Links the static way after all (the quick link failed, or the object
 * uses a name the probe program cannot give it): readelf and the full
 * link again, the object as it is.  Updates the link step; its messages
 * are then the linker's own.  Returns an internal error or cancellation. */
static tg_error *link_static(pipeline__ctx *c, const char *const *cc,
                             step *steps)
{
    c->dynamic = false;
    const char **ld = pipeline__link_argv(c, false);
    if (!ld)
        return pipeline__fail("out of memory");
    sandbox_spec spec;
    tg_process_result pr;
    step again[S_N];
    uint64_t elapsed;
    tg_error *e = run_script(c, cc, false, ld, &spec, &pr, again, &elapsed);
    free(ld);
    if (e)
        return e;
    steps[S_LINK] = again[S_LINK];
    c->res->stage_ms[PIPELINE_STAGE_LINK] += elapsed;
    tg_process_result_free(&pr);
    return NULL;
}

static int build_with(pipeline__ctx *c, const char *const *cc,
                      tg_error **err);

int pipeline__build(pipeline__ctx *c, tg_error **err)
{
    const char **cc = pipeline__compile_argv(c);
    if (!cc) {
        *err = pipeline__fail("out of memory");
        return -1;
    }
    int rc = build_with(c, cc, err);
    free(cc);
    return rc;
}

static int build_with(pipeline__ctx *c, const char *const *cc, tg_error **err)
{
    const char **ld = pipeline__link_argv(c, c->dynamic);
    if (!ld) {
        *err = pipeline__fail("out of memory");
        return -1;
    }
    pipeline__cache_lookup(c, cc);
    c->res->cached = c->cache_hit;

    sandbox_spec spec;
    tg_process_result pr;
    step steps[S_N];
    uint64_t elapsed = 0;
    *err = run_script(c, cc, !c->cache_hit, ld, &spec, &pr, steps, &elapsed);
    free(ld);
    if (*err)
        return -1;
    bool timed_out = sandbox_timed_out(pr.exit_status, pr.timed_out);
    if (!steps[S_START].seen && !timed_out) {
        /* The script never started: bubblewrap or the jail failed, which
         * no file of the learner's can cause. */
        c->sandbox_broken = true;
        char line[300];
        size_t n = strcspn(pr.err, "\n");
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, pr.err, n);
        line[n] = '\0';
        *err = pipeline__fail("the sandbox did not start (exit %d): %s",
                              pr.exit_status, line);
        tg_process_result_free(&pr);
        return -1;
    }
    /* Starting the sandbox counts as compiling: it is what a plain cc -c
     * does not pay. */
    uint64_t inside = 0;
    double last = steps[S_START].end;
    for (int i = 0; i < S_N; i++)
        if (steps[i].seen && steps[i].end > last)
            last = steps[i].end;
    if (steps[S_START].seen)
        inside = (uint64_t)((last - steps[S_START].start) * 1000.0);
    uint64_t overhead = elapsed > inside ? elapsed - inside : 0;
    c->res->stage_ms[PIPELINE_STAGE_COMPILE] =
        overhead + (steps[S_COMPILE].seen ? ms_of(&steps[S_COMPILE]) : 0);
    c->res->stage_ms[PIPELINE_STAGE_SYMBOLS] = ms_of(&steps[S_SYMBOLS]);
    c->res->stage_ms[PIPELINE_STAGE_LINK] = ms_of(&steps[S_LINK]);

    /* 1. Compile. */
    c->res->stage = PIPELINE_STAGE_COMPILE;
    const char *diag = c->cache_hit ? c->cache_diag : pr.err;
    size_t dlen = c->cache_hit ? strlen(c->cache_diag) : pr.err_len;
    bool compiled =
        c->cache_hit || (steps[S_COMPILE].seen && steps[S_COMPILE].rc == 0);
    if (!compiled) {
        pipeline__compile_report(c, diag, dlen, true);
        if (timed_out) {
            char t[160];
            snprintf(t, sizeof t,
                     "compiling your file took longer than %llu seconds",
                     (unsigned long long)(spec.wall_ms / 1000));
            pipeline__msg_add(c->res, PIPELINE_STAGE_COMPILE, PIPELINE_ERROR,
                              "compile.timeout", t,
                              "Very long or deeply nested code, or an "
                              "#include of something that never ends, can "
                              "do this.");
        }
        tg_process_result_free(&pr);
        return fail_stage(c, PIPELINE_STAGE_COMPILE);
    }
    pipeline__compile_report(c, diag, dlen, false);
    if (!c->cache_hit)
        pipeline__cache_store(c, pr.err, pr.err_len);
    tg_process_result_free(&pr);

    /* 2. Symbols. */
    c->res->stage = PIPELINE_STAGE_SYMBOLS;
    size_t len = 0;
    char *syms = steps[S_SYMBOLS].seen && steps[S_SYMBOLS].rc == 0
                     ? box_file(c, "symbols.txt", SYMBOLS_CAP, &len)
                     : NULL;
    if (!syms) {
        pipeline__msg_add(c->res, PIPELINE_STAGE_SYMBOLS, PIPELINE_ERROR,
                          "symbols.unreadable",
                          "the lab could not read the symbol table of your "
                          "object file",
                          timed_out ? "Reading it took too long."
                                    : "It may be too large: does your file "
                                      "define thousands of names?");
        return fail_stage(c, PIPELINE_STAGE_SYMBOLS);
    }
    /* The exercise's header (trusted) shows the prototype of a missing
     * function. */
    char *header = NULL;
    size_t hlen;
    if (c->header_name[0]) {
        char why[256];
        if (sandbox_read_file(c->host[PIPELINE__B_INC_EX], c->header_name,
                              HEADER_CAP, &header, &hlen, why, sizeof why) != 0)
            header = NULL;
    }
    bool ok = pipeline__symbols_check(
        syms, (const char *const *)c->ex->functions, c->ex->nfunctions,
        c->objname, header, c->header_rel[0] ? c->header_rel : NULL, c->res);
    free(header);
    /* The quick link holds only when the probe program can give the
     * library every name it uses. */
    bool resolves = ok && c->dynamic && pipeline__dynamic_resolves(c, syms);
    free(syms);
    /* Symbol problems are about the learner's file as a whole. */
    for (size_t i = 0; i < c->res->nmsgs; i++) {
        pipeline_msg *m = &c->res->msgs[i];
        if (m->stage == PIPELINE_STAGE_SYMBOLS && !m->file && c->res->file)
            m->file = strdup(c->res->file);
    }
    if (!ok)
        return fail_stage(c, PIPELINE_STAGE_SYMBOLS);

    /* 3. Link. */
    c->res->stage = PIPELINE_STAGE_LINK;
    bool linked = steps[S_LINK].seen && steps[S_LINK].rc == 0;
    if (c->dynamic && (!linked || !resolves)) {
        *err = link_static(c, cc, steps);
        if (*err)
            return -1;
        linked = steps[S_LINK].seen && steps[S_LINK].rc == 0;
    }
    if (!linked) {
        char *lerr = box_file(c, "link.err", LINK_ERR_CAP, &len);
        if (lerr)
            pipeline__link_report(c, lerr, len);
        else
            pipeline__msg_add(
                c->res, PIPELINE_STAGE_LINK, PIPELINE_ERROR, "link.failed",
                timed_out ? "linking took too long" : "linking failed", NULL);
        free(lerr);
        return fail_stage(c, PIPELINE_STAGE_LINK);
    }
    return 0;
}
