/*
 * main.c -- entry point of the `lab` program: parses the global options and
 * dispatches to a subcommand from the command table.  Only main() exits;
 * commands return one of the LAB_EXIT_* codes.
 */
#include <stdio.h>
#include <string.h>

#include "tg.h"

#define LAB_VERSION "0.1.0"

enum {
    LAB_EXIT_OK = 0,       /* everything passed */
    LAB_EXIT_FAILED = 1,   /* checks failed */
    LAB_EXIT_USAGE = 2,    /* bad command line */
    LAB_EXIT_INTERNAL = 3, /* the lab itself could not do its job */
};

static void usage(FILE *out)
{
    fputs("usage: lab [--plain] [--json] <command> [<args>]\n"
          "\n"
          "tglab teaches error handling in structured concurrency, in C.\n"
          "\n"
          "Commands available in this build:\n"
          "  help [COMMAND]   show this help\n"
          "  version          print the version\n"
          "\n"
          "The learner commands (next, check, watch, hint, ...) are being\n"
          "built; see README.md for what works so far.\n"
          "\n"
          "Options:\n"
          "  --version        print the version and exit\n"
          "  -h, --help       print this help and exit\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return LAB_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("lab %s (libtg %s)\n", LAB_VERSION, TG_VERSION);
        return LAB_EXIT_OK;
    }
    fprintf(stderr, "lab: error: unknown command '%s'\nTry 'lab --help'\n",
            argv[1]);
    return LAB_EXIT_USAGE;
}
