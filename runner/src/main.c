/*
 * main.c -- entry point of `lab`: finds the lab's root, reads the global
 * options, and dispatches to a command from the tables (git's way).  Only
 * main() exits; commands return LAB_EXIT_* codes.
 */
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_run.h"
#include "cli.h"
#include "ui/ui.h"
#include "tg.h"

static const lab_command *const tables[] = {
    lab_check_commands, lab_info_commands, lab_files_commands,
    lab_watch_commands, lab_dev_commands,  lab_grade_commands,
    NULL,
};

static const lab_command *find_command(const char *name)
{
    for (size_t t = 0; tables[t]; t++)
        for (const lab_command *c = tables[t]; c->name; c++)
            if (strcmp(c->name, name) == 0)
                return c;
    return NULL;
}

static void usage(FILE *out)
{
    fputs("usage: lab [--plain] [--json] <command> [<args>]\n"
          "\n"
          "tglab teaches error handling in structured concurrency, in C:\n"
          "read a lesson, fix an exercise, get a precise verdict.\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t t = 0; tables[t]; t++)
        for (const lab_command *c = tables[t]; c->name; c++) {
            char left[40];
            snprintf(left, sizeof left, "%s %s", c->name, c->args);
            fprintf(out, "  %-26s %s\n", left, c->summary);
        }
    fputs("  help [COMMAND]             show help for a command\n"
          "\n"
          "Options:\n"
          "  --plain      plain text: no colour, no full-screen view\n"
          "  --json       machine-readable output (see docs/grading.md)\n"
          "  --version    print the version\n"
          "  -h, --help   print this help\n"
          "\n"
          "Exit status: 0 ok, 1 checks failed, 2 usage error, 3 internal "
          "error.\n"
          "Start with: ./lab next\n",
          out);
}

static int help(const char *name)
{
    if (!name) {
        usage(stdout);
        return LAB_EXIT_OK;
    }
    const lab_command *c = find_command(name);
    if (!c)
        return lab_usage_error(NULL, "no command called '%s'", name);
    printf("usage: lab %s %s\n\n%s\n\n%s\n", c->name, c->args, c->summary,
           c->help);
    return LAB_EXIT_OK;
}

static bool is_root(const char *dir)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/exercises/manifest.json", dir);
    return access(path, R_OK) == 0;
}

/* $TGLAB_ROOT, else the nearest directory above the current one holding
 * exercises/manifest.json, else the one above build/lab. */
static char *find_root(void)
{
    const char *env = getenv("TGLAB_ROOT");
    if (env && *env)
        return realpath(env, NULL);
    char *dir = getcwd(NULL, 0);
    while (dir) {
        if (is_root(dir))
            return dir;
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            break;
        *slash = '\0';
    }
    free(dir);
    char *exe = realpath("/proc/self/exe", NULL);
    if (exe) {
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = '\0';
        }
        if (is_root(exe))
            return exe;
        free(exe);
    }
    return getcwd(NULL, 0);
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    lab_ctx ctx = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--plain"))
            ctx.plain = true;
        else if (!strcmp(a, "--json"))
            ctx.json = true;
        else if (!strcmp(a, "--version")) {
            printf("lab %s (libtg %s)\n", LAB_VERSION, TG_VERSION);
            return LAB_EXIT_OK;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            return help(NULL);
        else
            return lab_usage_error(NULL, "unknown option '%s'", a);
    }
    /* --plain and --json may also follow the command ('lab list --json',
     * as the commands' help says); the command never sees them. */
    int nargs = 0;
    for (int k = i + 1; k < argc; k++) {
        if (!strcmp(argv[k], "--plain"))
            ctx.plain = true;
        else if (!strcmp(argv[k], "--json"))
            ctx.json = true;
        else
            argv[i + 1 + nargs++] = argv[k];
    }
    if (i < argc) {
        argc = i + 1 + nargs;
        argv[argc] = NULL;
    }
    ctx.tty = isatty(STDOUT_FILENO);
    if (!ctx.tty || ctx.json)
        ctx.plain = true;
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    ctx.color = !ctx.plain && !(no_color && *no_color) &&
                !(term && !strcmp(term, "dumb"));
    const char *codeset = nl_langinfo(CODESET);
    ctx.utf8 = !ctx.plain && codeset && !strcmp(codeset, "UTF-8");

    if (i == argc) {
        /* No command: the home screen in a terminal, else where the
         * learner stands. */
        ctx.root = find_root();
        int rc;
        if (tui_available(&ctx)) {
            tui_hooks hooks;
            lab_tui_hooks(&ctx, &hooks);
            rc = tui_home(&ctx, &hooks);
        } else {
            rc = find_command("list")->fn(&ctx, 0, NULL);
            printf("\nNext step: ./lab next\n");
        }
        manifest_free(ctx.m);
        state_free(ctx.st);
        free(ctx.root);
        return rc;
    }
    const char *name = argv[i];
    if (!strcmp(name, "help"))
        return help(i + 1 < argc ? argv[i + 1] : NULL);
    if (!strcmp(name, "version")) {
        printf("lab %s (libtg %s)\n", LAB_VERSION, TG_VERSION);
        return LAB_EXIT_OK;
    }
    const lab_command *c = find_command(name);
    if (!c)
        return lab_usage_error(NULL, "unknown command '%s'", name);
    for (int k = i + 1; k < argc; k++)
        if (!strcmp(argv[k], "-h") || !strcmp(argv[k], "--help"))
            return help(name);
    ctx.root = find_root();
    if (!ctx.root) {
        lab_error(NULL, "cannot find the lab's root directory");
        return LAB_EXIT_INTERNAL;
    }
    int rc = c->fn(&ctx, argc - i - 1, argv + i + 1);
    manifest_free(ctx.m);
    state_free(ctx.st);
    free(ctx.root);
    return rc;
}
