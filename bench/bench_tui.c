/*
 * bench_tui.c -- launch to first paint of the full-screen UI, against the
 * time it takes to start the lab at all (`lab --version`), both measured
 * in this run, in a pseudo-terminal of 80x24.  The budget is 100 ms.
 *
 * The UI is started as `lab` with no command (once the command layer
 * opens the home screen there) and as build/tests/ui/tui_driver home, on
 * a small fixture root made here.  "First paint" is when the footer of
 * the home screen has been written: the last row of the first frame.
 *
 *   bench_tui [BUILD_DIR]     (default: build)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 21
#define BUDGET_MS 100.0
#define MARKER "quit" /* the home footer's last label */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void write_file(const char *root, const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

static void make_root(const char *root)
{
    char manifest[8192];
    size_t n = (size_t)snprintf(manifest, sizeof manifest,
                                "{\"version\": 1, \"exercises\": [");
    for (int i = 0; i < 28; i++)
        n += (size_t)snprintf(
            manifest + n, sizeof manifest - n,
            "%s{\"id\": \"%02d-topic/ex%d\", \"lesson\": "
            "\"lessons/%02d-topic.md\", \"title\": \"Exercise number %d\", "
            "\"file\": \"exercises/%02d-topic/ex%d.c\", \"functions\": "
            "[\"f\"], \"hints\": [\"a\", \"b\"], \"checks\": [{\"name\": "
            "\"c\", \"points\": 1, \"hint\": 0}]}",
            i ? ", " : "", i / 2, i, i / 2, i, i / 2, i);
    snprintf(manifest + n, sizeof manifest - n, "]}\n");
    write_file(root, "exercises/manifest.json", manifest);
    for (int l = 0; l < 14; l++) {
        char rel[64], text[128];
        snprintf(rel, sizeof rel, "lessons/%02d-topic.md", l);
        snprintf(text, sizeof text, "# %02d \xc2\xb7 Topic %d\n\nText.\n", l,
                 l);
        write_file(root, rel, text);
    }
}

/*
 * Runs argv in an 80x24 pty.  With marker, returns the time until it
 * appears in the output, then sends 'q'; without, the time until the
 * program exits.  Returns -1 when it never shows the marker.
 */
static double run_once(char *const argv[], const char *root, const char *marker)
{
    struct winsize ws = {.ws_row = 24, .ws_col = 80};
    int master;
    double t0 = now_ms();
    pid_t pid = forkpty(&master, NULL, NULL, &ws);
    if (pid < 0) {
        perror("forkpty");
        exit(1);
    }
    if (pid == 0) {
        setenv("TGLAB_ROOT", root, 1);
        setenv("TERM", "xterm-256color", 1);
        setenv("LANG", "C.UTF-8", 1);
        unsetenv("LC_ALL");
        unsetenv("NO_COLOR");
        execv(argv[0], argv);
        _exit(127);
    }
    char buf[65536];
    size_t len = 0;
    double t = -1;
    for (;;) {
        struct pollfd pf = {master, POLLIN, 0};
        if (poll(&pf, 1, 3000) <= 0)
            break; /* hung: give up on this run */
        ssize_t r = read(master, buf + len, sizeof buf - 1 - len);
        if (r <= 0) {
            if (!marker)
                t = now_ms() - t0;
            break; /* EOF (EIO on Linux): the program is gone */
        }
        len += (size_t)r;
        buf[len] = '\0';
        if (marker && strstr(buf, marker)) {
            t = now_ms() - t0;
            ssize_t w = write(master, "q", 1);
            (void)w;
            /* let it restore the terminal and exit */
            while (poll(&pf, 1, 2000) > 0 && read(master, buf, 4096) > 0)
                ;
            break;
        }
        if (len > sizeof buf / 2) { /* keep the tail: the marker may span */
            memmove(buf, buf + len - 256, 256);
            len = 256;
        }
    }
    close(master);
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of RUNS runs, or -1 when any run failed. */
static double median(char *const argv[], const char *root, const char *marker)
{
    double v[RUNS];
    for (int i = 0; i < RUNS; i++) {
        v[i] = run_once(argv, root, marker);
        if (v[i] < 0)
            return -1;
    }
    qsort(v, RUNS, sizeof v[0], cmp_double);
    return v[RUNS / 2];
}

int main(int argc, char **argv)
{
    const char *build = argc > 1 ? argv[1] : "build";
    char lab[512], driver[512];
    snprintf(lab, sizeof lab, "%s/lab", build);
    snprintf(driver, sizeof driver, "%s/tests/ui/tui_driver", build);
    if (access(lab, X_OK) != 0) {
        printf("bench_tui: %s is missing (make lab): skipped\n", lab);
        return 0;
    }
    char root[] = "/tmp/tglab-bench-tui-XXXXXX";
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    make_root(root);

    char *base_argv[] = {lab, "--version", NULL};
    double base = median(base_argv, root, NULL);
    printf("baseline  lab --version            %7.2f ms (median of %d)\n", base,
           RUNS);

    int rc = 0;
    char *lab_argv[] = {lab, NULL};
    double t = run_once(lab_argv, root, MARKER) >= 0
                   ? median(lab_argv, root, MARKER)
                   : -1;
    if (t >= 0)
        printf("tui       lab (home, first paint)  %7.2f ms  ratio %.2f  "
               "%s (budget %.0f ms)\n",
               t, t / base, t <= BUDGET_MS ? "ok" : "OVER", BUDGET_MS);
    else
        printf("tui       lab does not open the home screen yet\n");
    if (access(driver, X_OK) == 0) {
        char *drv_argv[] = {driver, "home", NULL};
        double d = median(drv_argv, root, MARKER);
        if (d >= 0)
            printf("tui       tui_driver home          %7.2f ms  ratio %.2f  "
                   "%s (budget %.0f ms)\n",
                   d, d / base, d <= BUDGET_MS ? "ok" : "OVER", BUDGET_MS);
        else {
            printf("tui       tui_driver home never painted\n");
            rc = 1;
        }
    } else {
        printf("tui       %s is missing (make test-ui)\n", driver);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_tui: could not remove %s\n", root);
    return rc;
}
