/*
 * grade_submissions.c -- finding a class's submissions: one folder or one
 * `lab pack` archive per student, and in each the file of every exercise.
 *
 * Everything here treats the submissions as hostile.  Folders are walked
 * one component at a time with O_NOFOLLOW, so a symlink to another
 * student's file or to /etc/shadow is refused, not read.  Archives are
 * read with libarchive without ever extracting them: only the entries
 * that are exercise files are read, into memory and under a size cap, and
 * written under names we make ourselves in a private directory (0700).
 * An entry with an absolute path, a ".." component, or of any type but a
 * regular file is refused; so are archives past an entry or size budget
 * (a zip bomb ends there).  The pipeline then reads only these copies,
 * which is also what the gradebook's content hash is of.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "grade.h"
#include "pipeline_internal.h"

#define PACK_MANIFEST "tglab-pack.json"

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

static void warn(grade_submissions *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void warn(grade_submissions *s, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **nw = realloc(s->warnings, (s->nwarnings + 1) * sizeof *nw);
    if (!nw)
        return;
    s->warnings = nw;
    char *clean = pipeline__clean_str(buf, sizeof buf);
    if (clean)
        s->warnings[s->nwarnings++] = clean;
}

void grade_sha256_hex(const void *data, size_t len, char hex[65])
{
    pipeline__sha256 h;
    pipeline__sha256_init(&h);
    pipeline__sha256_add(&h, data, len);
    pipeline__sha256_hex(&h, hex);
}

/* FNV-1a: stable across machines and runs, which is all sharding needs. */
bool grade_in_shard(const char *name, unsigned k, unsigned n)
{
    if (n <= 1)
        return true;
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ull;
    }
    return h % n == (uint64_t)(k - 1);
}

/* ---- names --------------------------------------------------------------- */

/* A student's name must be printable text: it ends up in file names,
 * CSV cells and terminal lines. */
static bool name_ok(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > GRADE_MAX_NAME || name[0] == '.' || name[0] == '-')
        return false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
            return false;
    char *clean = pipeline__clean_str(name, GRADE_MAX_NAME * 4 + 8);
    bool same = clean && !strcmp(clean, name); /* valid UTF-8, no escapes */
    free(clean);
    return same;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && !strcmp(s + n - m, suffix);
}

/* ---- the private copies --------------------------------------------------- */

/* Writes data as TMP/<si>/<ei>/<exercise name>.c; sets f->path. */
static int store(grade_submissions *s, size_t si, size_t ei,
                 const manifest_exercise *ex, const char *data, size_t len,
                 grade_file *f)
{
    char dir[4200], path[4400];
    (void)pipeline__fmt(dir, sizeof dir, "%s/%zu", s->tmp, si);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -1;
    (void)pipeline__fmt(dir, sizeof dir, "%s/%zu/%zu", s->tmp, si, ei);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -1;
    (void)pipeline__fmt(path, sizeof path, "%s/%s.c", dir, ex->name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0600);
    if (fd < 0)
        return -1;
    bool written = write_all(fd, data, len);
    if (close(fd) != 0 || !written)
        return -1;
    f->path = strdup(path);
    f->bytes = len;
    grade_sha256_hex(data, len, f->hash);
    return f->path ? 0 : -1;
}

/* The candidate paths of ex in a student's folder or pack, best first. */
static int candidates(const manifest_exercise *ex, char out[3][600])
{
    snprintf(out[0], 600, "exercises/%s.c", ex->id);
    snprintf(out[1], 600, "%s.c", ex->id);
    snprintf(out[2], 600, "%s.c", ex->name);
    return 3;
}

/* ---- folders --------------------------------------------------------------- */

/* Opens rel under dirfd one component at a time, never following a
 * symlink.  Returns an fd, or -1 with errno (ELOOP: a symlink). */
static int open_beneath(int dirfd, const char *rel)
{
    char buf[600];
    (void)pipeline__fmt(buf, sizeof buf, "%s", rel);
    int cur = dup(dirfd);
    char *save = NULL;
    char *part = strtok_r(buf, "/", &save);
    while (part && cur >= 0) {
        char *next = strtok_r(NULL, "/", &save);
        int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
                    (next ? O_DIRECTORY : O_NONBLOCK);
        int fd = openat(cur, part, flags);
        int e = errno;
        close(cur);
        cur = fd;
        errno = e;
        part = next;
    }
    return cur;
}

/* Reads at most cap bytes of a regular file; *len past cap means "too
 * big" (the pipeline says so with the learner's words). */
static char *read_fd(int fd, size_t cap, size_t *len, const char **bad)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *bad = "is not a regular file";
        return NULL;
    }
    char *buf = malloc(cap + 2);
    if (!buf) {
        *bad = "could not be read (out of memory)";
        return NULL;
    }
    size_t n = 0;
    while (n < cap + 1) {
        ssize_t r = read(fd, buf + n, cap + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            *bad = "could not be read";
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void from_folder(grade_submissions *s, int top, const char *entry,
                        size_t si, const manifest *m)
{
    grade_student *st = &s->students[si];
    int dfd = openat(top, entry, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                     O_CLOEXEC);
    if (dfd < 0) {
        warn(s, "%s: cannot open the folder: %s", entry, strerror(errno));
        return;
    }
    for (size_t e = 0; e < m->nexercises; e++) {
        grade_file *f = &st->files[e];
        char cand[3][600];
        int nc = candidates(&m->exercises[e], cand);
        for (int c = 0; c < nc && !f->path && !f->note; c++) {
            int fd = open_beneath(dfd, cand[c]);
            if (fd < 0 && errno == ENOENT)
                continue;
            char where[900];
            (void)pipeline__fmt(where, sizeof where, "%s/%s", entry, cand[c]);
            f->source = strdup(where);
            if (fd < 0) {
                char note[1000];
                (void)pipeline__fmt(note, sizeof note, "%s %s: not graded", where,
                         errno == ELOOP || errno == ENOTDIR
                             ? "is (or goes through) a symbolic link"
                             : strerror(errno));
                f->note = strdup(note);
                warn(s, "%s", note);
                continue;
            }
            const char *bad = NULL;
            size_t len = 0;
            char *data = read_fd(fd, GRADE_MAX_FILE_BYTES, &len, &bad);
            close(fd);
            if (!data) {
                char note[1000];
                (void)pipeline__fmt(note, sizeof note, "%s %s: not graded", where, bad);
                f->note = strdup(note);
                warn(s, "%s", note);
                continue;
            }
            if (store(s, si, e, &m->exercises[e], data, len, f) != 0)
                warn(s, "%s: cannot copy it: %s", where, strerror(errno));
            free(data);
        }
    }
    close(dfd);
}

/* ---- packs ----------------------------------------------------------------- */

/* An archive path made relative and checked: NULL when it is absolute,
 * has a ".." component, or is empty.  Strips "./" parts. */
static char *normalize(const char *p)
{
    if (!p || p[0] == '/')
        return NULL;
    size_t len = strlen(p);
    char *out = malloc(len + 1), *o = out;
    if (!out)
        return NULL;
    const char *q = p;
    while (*q) {
        const char *slash = strchr(q, '/');
        size_t n = slash ? (size_t)(slash - q) : strlen(q);
        if (n == 2 && q[0] == '.' && q[1] == '.') {
            free(out);
            return NULL;
        }
        if (n && !(n == 1 && q[0] == '.')) {
            if (o != out)
                *o++ = '/';
            memcpy(o, q, n);
            o += n;
        }
        q += n;
        if (*q == '/')
            q++;
    }
    *o = '\0';
    if (o == out) {
        free(out);
        return NULL;
    }
    return out;
}

/* Which candidate rank (0 best) path is for ex, allowing one top folder;
 * -1 when it is none. */
static int rank_of(const char *path, const manifest_exercise *ex)
{
    char cand[3][600];
    int nc = candidates(ex, cand);
    const char *slash = strchr(path, '/');
    for (int c = 0; c < nc; c++) {
        if (!strcmp(path, cand[c]))
            return c;
        if (slash && !strcmp(slash + 1, cand[c]))
            return c + nc; /* under a top folder: after the direct ones */
    }
    return -1;
}

typedef struct pick {
    int rank;     /* -1: nothing yet */
    char *path;   /* inside the archive */
    char *data;
    size_t len;
} pick;

/* Checks the hashes tglab-pack.json claims against what was found. */
static void check_pack_manifest(grade_submissions *s, const char *entry,
                                const char *text, size_t len, pick *picks,
                                const manifest *m)
{
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    json_t *files = root ? json_object_get(root, "files") : NULL;
    if (!json_is_array(files)) {
        warn(s, "%s: %s is not a pack manifest; ignored", entry,
             PACK_MANIFEST);
        json_decref(root);
        return;
    }
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        const char *ex = json_string_value(json_object_get(f, "exercise"));
        const char *sha = json_string_value(json_object_get(f, "sha256"));
        for (size_t e = 0; ex && sha && e < m->nexercises; e++) {
            if (strcmp(ex, m->exercises[e].id) != 0 || !picks[e].data)
                continue;
            char hex[65];
            grade_sha256_hex(picks[e].data, picks[e].len, hex);
            if (strcmp(hex, sha) != 0)
                warn(s, "%s: %s differs from what its pack manifest says "
                        "(changed after `lab pack`); graded as it is",
                     entry, picks[e].path);
        }
    }
    json_decref(root);
}

static void from_pack(grade_submissions *s, int top, const char *entry,
                      size_t si, const manifest *m)
{
    grade_student *st = &s->students[si];
    int fd = openat(top, entry, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        warn(s, "%s: cannot open: %s", entry, strerror(errno));
        return;
    }
    struct archive *a = archive_read_new();
    pick *picks = calloc(m->nexercises, sizeof *picks);
    char *man = NULL;
    size_t manlen = 0;
    if (!a || !picks) {
        close(fd);
        archive_read_free(a);
        free(picks);
        return;
    }
    for (size_t e = 0; e < m->nexercises; e++)
        picks[e].rank = -1;
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_none(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    size_t entries = 0, refused = 0;
    uint64_t total = 0;
    bool broken = false;
    if (archive_read_open_fd(a, fd, 16384) != ARCHIVE_OK) {
        warn(s, "%s: not a readable tar.gz: %s", entry,
             archive_error_string(a));
        broken = true;
    }
    struct archive_entry *ae;
    while (!broken) {
        int r = archive_read_next_header(a, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            warn(s, "%s: damaged archive: %s", entry, archive_error_string(a));
            broken = true;
            break;
        }
        if (++entries > GRADE_MAX_PACK_ENTRIES) {
            warn(s, "%s: more than %d entries; the rest is ignored", entry,
                 GRADE_MAX_PACK_ENTRIES);
            break;
        }
        const char *raw = archive_entry_pathname(ae);
        char *path = normalize(raw);
        mode_t type = archive_entry_filetype(ae);
        if (type == AE_IFDIR) {
            free(path);
            continue;
        }
        if (!path || type != AE_IFREG || archive_entry_hardlink(ae) ||
            archive_entry_symlink(ae)) {
            refused++;
            free(path);
            continue;
        }
        int best_e = -1, best_r = -1;
        for (size_t e = 0; e < m->nexercises; e++) {
            int rk = rank_of(path, &m->exercises[e]);
            if (rk >= 0 && (picks[e].rank < 0 || rk < picks[e].rank)) {
                best_e = (int)e;
                best_r = rk;
            }
        }
        bool is_man = !strcmp(path, PACK_MANIFEST);
        if (best_e < 0 && !is_man) {
            free(path);
            continue;
        }
        int64_t size = archive_entry_size_is_set(ae) ? archive_entry_size(ae)
                                                     : -1;
        size_t cap = GRADE_MAX_FILE_BYTES + 1;
        if (size < 0 || total + (uint64_t)(size < (int64_t)cap ? size : (int64_t)cap) >
                            GRADE_MAX_PACK_BYTES) {
            warn(s, "%s: %s is too big to read; ignored", entry, path);
            free(path);
            continue;
        }
        size_t want = (size_t)size < cap ? (size_t)size : cap;
        char *data = malloc(want + 1);
        ssize_t got = data ? archive_read_data(a, data, want) : -1;
        if (got < 0) {
            warn(s, "%s: cannot read %s: %s", entry, path,
                 archive_error_string(a));
            free(data);
            free(path);
            broken = true;
            break;
        }
        data[got] = '\0';
        total += (uint64_t)got;
        if (is_man) {
            free(man);
            man = data;
            manlen = (size_t)got;
            free(path);
            continue;
        }
        pick *p = &picks[best_e];
        free(p->path);
        free(p->data);
        *p = (pick){best_r, path, data, (size_t)got};
    }
    if (refused)
        warn(s, "%s: %zu entries refused (links, special files, absolute "
                "paths or '..')",
             entry, refused);
    if (man)
        check_pack_manifest(s, entry, man, manlen, picks, m);
    for (size_t e = 0; e < m->nexercises; e++) {
        grade_file *f = &st->files[e];
        if (!picks[e].data)
            continue;
        char where[1200];
        (void)pipeline__fmt(where, sizeof where, "%s:%s", entry, picks[e].path);
        f->source = strdup(where);
        if (store(s, si, e, &m->exercises[e], picks[e].data, picks[e].len,
                  f) != 0)
            warn(s, "%s: cannot copy it: %s", where, strerror(errno));
        free(picks[e].path);
        free(picks[e].data);
    }
    free(picks);
    free(man);
    archive_read_free(a);
    close(fd);
}

/* ---- the class --------------------------------------------------------------- */

typedef struct found {
    char *entry; /* the directory entry */
    char *name;  /* the student */
    bool pack;
} found;

static int cmp_found(const void *a, const void *b)
{
    const found *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (int)x->pack - (int)y->pack; /* a folder before a pack */
}

void grade_submissions_free(grade_submissions *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nstudents; i++) {
        grade_student *st = &s->students[i];
        for (size_t e = 0; st->files && e < s->nexercises; e++) {
            grade_file *f = &st->files[e];
            if (f->path)
                unlink(f->path);
            free(f->path);
            free(f->source);
            free(f->note);
        }
        for (size_t e = 0; e < s->nexercises; e++) {
            char d[4200];
            (void)pipeline__fmt(d, sizeof d, "%s/%zu/%zu", s->tmp, i, e);
            rmdir(d);
        }
        char d[4200];
        (void)pipeline__fmt(d, sizeof d, "%s/%zu", s->tmp, i);
        rmdir(d);
        free(st->files);
        free(st->name);
    }
    if (s->tmp[0])
        rmdir(s->tmp);
    for (size_t i = 0; i < s->nwarnings; i++)
        free(s->warnings[i]);
    free(s->warnings);
    free(s->students);
    free(s);
}

int grade_submissions_find(const char *dir, const manifest *m,
                           unsigned shard_k, unsigned shard_n,
                           grade_submissions **out, char *why, size_t whylen)
{
    *out = NULL;
    if (whylen)
        why[0] = '\0';
    int top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (top < 0) {
        say(why, whylen, "cannot read the submissions folder %s: %s", dir,
            strerror(errno));
        return -1;
    }
    grade_submissions *s = calloc(1, sizeof *s);
    int dupfd = dup(top);
    DIR *d = s && dupfd >= 0 ? fdopendir(dupfd) : NULL;
    if (!d) {
        if (dupfd >= 0)
            close(dupfd);
        close(top);
        free(s);
        say(why, whylen, "cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    s->nexercises = m->nexercises;
    found *f = NULL;
    size_t nf = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        struct stat st;
        if (fstatat(top, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        bool pack = false;
        char name[GRADE_MAX_NAME * 4 + 16];
        snprintf(name, sizeof name, "%s", e->d_name);
        if (S_ISLNK(st.st_mode)) {
            warn(s, "%s is a symbolic link: not graded", e->d_name);
            continue;
        } else if (S_ISREG(st.st_mode) && (ends_with(name, ".tar.gz") ||
                                           ends_with(name, ".tgz"))) {
            name[strlen(name) - (ends_with(name, ".tgz") ? 4 : 7)] = '\0';
            pack = true;
        } else if (!S_ISDIR(st.st_mode)) {
            warn(s, "%s is neither a folder nor a .tar.gz: ignored",
                 e->d_name);
            continue;
        }
        if (!name_ok(name)) {
            warn(s, "%s: not a usable student name (control characters, "
                    "invalid UTF-8, or too long): not graded",
                 e->d_name);
            continue;
        }
        found *nf2 = realloc(f, (nf + 1) * sizeof *f);
        if (!nf2)
            break;
        f = nf2;
        f[nf].entry = strdup(e->d_name);
        f[nf].name = strdup(name);
        f[nf].pack = pack;
        if (!f[nf].entry || !f[nf].name) {
            free(f[nf].entry);
            free(f[nf].name);
            break;
        }
        nf++;
    }
    closedir(d);
    qsort(f, nf, sizeof *f, cmp_found);

    const char *tmpdir = getenv("TMPDIR");
    if (!tmpdir || tmpdir[0] != '/' || strlen(tmpdir) > 4000)
        tmpdir = "/tmp";
    (void)pipeline__fmt(s->tmp, sizeof s->tmp, "%s/lab-grade.XXXXXX", tmpdir);
    int rc = 0;
    if (!mkdtemp(s->tmp)) {
        say(why, whylen, "cannot create a private directory in %s: %s",
            tmpdir, strerror(errno));
        s->tmp[0] = '\0';
        rc = -1;
    }
    s->students = calloc(nf ? nf : 1, sizeof *s->students);
    if (!s->students)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < nf; i++) {
        if (i > 0 && !strcmp(f[i].name, f[i - 1].name)) {
            warn(s, "%s: %s has a folder too; the folder is graded",
                 f[i].entry, f[i].name);
            continue;
        }
        s->total++;
        if (!grade_in_shard(f[i].name, shard_k, shard_n))
            continue;
        size_t si = s->nstudents++;
        grade_student *st = &s->students[si];
        st->name = strdup(f[i].name);
        st->files = calloc(m->nexercises ? m->nexercises : 1,
                           sizeof *st->files);
        if (!st->name || !st->files) {
            rc = -1;
            break;
        }
        if (f[i].pack)
            from_pack(s, top, f[i].entry, si, m);
        else
            from_folder(s, top, f[i].entry, si, m);
    }
    for (size_t i = 0; i < nf; i++) {
        free(f[i].entry);
        free(f[i].name);
    }
    free(f);
    close(top);
    if (rc != 0) {
        if (!why[0])
            say(why, whylen, "out of memory");
        grade_submissions_free(s);
        return -1;
    }
    *out = s;
    return 0;
}
