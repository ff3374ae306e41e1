/*
 * pipeline_symbols.c -- the symbol check: what the learner's object may
 * define, decided from `readelf -W -S -s` run on it in the sandbox.
 *
 * The probe's driver must never run learner code: the learner's functions
 * run only in the forked children, when a scenario calls them.  Code can
 * run without being called in three ways, and each is refused here:
 *   - before main: constructors and destructors (.init_array, .fini_array,
 *     .preinit_array, .ctors, .dtors, code spliced into .init/.fini), and
 *     IFUNC resolvers, which the loader calls while relocating;
 *   - instead of someone else's code: any external definition other than
 *     the exercise's functions (main, exit, malloc, tg_error_new,
 *     _assert_int_equal, __asan_*...) would take over that name at link
 *     time.
 * Sections are checked against an allow-list of what a C compiler emits,
 * by name and by type, so a renamed INIT_ARRAY section is refused too.
 * The parser fails closed: a line it cannot read refuses the object.
 *
 * One readelf (-s and -S together) instead of nm -P plus readelf -S: the
 * symbol table has everything nm shows, GNU_IFUNC spelled out, and one
 * process fewer in the sandbox.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline_internal.h"

/* ---- the allow-lists -------------------------------------------------- */

/* Section names a C compiler emits (exact, or a prefix ending in '.' or
 * '_' followed by anything). */
static const char *const ok_exact[] = {"",
                                       ".text",
                                       ".data",
                                       ".bss",
                                       ".rodata",
                                       ".comment",
                                       ".note.GNU-stack",
                                       ".note.gnu.property",
                                       ".eh_frame",
                                       ".symtab",
                                       ".strtab",
                                       ".shstrtab",
                                       ".group",
                                       ".tdata",
                                       ".tbss",
                                       ".gcc_except_table",
                                       ".sdata",
                                       ".sbss",
                                       ".srodata",
                                       ".llvm_addrsig",
                                       ".ARM.attributes",
                                       ".ARM.exidx",
                                       ".ARM.extab",
                                       ".riscv.attributes",
                                       ".symtab_shndx",
                                       ".data.rel.ro",
                                       ".note.GNU-stack"};
static const char *const ok_prefix[] = {".text.",
                                        ".data.",
                                        ".bss.",
                                        ".rodata.",
                                        ".rela.",
                                        ".rel.",
                                        ".debug_",
                                        ".zdebug_",
                                        ".tdata.",
                                        ".tbss.",
                                        ".gcc_except_table.",
                                        ".sdata.",
                                        ".sbss.",
                                        ".srodata.",
                                        ".ARM.exidx.",
                                        ".ARM.extab."};
/* ...minus these, whose content runs at load time or before main. */
static const char *const run_prefix[] = {".init_array",
                                         ".fini_array",
                                         ".preinit_array",
                                         ".ctors",
                                         ".dtors",
                                         ".rela.init_array",
                                         ".rela.fini_array",
                                         ".rela.preinit_array",
                                         ".rela.ctors",
                                         ".rela.dtors",
                                         ".rel.init_array",
                                         ".rel.fini_array",
                                         ".rel.preinit_array",
                                         ".rel.ctors",
                                         ".rel.dtors"};
static const char *const run_exact[] = {".init",      ".fini",     ".rela.init",
                                        ".rela.fini", ".rel.init", ".rel.fini"};
/* Section types a C compiler emits. */
static const char *const ok_types[] = {
    "NULL",           "PROGBITS",
    "NOBITS",         "NOTE",
    "RELA",           "REL",
    "SYMTAB",         "STRTAB",
    "GROUP",          "SYMTAB SECTION INDICES",
    "X86_64_UNWIND",  "ARM_EXIDX",
    "ARM_ATTRIBUTES", "RISCV_ATTRIBUTES",
    "LLVM_ADDRSIG",   "AARCH64_ATTRIBUTES"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool name_in(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static bool prefix_in(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(s, list[i], strlen(list[i])) == 0)
            return true;
    return false;
}

/* Whose name is it?  For the message only: every external definition
 * outside the exercise's functions is refused anyway. */
typedef enum owner {
    OWNER_NONE,
    OWNER_LIBTG,
    OWNER_CMOCKA,
    OWNER_SANITIZER,
    OWNER_JANSSON,
    OWNER_LIBUV,
    OWNER_RUNTIME,
    OWNER_LIBC,
} owner;

static owner owner_of(const char *s)
{
    static const char *const cmocka[] = {
        "_assert_",        "_expect_",     "_will_return",
        "_check_expected", "_mock",        "_test_",
        "_cmocka",         "cmocka_",      "_run_test",
        "_fail",           "_skip",        "mock_assert",
        "print_message",   "print_error",  "_function_called",
        "global_expect",   "_test_malloc", "_test_free",
        "_test_calloc"};
    static const char *const san[] = {
        "__asan_", "__ubsan_",  "__lsan_",        "__sanitizer_", "__msan_",
        "__tsan_", "__hwasan_", "__interceptor_", "__sancov",     "__gcov_"};
    static const char *const runtime[] = {
        "_init",         "_fini",
        "_start",        "__libc_",
        "_IO_",          "__stack_chk_",
        "__cxa_",        "__gmon_start__",
        "_dl_",          "__tls_get_addr",
        "_edata",        "_end",
        "__bss_start",   "__dso_handle",
        "_DYNAMIC",      "_GLOBAL_OFFSET_TABLE_",
        "__data_start",  "data_start",
        "__TMC_END__",   "_ITM_",
        "__frame_dummy", "__do_global"};
    static const char *const libc[] = {"exit",
                                       "_exit",
                                       "_Exit",
                                       "abort",
                                       "atexit",
                                       "at_quick_exit",
                                       "quick_exit",
                                       "malloc",
                                       "calloc",
                                       "realloc",
                                       "free",
                                       "aligned_alloc",
                                       "posix_memalign",
                                       "memalign",
                                       "valloc",
                                       "reallocarray",
                                       "strdup",
                                       "strndup",
                                       "printf",
                                       "fprintf",
                                       "sprintf",
                                       "snprintf",
                                       "vprintf",
                                       "vfprintf",
                                       "vsnprintf",
                                       "dprintf",
                                       "puts",
                                       "fputs",
                                       "putchar",
                                       "fputc",
                                       "putc",
                                       "fwrite",
                                       "fflush",
                                       "write",
                                       "read",
                                       "open",
                                       "close",
                                       "fork",
                                       "vfork",
                                       "execve",
                                       "execv",
                                       "execvp",
                                       "system",
                                       "popen",
                                       "signal",
                                       "sigaction",
                                       "raise",
                                       "kill",
                                       "getpid",
                                       "strlen",
                                       "strcmp",
                                       "strncmp",
                                       "strcpy",
                                       "strncpy",
                                       "strcat",
                                       "strchr",
                                       "strstr",
                                       "memcpy",
                                       "memmove",
                                       "memset",
                                       "memcmp",
                                       "qsort",
                                       "bsearch",
                                       "rand",
                                       "srand",
                                       "time",
                                       "clock_gettime",
                                       "sleep",
                                       "usleep",
                                       "nanosleep",
                                       "setjmp",
                                       "longjmp",
                                       "errno",
                                       "stdout",
                                       "stderr",
                                       "stdin",
                                       "environ",
                                       "getenv",
                                       "setenv",
                                       "pthread_create",
                                       "mmap",
                                       "munmap",
                                       "mprotect",
                                       "syscall",
                                       "ptrace",
                                       "dlopen",
                                       "dlsym",
                                       "pipe",
                                       "dup",
                                       "dup2",
                                       "waitpid",
                                       "wait"};
    if (strncmp(s, "tg_", 3) == 0 || strncmp(s, "TG_", 3) == 0 ||
        strncmp(s, "tg__", 4) == 0)
        return OWNER_LIBTG;
    if (prefix_in(s, cmocka, N(cmocka)))
        return OWNER_CMOCKA;
    if (prefix_in(s, san, N(san)))
        return OWNER_SANITIZER;
    if (strncmp(s, "json_", 5) == 0 || strncmp(s, "jansson_", 8) == 0)
        return OWNER_JANSSON;
    if (strncmp(s, "uv_", 3) == 0 || strncmp(s, "uv__", 4) == 0)
        return OWNER_LIBUV;
    if (prefix_in(s, runtime, N(runtime)))
        return OWNER_RUNTIME;
    if (name_in(s, libc, N(libc)) || strncmp(s, "__", 2) == 0)
        return OWNER_LIBC;
    return OWNER_NONE;
}

/* ---- parsing readelf -------------------------------------------------- */

typedef struct sym {
    char type[16]; /* NOTYPE FUNC OBJECT TLS GNU_IFUNC COMMON SECTION FILE */
    char bind[16]; /* LOCAL GLOBAL WEAK UNIQUE */
    bool defined;  /* Ndx is not UND */
    bool common;   /* Ndx is COM */
    char name[256];
} sym;

static bool valid_symbol_name(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' &&
            *s != '$' && *s != '@')
            return false;
    return true;
}

/* The line *p starts (its length, without the newline, in *len), and
 * moves *p to the next one. */
static const char *next_line(const char **p, size_t *len)
{
    const char *line = *p, *nl = strchr(line, '\n');
    *len = nl ? (size_t)(nl - line) : strlen(line);
    *p = nl ? nl + 1 : line + *len;
    return line;
}

/* Tokenises a line into at most max fields; returns the count, or -1 when
 * a field does not fit. */
static int fields(const char *line, size_t n, char out[][256], int max)
{
    int k = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && line[i] == ' ')
            i++;
        if (i >= n)
            break;
        if (k == max)
            return -1;
        size_t s = i;
        while (i < n && line[i] != ' ')
            i++;
        if (i - s >= 256)
            return -1;
        memcpy(out[k], line + s, i - s);
        out[k][i - s] = '\0';
        k++;
    }
    return k;
}

typedef struct check {
    const char *const *functions;
    size_t nfunctions;
    bool *found;       /* per function: defined as a global function */
    bool *found_local; /* per function: defined static */
    bool ok;
    const char *objname;
    pipeline_result *r;
    bool reported_ctor;
} check;

static void refuse(check *k, const char *code, const char *symbol,
                   const char *text, const char *explain)
{
    k->ok = false;
    pipeline_msg *m = pipeline__msg_add(k->r, PIPELINE_STAGE_SYMBOLS,
                                        PIPELINE_ERROR, code, text, explain);
    if (m && symbol)
        m->symbol = pipeline__clean_str(symbol, 256);
}

/* "send_all" or "send_all and collect" for messages. */
static void function_list(const check *k, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < k->nfunctions && used < outlen; i++) {
        int n =
            snprintf(out + used, outlen - used, "%s%s",
                     i == 0 ? "" : (i + 1 == k->nfunctions ? " and " : ", "),
                     k->functions[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static void check_section(check *k, const char *name, const char *type)
{
    char text[1024];
    bool runs = name_in(name, run_exact, N(run_exact)) ||
                prefix_in(name, run_prefix, N(run_prefix)) ||
                strcmp(type, "INIT_ARRAY") == 0 ||
                strcmp(type, "FINI_ARRAY") == 0 ||
                strcmp(type, "PREINIT_ARRAY") == 0;
    if (runs) {
        if (k->reported_ctor)
            return;
        k->reported_ctor = true;
        snprintf(text, sizeof text,
                 "your file has code that would run by itself, before or "
                 "after main (section %s)",
                 name);
        refuse(k, "symbols.constructor", NULL, text,
               "A constructor or destructor -- __attribute__((constructor)), "
               "__attribute__((destructor)), or a .init_array/.init "
               "section -- runs without being called. The lab refuses it: "
               "your code may run only when the exercise calls your "
               "function. Remove it.");
        return;
    }
    bool name_ok = name_in(name, ok_exact, N(ok_exact)) ||
                   prefix_in(name, ok_prefix, N(ok_prefix));
    if (!name_ok || !name_in(type, ok_types, N(ok_types))) {
        snprintf(text, sizeof text,
                 "your object file has a section the lab does not accept: "
                 "%s (%s)",
                 name, type);
        refuse(k, "symbols.section", NULL, text,
               "Sections come from the compiler. Code or data placed with "
               "asm directives or __attribute__((section)) is refused: "
               "write plain C.");
    }
}

/* Names linked into the probe that learner code must not even call: the
 * world's fault plans and call log, the probe's recorder, jansson, and
 * libtg's internals.  Calling them could rewrite what the probe reports. */
static bool probe_only(const char *name)
{
    static const char *const prefixes[] = {
        "world_plan", "world_reset", "world_db_put", "world_call",
        "world_log_", "world__",     "probe_",       "json_",
        "jansson_",   "tg__",        "checker_",
    };
    if (prefix_in(name, prefixes, N(prefixes)))
        return true;
    return strstr(name, "in_flight") != NULL && !strncmp(name, "world_", 6);
}

static void check_symbol(check *k, const sym *s)
{
    char text[768], explain[768], fns[256];
    if (strcmp(s->type, "GNU_IFUNC") == 0 || strcmp(s->type, "IFUNC") == 0) {
        snprintf(text, sizeof text,
                 "`%s` is an indirect function (ifunc): its resolver would "
                 "run while the program loads",
                 s->name);
        refuse(k, "symbols.ifunc", s->name, text,
               "Define it as an ordinary function, without "
               "__attribute__((ifunc)).");
        return;
    }
    if (!s->defined && probe_only(s->name)) {
        snprintf(text, sizeof text,
                 "your file uses `%s`, which belongs to the grader's probe, "
                 "not to the exercise",
                 s->name);
        refuse(k, "symbols.probe-only", s->name, text,
               "Call only what world.h and tg.h offer a learner (the "
               "services, log_error, copy_str, libtg's tg_ functions).");
        return;
    }
    if (!s->defined || strcmp(s->type, "FILE") == 0 ||
        strcmp(s->type, "SECTION") == 0)
        return;
    bool local = strcmp(s->bind, "LOCAL") == 0;
    for (size_t i = 0; i < k->nfunctions; i++) {
        if (strcmp(s->name, k->functions[i]) != 0)
            continue;
        if (local) {
            if (strcmp(s->type, "FUNC") == 0)
                k->found_local[i] = true;
            return;
        }
        if (strcmp(s->type, "FUNC") == 0 && !s->common) {
            k->found[i] = true;
            return;
        }
        snprintf(text, sizeof text,
                 "`%s` must be a function; your file defines it as a "
                 "variable",
                 s->name);
        refuse(k, "symbols.not-a-function", s->name, text,
               "The exercise calls it, so it must be a function with the "
               "prototype from the exercise's header.");
        return;
    }
    if (local)
        return;
    function_list(k, fns, sizeof fns);
    if (!valid_symbol_name(s->name)) {
        refuse(k, "symbols.unreadable", NULL,
               "your object file defines a symbol with an unusual name",
               "Symbols come from C names. Names made with asm labels are "
               "refused: write plain C.");
        return;
    }
    if (strcmp(s->name, "main") == 0) {
        snprintf(text, sizeof text,
                 "your file defines `main`; the exercise only asks for %s",
                 fns);
        refuse(k, "symbols.main", s->name, text,
               "The lab brings its own main, which calls your function in "
               "each scenario. Remove yours (keep experiments in another "
               "file).");
        return;
    }
    const char *whose = NULL;
    const char *code = "symbols.foreign";
    switch (owner_of(s->name)) {
    case OWNER_LIBTG:
        whose = "libtg";
        break;
    case OWNER_CMOCKA:
        whose = "cmocka (the test framework)";
        break;
    case OWNER_SANITIZER:
        whose = "the sanitizers";
        break;
    case OWNER_JANSSON:
        whose = "jansson";
        break;
    case OWNER_LIBUV:
        whose = "libuv";
        break;
    case OWNER_RUNTIME:
        whose = "the C runtime";
        break;
    case OWNER_LIBC:
        whose = "the C library";
        break;
    case OWNER_NONE:
        break;
    }
    if (whose) {
        snprintf(text, sizeof text, "your file redefines `%s` from %s", s->name,
                 whose);
        snprintf(explain, sizeof explain,
                 "Replacing a library's function is not allowed: call it "
                 "instead. If `%s` is your own helper, give it another name "
                 "and make it static.",
                 s->name);
        refuse(k, code, s->name, text, explain);
        return;
    }
    bool var = strcmp(s->type, "OBJECT") == 0 || strcmp(s->type, "TLS") == 0 ||
               s->common;
    if (var) {
        snprintf(text, sizeof text,
                 "`%s` is a global variable visible outside your file",
                 s->name);
        snprintf(explain, sizeof explain,
                 "Only %s may be visible outside your file. Mark `%s` "
                 "static (or move it into the function that uses it).",
                 fns, s->name);
        refuse(k, "symbols.global-variable", s->name, text, explain);
        return;
    }
    snprintf(text, sizeof text,
             "your file makes `%s` visible outside it; the exercise only "
             "asks for %s",
             s->name, fns);
    snprintf(explain, sizeof explain,
             "Helper functions are welcome, but must be private to your "
             "file: write `static` before `%s`'s definition (and its "
             "declaration).",
             s->name);
    refuse(k, "symbols.extra", s->name, text, explain);
}

/* The declaration of name in a header's text, whitespace collapsed, in
 * out (empty when not found). */
static void find_prototype(const char *h, const char *name, char *out,
                           size_t outlen)
{
    out[0] = '\0';
    if (!h)
        return;
    size_t nl = strlen(name);
    for (const char *p = strstr(h, name); p; p = strstr(p + 1, name)) {
        bool before =
            p == h || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
        const char *q = p + nl;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!before || *q != '(')
            continue;
        const char *start = p;
        while (start > h && start[-1] != '\n' && start[-1] != ';' &&
               start[-1] != '}' && start[-1] != '/')
            start--;
        const char *end = strchr(q, ';');
        if (!end || end - start > 400)
            continue;
        size_t o = 0;
        bool space = false;
        for (const char *c = start; c <= end && o + 2 < outlen; c++) {
            if (isspace((unsigned char)*c)) {
                space = o > 0;
                continue;
            }
            if (space)
                out[o++] = ' ';
            space = false;
            out[o++] = *c;
        }
        out[o] = '\0';
        return;
    }
}

bool pipeline__symbols_check(const char *out, const char *const *functions,
                             size_t nfunctions, const char *objname,
                             const char *header_text,
                             const char *header_display, pipeline_result *r)
{
    bool found[64] = {0}, found_local[64] = {0};
    check k = {.functions = functions,
               .nfunctions = nfunctions < 64 ? nfunctions : 64,
               .found = found,
               .found_local = found_local,
               .ok = true,
               .objname = objname,
               .r = r};
    enum { NONE, SECTIONS, SYMBOLS } part = NONE;
    bool saw_sections = false, saw_symbols = false, unreadable = false;
    for (const char *p = out; *p;) {
        size_t n;
        const char *line = next_line(&p, &n);
        if (n >= 16 && strncmp(line, "Section Headers:", 16) == 0) {
            part = SECTIONS;
            saw_sections = true;
            continue;
        }
        if (n >= 13 && strncmp(line, "Symbol table ", 13) == 0) {
            part = SYMBOLS;
            saw_symbols = true;
            continue;
        }
        if (n == 0 || strncmp(line, "Key to Flags:", 13) == 0) {
            if (part == SECTIONS)
                part = NONE;
            continue;
        }
        if (part == SECTIONS) {
            /* "  [ 1] .text  PROGBITS  0000... "; the header row has "Nr". */
            const char *br = memchr(line, ']', n);
            if (!br || memchr(line, '[', n) == NULL) {
                unreadable = true;
                continue;
            }
            if (strstr(line, "[Nr]") == line + strspn(line, " "))
                continue;
            char f[12][256];
            size_t rest = n - (size_t)(br + 1 - line);
            int nf = fields(br + 1, rest, f, 12);
            /* [0] has an empty name: its first field is the type. */
            if (nf >= 1 && strcmp(f[0], "NULL") == 0)
                continue;
            if (nf < 7) {
                unreadable = true;
                continue;
            }
            check_section(&k, f[0], f[1]);
        } else if (part == SYMBOLS) {
            char f[9][256];
            int nf = fields(line, n, f, 9);
            if (nf >= 1 && strcmp(f[0], "Num:") == 0)
                continue;
            if (nf < 7 || nf > 8 || f[0][strlen(f[0]) - 1] != ':') {
                unreadable = true;
                continue;
            }
            sym s = {0};
            if (strlen(f[3]) >= sizeof s.type ||
                strlen(f[4]) >= sizeof s.bind) {
                unreadable = true;
                continue;
            }
            memcpy(s.type, f[3], strlen(f[3]) + 1);
            memcpy(s.bind, f[4], strlen(f[4]) + 1);
            s.defined = strcmp(f[6], "UND") != 0;
            s.common = strcmp(f[6], "COM") == 0;
            snprintf(s.name, sizeof s.name, "%s", nf == 8 ? f[7] : "");
            if (strcmp(f[5], "DEFAULT") != 0 && strcmp(f[5], "HIDDEN") != 0 &&
                strcmp(f[5], "PROTECTED") != 0 &&
                strcmp(f[5], "INTERNAL") != 0) {
                unreadable = true;
                continue;
            }
            check_symbol(&k, &s);
        }
    }
    if (unreadable || !saw_sections || !saw_symbols) {
        refuse(&k, "symbols.unreadable", NULL,
               "the lab could not read the symbol table of your object file",
               "This happens with unusual assembler directives or section "
               "and symbol names. Write plain C; if the file is plain C, "
               "please report it.");
        return false;
    }
    for (size_t i = 0; i < k.nfunctions; i++) {
        if (found[i])
            continue;
        char text[1024], explain[1024], proto[512];
        find_prototype(header_text, functions[i], proto, sizeof proto);
        if (found_local[i]) {
            snprintf(text, sizeof text,
                     "your `%s` is static, so the exercise cannot call it",
                     functions[i]);
            snprintf(explain, sizeof explain,
                     "Remove `static` from the definition of `%s`.",
                     functions[i]);
            refuse(&k, "symbols.static-function", functions[i], text, explain);
            continue;
        }
        snprintf(text, sizeof text, "your file must define %s(...)",
                 functions[i]);
        if (proto[0])
            snprintf(explain, sizeof explain,
                     "The exercise calls %s, declared in %s as:\n    %s\n"
                     "Is it misspelt, or still missing?",
                     functions[i],
                     header_display ? header_display : "its header", proto);
        else
            snprintf(explain, sizeof explain,
                     "The exercise calls %s. Is it misspelt, or still "
                     "missing?",
                     functions[i]);
        refuse(&k, "symbols.missing-function", functions[i], text, explain);
    }
    return k.ok;
}

char **pipeline__symbols_needed(const char *out, size_t *n, bool *unexported)
{
    *n = 0;
    *unexported = false;
    size_t cap = 16;
    char **names = malloc(cap * sizeof *names);
    bool symbols = false;
    for (const char *p = out; names && *p;) {
        size_t len;
        const char *line = next_line(&p, &len);
        if (len >= 13 && strncmp(line, "Symbol table ", 13) == 0) {
            symbols = true;
            continue;
        }
        if (len >= 16 && strncmp(line, "Section Headers:", 16) == 0)
            symbols = false;
        char f[9][256];
        int nf = symbols ? fields(line, len, f, 9) : -1;
        /* "N: VALUE SIZE TYPE BIND VIS NDX NAME" (not the "Num:" row) */
        if (nf != 8 || strcmp(f[0], "Num:") == 0 ||
            !isdigit((unsigned char)f[0][0]) || strcmp(f[4], "LOCAL") == 0)
            continue;
        if (strcmp(f[6], "UND") != 0) {
            /* A definition a shared library would not export. */
            if (strcmp(f[5], "DEFAULT") != 0)
                *unexported = true;
            continue;
        }
        if (strcmp(f[4], "GLOBAL") != 0)
            continue;
        if (*n == cap) {
            char **grown = realloc(names, 2 * cap * sizeof *grown);
            if (!grown)
                break;
            names = grown;
            cap *= 2;
        }
        if (!(names[*n] = strdup(f[7])))
            break;
        (*n)++;
    }
    if (!names)
        *n = 0;
    return names;
}
