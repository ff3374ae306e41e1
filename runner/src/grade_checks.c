/*
 * grade_checks.c -- the checks `lab grade` runs: the lab's own, or those
 * with an instructor's hidden checks added, and the hash of everything an
 * exercise's verdicts depend on (what the gradebook keys its runs by).
 *
 * Hidden checks are trusted code, compiled here with the host's compiler
 * into a private directory (0700), never in the sandbox and never where a
 * submission could see them.  The lab's checker and probe each define one
 * table (CHECKER_CHECKS, PROBE_SCENARIOS); an exercise with hidden checks
 * gets a merged checker and probe: the public and hidden sources are
 * compiled with their tables renamed, and a generated file defines the
 * real table, one small wrapper per entry that finds its function by name
 * in the hidden table first, then the public one.  The names come from
 * `checker --list` of the two halves.  The checker (with the expected
 * values) runs on the trusted side only; the merged probe object is what
 * the sandbox gets, as for the lab's own checks, and holds scenarios,
 * never expected values.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fsutil.h"
#include "grade.h"
#include "pipeline_internal.h"
#include "sandbox_run.h"

#define BUILD_WALL_MS 120000

static void say(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(why, whylen, "lab: error: ");
    if (n > 0 && (size_t)n < whylen)
        vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
    va_end(ap);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Adds a file's bytes (or a marker that it is absent) to h. */
static void hash_file(pipeline__sha256 *h, const char *path)
{
    pipeline__sha256_add(h, path, strlen(path) + 1);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        pipeline__sha256_add(h, "(absent)", 9);
        return;
    }
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        pipeline__sha256_add(h, buf, (size_t)n);
    close(fd);
}

static void hash_str(pipeline__sha256 *h, const char *s)
{
    if (!s)
        s = "(null)";
    pipeline__sha256_add(h, s, strlen(s) + 1);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds every regular file directly in dir whose name ends with suffix
 * (NULL: any), in name order. */
static void hash_dir(pipeline__sha256 *h, const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name), sl = suffix ? strlen(suffix) : 0;
        if (e->d_name[0] == '.' || len < sl ||
            (suffix && strcmp(e->d_name + len - sl, suffix) != 0))
            continue;
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn)
            break;
        names = nn;
        if ((names[n] = strdup(e->d_name)))
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char p[PATH_MAX * 2];
        (void)pipeline__fmt(p, sizeof p, "%s/%s", dir, names[i]);
        if (is_file(p))
            hash_file(h, p);
        free(names[i]);
    }
    free(names);
}

/* ---- running the trusted tools -------------------------------------------- */

/* Runs argv; 0 on exit 0, else -1 with its stderr's start in why. */
static int run_tool(const char *const *argv, char **out, char *why,
                    size_t whylen)
{
    sandbox_result r;
    char w[512];
    if (sandbox_run(argv, NULL, NULL, BUILD_WALL_MS, 4u << 20, &r, w,
                    sizeof w) != 0) {
        say(why, whylen, "cannot run %s: %s", argv[0], w);
        return -1;
    }
    if (r.exit_code != 0) {
        say(why, whylen, "%s failed (exit %d): %.600s", argv[0], r.exit_code,
            r.err_len ? r.err : r.out);
        sandbox_result_free(&r);
        return -1;
    }
    if (out) {
        *out = r.out;
        r.out = NULL;
    }
    sandbox_result_free(&r);
    return 0;
}

/* What a check list says: names and scenarios. */
typedef struct listed {
    char **name, **scenario;
    size_t n;
} listed;

static void listed_free(listed *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->name[i]);
        free(l->scenario[i]);
    }
    free(l->name);
    free(l->scenario);
    memset(l, 0, sizeof *l);
}

static bool ident_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 120)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static int listed_find(const listed *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->name[i], name))
            return (int)i;
    return -1;
}

static int listed_add(listed *l, const char *name, const char *scenario)
{
    char **nn = realloc(l->name, (l->n + 1) * sizeof *nn);
    if (!nn)
        return -1;
    l->name = nn;
    char **ns = realloc(l->scenario, (l->n + 1) * sizeof *ns);
    if (!ns)
        return -1;
    l->scenario = ns;
    l->name[l->n] = strdup(name);
    l->scenario[l->n] = strdup(scenario);
    if (!l->name[l->n] || !l->scenario[l->n]) {
        free(l->name[l->n]);
        free(l->scenario[l->n]);
        return -1;
    }
    l->n++;
    return 0;
}

/* Runs `checker --list` into l. */
static int list_checker(const char *checker, listed *l, char *why,
                        size_t whylen)
{
    const char *argv[] = {checker, "--list", NULL};
    char *out = NULL;
    if (run_tool(argv, &out, why, whylen) != 0)
        return -1;
    json_t *root = json_loads(out, 0, NULL);
    free(out);
    json_t *arr = json_object_get(root, "checks");
    if (!json_is_array(arr)) {
        json_decref(root);
        say(why, whylen, "%s --list did not list checks", checker);
        return -1;
    }
    size_t i;
    json_t *c;
    int rc = 0;
    json_array_foreach(arr, i, c)
    {
        const char *n = json_string_value(json_object_get(c, "name"));
        const char *s = json_string_value(json_object_get(c, "scenario"));
        if (!ident_ok(n) || !ident_ok(s)) {
            say(why, whylen, "%s lists a check or scenario whose name is "
                             "not [A-Za-z0-9_]+",
                checker);
            rc = -1;
            break;
        }
        if (listed_add(l, n, s) != 0) {
            say(why, whylen, "out of memory");
            rc = -1;
            break;
        }
    }
    json_decref(root);
    return rc;
}

/* ---- building an exercise's hidden checks ------------------------------ */

typedef struct build {
    const char *root, *hidden;
    char bdir[PATH_MAX]; /* private objects of this exercise */
    char topic[256], name[256];
    const manifest_exercise *ex;
} build;

/* cc -c src -o obj with the exercise's include path and an optional
 * -DMACRO=VALUE. */
static int compile(const build *b, const char *src, const char *obj,
                   const char *define, char *why, size_t whylen)
{
    char inc[6][PATH_MAX + 8];
    (void)pipeline__fmt(inc[0], sizeof inc[0], "-I%s/core/include", b->root);
    (void)pipeline__fmt(inc[1], sizeof inc[1], "-I%s/exercises/support", b->root);
    (void)pipeline__fmt(inc[2], sizeof inc[2], "-I%s/checks/lib", b->root);
    (void)pipeline__fmt(inc[3], sizeof inc[3], "-I%s/exercises/%s", b->root, b->topic);
    (void)pipeline__fmt(inc[4], sizeof inc[4], "-I%s/checks/%s", b->root, b->topic);
    (void)pipeline__fmt(inc[5], sizeof inc[5], "-I%s/%s", b->hidden, b->topic);
    const char *argv[20];
    size_t n = 0;
    argv[n++] = "cc";
    argv[n++] = "-std=c11";
    argv[n++] = "-D_GNU_SOURCE";
    argv[n++] = "-O2";
    argv[n++] = "-g";
    for (int i = 0; i < 6; i++)
        argv[n++] = inc[i];
    if (define)
        argv[n++] = define;
    argv[n++] = "-c";
    argv[n++] = src;
    argv[n++] = "-o";
    argv[n++] = obj;
    argv[n] = NULL;
    return run_tool(argv, NULL, why, whylen);
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wx");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f) == 0 ? 0 : -1;
}

/* Grows a string with printf. */
static int appendf(char **s, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int appendf(char **s, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *ns = n >= 0 ? realloc(*s, *len + (size_t)n + 1) : NULL;
    if (!ns)
        return -1;
    *s = ns;
    va_start(ap, fmt);
    vsnprintf(*s + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
    return 0;
}

/*
 * The merged checker: public checks (a hidden one of the same name in
 * its place) then the new hidden ones.  Fills merged with the result.
 */
static int build_checker(const build *b, const char *out_checker,
                         bool keep_public, listed *merged, listed *hid,
                         char *why, size_t whylen)
{
    char pub_src[PATH_MAX + 300], hid_src[PATH_MAX + 300];
    char pub_o[PATH_MAX + 300], hid_o[PATH_MAX + 300], list_exe[PATH_MAX + 300];
    char gen_c[PATH_MAX + 300], gen_o[PATH_MAX + 300], lib_o[PATH_MAX + 300];
    char pub_checker[PATH_MAX + 300];
    (void)pipeline__fmt(pub_src, sizeof pub_src, "%s/checks/%s.checks.c", b->root,
             b->ex->id);
    (void)pipeline__fmt(hid_src, sizeof hid_src, "%s/%s.checks.c", b->hidden, b->ex->id);
    (void)pipeline__fmt(pub_o, sizeof pub_o, "%s/public.checks.o", b->bdir);
    (void)pipeline__fmt(hid_o, sizeof hid_o, "%s/hidden.checks.o", b->bdir);
    (void)pipeline__fmt(list_exe, sizeof list_exe, "%s/hidden.list", b->bdir);
    (void)pipeline__fmt(gen_c, sizeof gen_c, "%s/merged.checks.c", b->bdir);
    (void)pipeline__fmt(gen_o, sizeof gen_o, "%s/merged.checks.o", b->bdir);
    (void)pipeline__fmt(lib_o, sizeof lib_o, "%s/build/checks/lib/checker.o", b->root);
    (void)pipeline__fmt(pub_checker, sizeof pub_checker, "%s/build/checks/%s.checker",
             b->root, b->ex->id);

    listed pub = {0};
    char *gen = NULL;
    size_t glen = 0;
    int rc = -1;
    /* The hidden half alone, to list its checks. */
    if (compile(b, hid_src, hid_o, NULL, why, whylen) != 0)
        goto out;
    const char *link_list[] = {"cc",          "-o", list_exe, hid_o, lib_o,
                               "-ljansson", "-lcmocka", NULL};
    if (run_tool(link_list, NULL, why, whylen) != 0 ||
        list_checker(list_exe, hid, why, whylen) != 0)
        goto out;
    if (keep_public && list_checker(pub_checker, &pub, why, whylen) != 0)
        goto out;
    unlink(hid_o);
    if (compile(b, hid_src, hid_o, "-DCHECKER_CHECKS=tglab__hidden_checks",
                why, whylen) != 0)
        goto out;
    if (keep_public &&
        compile(b, pub_src, pub_o, "-DCHECKER_CHECKS=tglab__public_checks",
                why, whylen) != 0)
        goto out;

    for (size_t i = 0; i < pub.n; i++) {
        int h = listed_find(hid, pub.name[i]);
        if (listed_add(merged, pub.name[i],
                       h >= 0 ? hid->scenario[h] : pub.scenario[i]) != 0)
            goto oom;
    }
    for (size_t i = 0; i < hid->n; i++)
        if (listed_find(merged, hid->name[i]) < 0 &&
            listed_add(merged, hid->name[i], hid->scenario[i]) != 0)
            goto oom;

    if (appendf(&gen, &glen,
                "/* Generated by lab grade: the merged check table. */\n"
                "#include <string.h>\n#include \"checker.h\"\n"
                "extern const checker_check tglab__hidden_checks[];\n"
                "%s"
                "static void run_in(const checker_check *t, const char *n,\n"
                "                   const checker_obs *o)\n{\n"
                "    for (; t && t->name; t++)\n"
                "        if (!strcmp(t->name, n)) {\n"
                "            t->run(o);\n            return;\n        }\n}\n",
                keep_public ? "extern const checker_check "
                              "tglab__public_checks[];\n"
                            : "") != 0)
        goto oom;
    for (size_t i = 0; i < merged->n; i++) {
        bool in_hidden = listed_find(hid, merged->name[i]) >= 0;
        if (appendf(&gen, &glen,
                    "static void c%zu(const checker_obs *o)\n"
                    "{\n    run_in(%s, \"%s\", o);\n}\n",
                    i,
                    in_hidden ? "tglab__hidden_checks"
                              : "tglab__public_checks",
                    merged->name[i]) != 0)
            goto oom;
    }
    if (appendf(&gen, &glen, "const checker_check CHECKER_CHECKS[] = {\n") !=
        0)
        goto oom;
    for (size_t i = 0; i < merged->n; i++)
        if (appendf(&gen, &glen, "    {\"%s\", \"%s\", c%zu},\n",
                    merged->name[i], merged->scenario[i], i) != 0)
            goto oom;
    if (appendf(&gen, &glen, "    {NULL, NULL, NULL},\n};\n") != 0)
        goto oom;
    if (write_text(gen_c, gen) != 0) {
        say(why, whylen, "cannot write %s: %s", gen_c, strerror(errno));
        goto out;
    }
    if (compile(b, gen_c, gen_o, NULL, why, whylen) != 0)
        goto out;
    const char *link[] = {"cc",       "-o",       out_checker, gen_o, hid_o,
                          lib_o,      keep_public ? pub_o : "-ljansson",
                          "-ljansson", "-lcmocka", NULL};
    rc = run_tool(link, NULL, why, whylen);
    goto out;
oom:
    say(why, whylen, "out of memory");
out:
    free(gen);
    listed_free(&pub);
    return rc;
}

/* The merged probe object: the scenarios the merged checks need, found by
 * name in the hidden table first. */
static int build_probe(const build *b, const char *out_obj,
                       const listed *merged, char *why, size_t whylen)
{
    char pub_src[PATH_MAX + 300], hid_src[PATH_MAX + 300];
    char pub_o[PATH_MAX + 300], hid_o[PATH_MAX + 300];
    char gen_c[PATH_MAX + 300], gen_o[PATH_MAX + 300];
    (void)pipeline__fmt(pub_src, sizeof pub_src, "%s/checks/%s.probe.c", b->root,
             b->ex->id);
    (void)pipeline__fmt(hid_src, sizeof hid_src, "%s/%s.probe.c", b->hidden, b->ex->id);
    (void)pipeline__fmt(pub_o, sizeof pub_o, "%s/public.probe.o", b->bdir);
    (void)pipeline__fmt(hid_o, sizeof hid_o, "%s/hidden.probe.o", b->bdir);
    (void)pipeline__fmt(gen_c, sizeof gen_c, "%s/merged.probe.c", b->bdir);
    (void)pipeline__fmt(gen_o, sizeof gen_o, "%s/merged.probe.o", b->bdir);
    if (compile(b, pub_src, pub_o, "-DPROBE_SCENARIOS=tglab__public_scenarios",
                why, whylen) != 0 ||
        compile(b, hid_src, hid_o, "-DPROBE_SCENARIOS=tglab__hidden_scenarios",
                why, whylen) != 0)
        return -1;
    char *gen = NULL;
    size_t glen = 0;
    int rc = -1;
    listed sc = {0};
    for (size_t i = 0; i < merged->n; i++)
        if (listed_find(&sc, merged->scenario[i]) < 0 &&
            listed_add(&sc, merged->scenario[i], "") != 0)
            goto oom;
    if (appendf(&gen, &glen,
                "/* Generated by lab grade: the merged scenario table. */\n"
                "#include <string.h>\n#include \"probe.h\"\n"
                "extern const probe_scenario tglab__hidden_scenarios[];\n"
                "extern const probe_scenario tglab__public_scenarios[];\n"
                "static void run_named(const char *n, probe_ctx *p)\n{\n"
                "    const probe_scenario *t[2] = {tglab__hidden_scenarios,\n"
                "                                  tglab__public_scenarios};\n"
                "    for (int i = 0; i < 2; i++)\n"
                "        for (const probe_scenario *s = t[i]; s->name; s++)\n"
                "            if (!strcmp(s->name, n)) {\n"
                "                s->run(p);\n                return;\n"
                "            }\n}\n") != 0)
        goto oom;
    for (size_t i = 0; i < sc.n; i++)
        if (appendf(&gen, &glen,
                    "static void s%zu(probe_ctx *p)\n"
                    "{\n    run_named(\"%s\", p);\n}\n",
                    i, sc.name[i]) != 0)
            goto oom;
    if (appendf(&gen, &glen, "const probe_scenario PROBE_SCENARIOS[] = {\n") !=
        0)
        goto oom;
    for (size_t i = 0; i < sc.n; i++)
        if (appendf(&gen, &glen, "    {\"%s\", s%zu},\n", sc.name[i], i) != 0)
            goto oom;
    if (appendf(&gen, &glen, "    {NULL, NULL},\n};\n") != 0)
        goto oom;
    if (write_text(gen_c, gen) != 0) {
        say(why, whylen, "cannot write %s: %s", gen_c, strerror(errno));
        goto out;
    }
    if (compile(b, gen_c, gen_o, NULL, why, whylen) != 0)
        goto out;
    /* One relocatable object, as the pipeline binds a single probe.o. */
    const char *link[] = {"cc", "-r", "-nostdlib", "-o", out_obj,
                          gen_o, pub_o, hid_o,     NULL};
    rc = run_tool(link, NULL, why, whylen);
    goto out;
oom:
    say(why, whylen, "out of memory");
out:
    free(gen);
    listed_free(&sc);
    return rc;
}

/* ---- the exercises ------------------------------------------------------- */

/* A string that lives as long as c. */
static const char *keep(grade_checks *c, const char *s)
{
    char **nn = realloc(c->names, (c->nnames + 1) * sizeof *nn);
    if (!nn)
        return NULL;
    c->names = nn;
    char *d = strdup(s);
    if (d)
        c->names[c->nnames++] = d;
    return d;
}

static int copy_manifest_checks(grade_exercise *g, const manifest_exercise *ex)
{
    g->checks = calloc(ex->nchecks ? ex->nchecks : 1, sizeof *g->checks);
    g->info = calloc(ex->nchecks ? ex->nchecks : 1, sizeof *g->info);
    if (!g->checks || !g->info)
        return -1;
    for (size_t i = 0; i < ex->nchecks; i++) {
        g->checks[i] = ex->checks[i]; /* names borrowed from the manifest */
        g->info[i] = (gradebook_check_info){ex->checks[i].name, true};
        g->max_points += ex->checks[i].points;
    }
    g->ex.checks = g->checks;
    g->ex.nchecks = ex->nchecks;
    g->ninfo = ex->nchecks;
    return 0;
}

/*
 * Points and visibility of the merged checks.  A check the hidden half
 * defines (new, or replacing a public one of the same name) takes them
 * from checks.json, hidden unless it says "visible": true; a public check
 * keeps the manifest's points and stays visible.
 */
static int apply_hidden(grade_checks *c, grade_exercise *g,
                        const manifest_exercise *ex, const listed *merged,
                        const listed *hid, json_t *cfg)
{
    json_t *list = json_object_get(cfg, "checks");
    free(g->checks);
    free(g->info);
    g->checks = calloc(merged->n ? merged->n : 1, sizeof *g->checks);
    g->info = calloc(merged->n ? merged->n : 1, sizeof *g->info);
    if (!g->checks || !g->info)
        return -1;
    g->max_points = 0;
    for (size_t i = 0; i < merged->n; i++) {
        const char *name = keep(c, merged->name[i]);
        if (!name)
            return -1;
        const manifest_check *pub = manifest_check_find(ex, name);
        bool from_hidden = listed_find(hid, name) >= 0;
        json_t *conf = NULL;
        size_t k;
        json_t *e;
        json_array_foreach(list, k, e)
        {
            const char *n = json_string_value(json_object_get(e, "name"));
            if (n && !strcmp(n, name))
                conf = e;
        }
        manifest_check mc = {
            .name = (char *)name,
            .points = pub ? pub->points : 1,
            .hint = pub && !from_hidden ? pub->hint : -1,
        };
        json_t *pts = json_object_get(conf, "points");
        if (json_is_integer(pts) && json_integer_value(pts) > 0 &&
            json_integer_value(pts) < 1000)
            mc.points = (int)json_integer_value(pts);
        bool visible = from_hidden
                           ? json_is_true(json_object_get(conf, "visible"))
                           : true;
        g->checks[i] = mc;
        g->info[i] = (gradebook_check_info){name, visible};
        g->max_points += mc.points;
    }
    g->ex.checks = g->checks;
    g->ex.nchecks = merged->n;
    g->ninfo = merged->n;
    g->hidden = true;
    return 0;
}

/* The part of the checks hash every exercise shares, and its own. */
static void hash_exercise(pipeline__sha256 *h, const char *root,
                          const char *build_dir, const manifest_exercise *ex,
                          const uint64_t *seeds, size_t nseeds)
{
    char p[PATH_MAX * 2];
    hash_str(h, "tglab checks hash 1");
    hash_str(h, LAB_VERSION);
    (void)pipeline__fmt(p, sizeof p, "%s/libtg.a", build_dir);
    hash_file(h, p);
    (void)pipeline__fmt(p, sizeof p, "%s/exercises/libworld.a", build_dir);
    hash_file(h, p);
    (void)pipeline__fmt(p, sizeof p, "%s/checks/libprobe.a", build_dir);
    hash_file(h, p);
    (void)pipeline__fmt(p, sizeof p, "%s/checks/%s.checker", build_dir, ex->id);
    hash_file(h, p);
    (void)pipeline__fmt(p, sizeof p, "%s/checks/%s.probe.o", build_dir, ex->id);
    hash_file(h, p);
    /* What the learner's file is compiled against. */
    (void)pipeline__fmt(p, sizeof p, "%s/core/include", root);
    hash_dir(h, p, ".h");
    (void)pipeline__fmt(p, sizeof p, "%s/exercises/support", root);
    hash_dir(h, p, ".h");
    (void)pipeline__fmt(p, sizeof p, "%s/exercises/%s.h", root, ex->id);
    hash_file(h, p);
    /* The manifest entry: functions, checks, points, hints. */
    hash_str(h, ex->id);
    hash_str(h, ex->title);
    for (size_t i = 0; i < ex->nfunctions; i++)
        hash_str(h, ex->functions[i]);
    for (size_t i = 0; i < ex->nhints; i++)
        hash_str(h, ex->hints[i]);
    for (size_t i = 0; i < ex->nchecks; i++) {
        char pts[64];
        snprintf(pts, sizeof pts, "%d/%d", ex->checks[i].points,
                 ex->checks[i].hint);
        hash_str(h, ex->checks[i].name);
        hash_str(h, pts);
    }
    for (size_t i = 0; i < nseeds; i++) {
        char s[32];
        snprintf(s, sizeof s, "seed %llu", (unsigned long long)seeds[i]);
        hash_str(h, s);
    }
}

/* Links dest to the lab's own artefact. */
static int link_public(const char *src, const char *dest, char *why,
                       size_t whylen)
{
    if (symlink(src, dest) != 0) {
        say(why, whylen, "cannot link %s: %s", dest, strerror(errno));
        return -1;
    }
    return 0;
}

static json_t *load_config(const char *hidden, char *why, size_t whylen,
                           bool *bad)
{
    char p[PATH_MAX * 2];
    (void)pipeline__fmt(p, sizeof p, "%s/checks.json", hidden);
    *bad = false;
    if (!is_file(p))
        return json_object();
    json_error_t err;
    json_t *cfg = json_load_file(p, JSON_REJECT_DUPLICATES, &err);
    if (!cfg || !json_is_object(cfg)) {
        say(why, whylen, "%s: %s (line %d)", p,
            cfg ? "not a JSON object" : err.text, err.line);
        json_decref(cfg);
        *bad = true;
        return NULL;
    }
    return cfg;
}

int grade_checks_prepare(const char *root, const manifest *m,
                         const char *hidden_dir, const uint64_t *seeds,
                         size_t nseeds, grade_checks **out, char *why,
                         size_t whylen)
{
    *out = NULL;
    char build_dir[PATH_MAX * 2], p[PATH_MAX * 2];
    (void)pipeline__fmt(build_dir, sizeof build_dir, "%s/build", root);
    for (size_t i = 0; i < m->nexercises; i++) {
        (void)pipeline__fmt(p, sizeof p, "%s/checks/%s.checker", build_dir,
                 m->exercises[i].id);
        if (!is_file(p)) {
            say(why, whylen, "the checks are not built (%s is missing); run "
                             "'make'",
                p);
            return -1;
        }
    }
    grade_checks *c = calloc(1, sizeof *c);
    if (!c || !(c->ex = calloc(m->nexercises ? m->nexercises : 1,
                               sizeof *c->ex))) {
        free(c);
        say(why, whylen, "out of memory");
        return -1;
    }
    c->nex = m->nexercises;
    json_t *cfg = NULL;
    char hidden[PATH_MAX];
    if (hidden_dir) {
        struct stat st;
        if (!realpath(hidden_dir, hidden) || stat(hidden, &st) != 0 ||
            !S_ISDIR(st.st_mode)) {
            say(why, whylen, "the hidden checks folder %s does not exist",
                hidden_dir);
            grade_checks_free(c);
            return -1;
        }
        bool bad;
        cfg = load_config(hidden, why, whylen, &bad);
        if (bad) {
            grade_checks_free(c);
            return -1;
        }
        const char *tmp = getenv("TMPDIR");
        if (!tmp || tmp[0] != '/' || strlen(tmp) > 4000)
            tmp = "/tmp";
        (void)pipeline__fmt(c->tmp, sizeof c->tmp, "%s/lab-grade-checks.XXXXXX", tmp);
        if (!mkdtemp(c->tmp)) {
            say(why, whylen, "cannot create a private directory in %s: %s",
                tmp, strerror(errno));
            c->tmp[0] = '\0';
            json_decref(cfg);
            grade_checks_free(c);
            return -1;
        }
        (void)pipeline__fmt(c->checks_dir, sizeof c->checks_dir, "%s/checks", c->tmp);
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < m->nexercises; i++) {
        const manifest_exercise *ex = &m->exercises[i];
        grade_exercise *g = &c->ex[i];
        g->ex = *ex;
        if (copy_manifest_checks(g, ex) != 0) {
            say(why, whylen, "out of memory");
            rc = -1;
            break;
        }
        pipeline__sha256 h;
        pipeline__sha256_init(&h);
        hash_exercise(&h, root, build_dir, ex, seeds, nseeds);
        if (!hidden_dir) {
            pipeline__sha256_hex(&h, g->hash);
            continue;
        }
        build b = {.root = root, .hidden = hidden, .ex = ex};
        snprintf(b.topic, sizeof b.topic, "%s", ex->topic);
        snprintf(b.name, sizeof b.name, "%s", ex->name);
        char dest_dir[PATH_MAX * 2], dest_checker[PATH_MAX * 2];
        char dest_probe[PATH_MAX * 2], hid_checks[PATH_MAX * 2];
        char hid_probe[PATH_MAX * 2], pub[PATH_MAX * 2];
        (void)pipeline__fmt(dest_dir, sizeof dest_dir, "%s/%s", c->checks_dir, ex->topic);
        (void)pipeline__fmt(dest_checker, sizeof dest_checker, "%s/%s.checker",
                 c->checks_dir, ex->id);
        (void)pipeline__fmt(dest_probe, sizeof dest_probe, "%s/%s.probe.o",
                 c->checks_dir, ex->id);
        (void)pipeline__fmt(hid_checks, sizeof hid_checks, "%s/%s.checks.c", hidden,
                 ex->id);
        (void)pipeline__fmt(hid_probe, sizeof hid_probe, "%s/%s.probe.c", hidden, ex->id);
        (void)pipeline__fmt(b.bdir, sizeof b.bdir, "%s/build/%s", c->tmp, ex->id);
        if (make_dirs(dest_dir, 0700) != 0 || make_dirs(b.bdir, 0700) != 0) {
            say(why, whylen, "cannot create %s: %s", b.bdir, strerror(errno));
            rc = -1;
            break;
        }
        json_t *ecfg = json_object_get(json_object_get(cfg, "exercises"),
                                       ex->id);
        bool has_checks = is_file(hid_checks), has_probe = is_file(hid_probe);
        if (!has_checks) {
            if (has_probe)
                fprintf(stderr,
                        "lab: warning: %s has scenarios but no checks "
                        "(%s.checks.c); ignored\n",
                        ex->id, ex->name);
            (void)pipeline__fmt(pub, sizeof pub, "%s/checks/%s.checker", build_dir,
                     ex->id);
            rc = link_public(pub, dest_checker, why, whylen);
            (void)pipeline__fmt(pub, sizeof pub, "%s/checks/%s.probe.o", build_dir,
                     ex->id);
            if (rc == 0)
                rc = link_public(pub, dest_probe, why, whylen);
            pipeline__sha256_hex(&h, g->hash);
            continue;
        }
        bool keep_public = !json_is_false(json_object_get(ecfg, "public"));
        listed merged = {0}, hid = {0};
        rc = build_checker(&b, dest_checker, keep_public, &merged, &hid, why,
                           whylen);
        if (rc == 0 && has_probe)
            rc = build_probe(&b, dest_probe, &merged, why, whylen);
        else if (rc == 0) {
            (void)pipeline__fmt(pub, sizeof pub, "%s/checks/%s.probe.o", build_dir,
                     ex->id);
            rc = link_public(pub, dest_probe, why, whylen);
        }
        if (rc == 0 && apply_hidden(c, g, ex, &merged, &hid, ecfg) != 0) {
            say(why, whylen, "out of memory");
            rc = -1;
        }
        listed_free(&merged);
        listed_free(&hid);
        /* The hidden sources, their headers, and their settings. */
        hash_str(&h, "hidden");
        hash_file(&h, hid_checks);
        hash_file(&h, hid_probe);
        (void)pipeline__fmt(p, sizeof p, "%s/%s", hidden, ex->topic);
        hash_dir(&h, p, ".h");
        hash_dir(&h, hidden, ".h");
        char *conf = ecfg ? json_dumps(ecfg, JSON_SORT_KEYS | JSON_COMPACT)
                          : NULL;
        hash_str(&h, conf ? conf : "");
        free(conf);
        for (size_t k = 0; k < g->ninfo; k++) {
            char line[256];
            snprintf(line, sizeof line, "%s %d %d", g->info[k].name,
                     g->checks[k].points, g->info[k].visible);
            hash_str(&h, line);
        }
        pipeline__sha256_hex(&h, g->hash);
    }
    json_decref(cfg);
    if (rc != 0) {
        grade_checks_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void grade_checks_free(grade_checks *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nex; i++) {
        free(c->ex[i].checks);
        free(c->ex[i].info);
    }
    free(c->ex);
    if (c->tmp[0]) {
        /* Our own tree of objects and links: nothing untrusted in it. */
        const char *argv[] = {"rm", "-rf", "--", c->tmp, NULL};
        sandbox_result r;
        char w[256];
        if (sandbox_run(argv, NULL, NULL, 60000, 4096, &r, w, sizeof w) == 0)
            sandbox_result_free(&r);
    }
    for (size_t i = 0; i < c->nnames; i++)
        free(c->names[i]);
    free(c->names);
    free(c);
}
