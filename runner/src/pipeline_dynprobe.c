/*
 * pipeline_dynprobe.c -- the quick link: the learner's object becomes a
 * small shared library, lib/liblearner.so in the box, which a probe
 * program made once per exercise (and kept in the cache) loads.
 *
 * Linking an executable costs ~25 ms whatever it holds -- the compiler
 * driver, then the linker reading libc's and the other libraries' symbol
 * tables -- and a check waits for it.  `ld -shared` of the one object
 * reads nothing else and takes ~6 ms.  The probe program is the prelinked
 * object linked once against a stub liblearner.so (the exercise's
 * functions, empty), with its symbols exported for the library to use;
 * the probe's sandbox runs it with the box's lib/liblearner.so preloaded
 * by its full path (pipeline_probe.c), which stands in for the stub.
 *
 * What the static link guaranteed still holds.  Nothing of the learner's
 * runs at load time: the symbol check refuses constructors, .init code
 * and IFUNCs, and `ld -shared` adds none (no start files).  Nothing is
 * interposed: the object may define only the exercise's functions.  Every
 * name the object uses must exist: the program's exports and those of the
 * libraries it loads are listed beside it (KEY.syms), and an object using
 * anything else (a typo, a helper only libgcc.a has) or hiding an
 * exercise function (visibility) is linked the static way after all,
 * which gives the linker's own messages.  Which names the object may use
 * is the symbol check's business, as before.  With sanitizers, or
 * without a cache, the static link is used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline_internal.h"
#include "sandbox_files.h"

#define PROGRAM_TIMEOUT_MS 60000
#define SYMS_CAP (4u << 20)

static bool valid_c_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Runs a trusted tool; true when it exited 0.  Its stdout, when wanted,
 * goes to *out (the caller frees it).  A cancellation comes back in *e. */
static bool tool(const char *const *argv, char **out, size_t *outlen,
                 tg_error **e)
{
    tg_process_result pr;
    *e = pipeline__trusted(argv, PROGRAM_TIMEOUT_MS, SYMS_CAP, &pr);
    if (*e)
        return false;
    bool ok = pr.exit_status == 0 && !pr.term_signal && !pr.timed_out &&
              !pr.out_truncated;
    if (ok && out) {
        *out = pr.out;
        *outlen = pr.out_len;
        pr.out = NULL;
    }
    tg_process_result_free(&pr);
    return ok;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The defined dynamic symbols of the program and of the libraries ldd
 * finds for it, one name a line, sorted, into path. */
static bool write_syms(const char *program, const char *path, tg_error **e)
{
    char *libs = NULL, *names = NULL;
    size_t libslen = 0, nameslen = 0;
    const char *const ldd[] = {"ldd", program, NULL};
    if (!tool(ldd, &libs, &libslen, e))
        return false;
    /* nm -D --defined-only -P PROGRAM LIB...: "lib.so.6 => /path (0x..)" */
    const char *argv[64] = {"nm", "-D", "--defined-only", "-P", program};
    size_t k = 5;
    for (char *line = libs, *next; line && *line && k < 63; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        /* "\tlibc.so.6 => /path (0x..)", "\t/lib64/ld-linux...so.2 (0x..)" */
        char *arrow = strstr(line, "=> /");
        char *lib = arrow ? arrow + 3 : line + strspn(line, " \t");
        if (*lib != '/')
            continue;
        lib[strcspn(lib, " ")] = '\0';
        argv[k++] = lib;
    }
    argv[k] = NULL;
    bool ok = tool(argv, &names, &nameslen, e);
    free(libs); /* argv pointed into it: done with both */
    if (!ok)
        return false;
    /* "name[@[@]VERSION] TYPE VALUE SIZE", "file:" headers between. */
    size_t n = 0, cap = 4096;
    char **v = malloc(cap * sizeof *v);
    for (char *line = names, *next; v && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        size_t len = strcspn(line, " ");
        if (len == 0 || line[len] != ' ' || line[len - 1] == ':')
            continue;
        line[len] = '\0';
        line[strcspn(line, "@")] = '\0';
        if (n == cap) {
            char **grown = realloc(v, 2 * cap * sizeof *grown);
            if (!grown)
                break;
            v = grown;
            cap *= 2;
        }
        v[n++] = line;
    }
    FILE *f = v ? fopen(path, "wx") : NULL;
    ok = f != NULL && n > 0;
    if (ok) {
        qsort(v, n, sizeof *v, cmp_name);
        for (size_t i = 0; i < n; i++)
            if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
                fprintf(f, "%s\n", v[i]);
    }
    if (f && fclose(f) != 0)
        ok = false;
    free(v);
    free(names);
    return ok;
}

/* Makes the program and its symbol list under their final names; false
 * (and nothing left behind) on any failure. */
static bool make_program(pipeline__ctx *c, const char *dir, const char *key,
                         const char *program, const char *syms, tg_error **e)
{
    char src[PATH_MAX], stub[PATH_MAX], tmp[PATH_MAX], tmpsyms[PATH_MAX];
    long pid = (long)getpid();
    unsigned long long slot = c->slot;
    if (!pipeline__fmt(src, sizeof src, "%s/.%s.%ld.%llu.stub.c", dir, key,
                       pid, slot) ||
        !pipeline__fmt(stub, sizeof stub, "%s/.%s.%ld.%llu.stub.so", dir, key,
                       pid, slot) ||
        !pipeline__fmt(tmp, sizeof tmp, "%s/.%s.%ld.%llu.probe", dir, key, pid,
                       slot) ||
        !pipeline__fmt(tmpsyms, sizeof tmpsyms, "%s/.%s.%ld.%llu.syms", dir,
                       key, pid, slot))
        return false;
    /* The stub: the exercise's functions, so that the program links and
     * names liblearner.so as a library it needs. */
    FILE *f = fopen(src, "wx");
    if (!f)
        return false;
    for (size_t i = 0; i < c->ex->nfunctions; i++)
        fprintf(f, "void %s(void);\nvoid %s(void) {}\n", c->ex->functions[i],
                c->ex->functions[i]);
    bool ok = fclose(f) == 0;
    const char *cc = c->opts->cc ? c->opts->cc : "cc";
    const char *const stubv[] = {cc,
                                 "-shared",
                                 "-fPIC",
                                 "-nostdlib",
                                 "-Wl,-soname," PIPELINE__LEARNER_SO,
                                 "-o",
                                 stub,
                                 src,
                                 NULL};
    const char *const linkv[] = {cc,
                                 pipeline__have_gold() ? "-fuse-ld=gold"
                                                       : "-fuse-ld=bfd",
                                 "-o",
                                 tmp,
                                 c->host[PIPELINE__B_PRELINK],
                                 stub,
                                 "-Wl,--export-dynamic",
                                 /* All of them, needed or not: a
                                  * learner's library may call into any
                                  * (sqrt), as the full link allows. */
                                 "-Wl,--no-as-needed",
                                 "-luv",
                                 "-ljansson",
                                 "-lm",
                                 "-lpthread",
                                 NULL};
    ok = ok && tool(stubv, NULL, NULL, e) && tool(linkv, NULL, NULL, e) &&
         write_syms(tmp, tmpsyms, e) && rename(tmpsyms, syms) == 0 &&
         rename(tmp, program) == 0;
    unlink(src);
    unlink(stub);
    if (!ok) {
        unlink(tmp);
        unlink(tmpsyms);
    }
    return ok;
}

tg_error *pipeline__probe_program(pipeline__ctx *c)
{
    c->dynamic = false;
    c->host[PIPELINE__B_PROBE_EXE][0] = '\0';
    c->syms[0] = '\0';
    if (!c->cache[0] || c->opts->sanitizers || !c->host[PIPELINE__B_PRELINK][0])
        return NULL;
    pipeline__sha256 h;
    pipeline__sha256_init(&h);
    pipeline__sha256_add(&h, "tglab-probe-program-2", 22);
    const char *pre = c->host[PIPELINE__B_PRELINK];
    pipeline__sha256_add(&h, pre, strlen(pre) + 1); /* it names its key */
    for (size_t i = 0; i < c->ex->nfunctions; i++) {
        if (!valid_c_name(c->ex->functions[i]))
            return NULL;
        pipeline__sha256_add(&h, c->ex->functions[i],
                             strlen(c->ex->functions[i]) + 1);
    }
    pipeline__hash_compiler(&h, c->opts->cc ? c->opts->cc : "cc");
    pipeline__sha256_add(&h, pipeline__have_gold() ? "gold" : "bfd", 5);
    char key[65], dir[PATH_MAX], program[PATH_MAX], syms[PATH_MAX];
    pipeline__sha256_hex(&h, key);
    if (!pipeline__fmt(dir, sizeof dir, "%s/prelink", c->cache) ||
        !pipeline__fmt(program, sizeof program, "%s/%s.probe", dir, key) ||
        !pipeline__fmt(syms, sizeof syms, "%s/%s.syms", dir, key))
        return NULL;
    if (!is_file(program) || !is_file(syms)) {
        tg_error *e = NULL;
        bool made = make_program(c, dir, key, program, syms, &e);
        if (e && tg_error_is(e, &TG_CancelledError))
            return e;
        tg_error_unref(e);
        if (!made)
            return NULL; /* the static link, then */
        pipeline__cache_trim(dir, PIPELINE__CACHE_PRELINKS);
    } else {
        pipeline__cache_touch(program);
        pipeline__cache_touch(syms);
    }
    memcpy(c->host[PIPELINE__B_PROBE_EXE], program, strlen(program) + 1);
    memcpy(c->syms, syms, strlen(syms) + 1);
    c->dynamic = true;
    return NULL;
}

/* bsearch over the lines of a sorted list. */
static int cmp_key(const void *key, const void *elem)
{
    return strcmp(key, *(char *const *)elem);
}

bool pipeline__dynamic_resolves(const pipeline__ctx *c,
                                const char *readelf_out)
{
    size_t nneeded = 0, len = 0;
    bool unexported;
    char **needed =
        pipeline__symbols_needed(readelf_out, &nneeded, &unexported);
    char *text = NULL, why[256];
    const char *slash = strrchr(c->syms, '/');
    char dir[PATH_MAX];
    /* A hidden exercise function links into a program, not out of a
     * library: the full link, then. */
    bool ok = needed && !unexported && slash &&
              pipeline__fmt(dir, sizeof dir, "%.*s", (int)(slash - c->syms),
                            c->syms) &&
              sandbox_read_file(dir, slash + 1, SYMS_CAP, &text, &len, why,
                                sizeof why) == 0;
    size_t n = 0, cap = 8192;
    char **names = ok ? malloc(cap * sizeof *names) : NULL;
    ok = names != NULL;
    for (char *line = text, *next; ok && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (n == cap) {
            char **grown = realloc(names, 2 * cap * sizeof *grown);
            if (!grown) {
                ok = false;
                break;
            }
            names = grown;
            cap *= 2;
        }
        names[n++] = line;
    }
    /* Written sorted; a list that is not is not ours to trust. */
    for (size_t i = 1; ok && i < n; i++)
        ok = strcmp(names[i - 1], names[i]) < 0;
    /* The GOT is the linker's own, in every shared library. */
    for (size_t i = 0; ok && i < nneeded; i++)
        ok = strcmp(needed[i], "_GLOBAL_OFFSET_TABLE_") == 0 ||
             bsearch(needed[i], names, n, sizeof *names, cmp_key) != NULL;
    for (size_t i = 0; i < nneeded; i++)
        free(needed[i]);
    free(needed);
    free(names);
    free(text);
    return ok;
}
