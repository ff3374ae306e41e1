/*
 * pipeline_cache.c -- compiled learner objects, kept by content hash, so
 * that checking the same file again (lab next after lab check, lab watch
 * after a save that changed nothing, a class submitting the untouched
 * starter) skips the compiler.
 *
 * The key is SHA-256 over everything the object depends on: the source,
 * the compile command, the compiler's identity, and every header of the
 * three include directories.  System headers are not hashed (they change
 * with the compiler, whose identity is).  Entries are written under a
 * temporary name and renamed, so a reader never sees half an object and
 * parallel graders may share the directory.  Only successful compiles are
 * kept, with the compiler's warnings beside them, and only so many: the
 * least recently used go first (pipeline_cache_trim.c).  Any problem here
 * just means a compile: the cache is never a reason for a check to fail.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "pipeline_internal.h"
#include "sandbox_files.h"

#define MAX_OBJECT (64u << 20)
#define MAX_DIAG (1u << 20)

static void add_str(pipeline__sha256 *h, const char *s)
{
    pipeline__sha256_add(h, s, strlen(s) + 1);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Hashes the name and content of every *.h file directly in dir. */
static void add_headers(pipeline__sha256 *h, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char *names[512];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 512;) {
        size_t len = strlen(e->d_name);
        if (len > 2 && strcmp(e->d_name + len - 2, ".h") == 0)
            if ((names[n] = strdup(e->d_name)))
                n++;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    char buf[16384];
    for (size_t i = 0; i < n; i++) {
        add_str(h, names[i]);
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd >= 0) {
            for (ssize_t r; (r = read(fd, buf, sizeof buf)) > 0;)
                pipeline__sha256_add(h, buf, (size_t)r);
            close(fd);
        }
        free(names[i]);
    }
}

void pipeline__hash_compiler(pipeline__sha256 *h, const char *cc)
{
    char path[PATH_MAX], real[PATH_MAX];
    if (cc[0] == '/')
        snprintf(path, sizeof path, "%s", cc);
    else
        snprintf(path, sizeof path, "/usr/bin/%s", cc);
    struct stat st;
    if (!realpath(path, real) || stat(real, &st) != 0) {
        add_str(h, cc);
        return;
    }
    char id[PATH_MAX + 96];
    if (!pipeline__fmt(id, sizeof id, "%s %lld %lld.%09ld", real,
                       (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                       st.st_mtim.tv_nsec))
        id[0] = '\0';
    add_str(h, id);
}

void pipeline__cache_lookup(pipeline__ctx *c, const char *const *cc_argv)
{
    c->key[0] = '\0';
    c->cache_hit = false;
    if (!c->cache[0])
        return;
    pipeline__sha256 h;
    pipeline__sha256_init(&h);
    add_str(&h, "tglab-object-1");
    for (const char *const *a = cc_argv; *a; a++)
        add_str(&h, *a);
    pipeline__hash_compiler(&h, cc_argv[0]);
    static const int dirs[] = {PIPELINE__B_INC_TG, PIPELINE__B_INC_SUPPORT,
                               PIPELINE__B_INC_EX};
    for (size_t i = 0; i < 3; i++) {
        add_str(&h, c->host[dirs[i]]);
        if (c->host[dirs[i]][0])
            add_headers(&h, c->host[dirs[i]]);
    }
    char len[32];
    snprintf(len, sizeof len, "%zu", c->srclen);
    add_str(&h, len);
    pipeline__sha256_add(&h, c->src, c->srclen);
    pipeline__sha256_hex(&h, c->key);

    char obj[PATH_MAX + 80], diag[PATH_MAX + 80];
    snprintf(obj, sizeof obj, "%s/obj/%s.o", c->cache, c->key);
    snprintf(diag, sizeof diag, "%s/obj/%s.diag", c->cache, c->key);
    /* Read as the sandbox's files are: no symlink, no FIFO, capped. */
    char dir[PATH_MAX + 8], why[256];
    snprintf(dir, sizeof dir, "%s/obj", c->cache);
    size_t olen, dlen;
    char *d, *o;
    if (sandbox_read_file(dir, strrchr(diag, '/') + 1, MAX_DIAG, &d, &dlen,
                          why, sizeof why) != 0)
        return;
    if (sandbox_read_file(dir, strrchr(obj, '/') + 1, MAX_OBJECT, &o, &olen,
                          why, sizeof why) != 0 ||
        olen < 4 ||
        memcmp(o,
               "\x7f"
               "ELF",
               4) != 0) {
        free(o);
        free(d);
        return;
    }
    char dest[PATH_MAX + 300];
    snprintf(dest, sizeof dest, "%s/%s", c->box, c->objname);
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    bool written = fd >= 0 && write_all(fd, o, olen);
    if (fd >= 0 && close(fd) != 0)
        written = false;
    free(o);
    if (!written) {
        unlink(dest);
        free(d);
        return;
    }
    c->cache_hit = true;
    c->cache_diag = d;
    pipeline__cache_touch(diag);
    pipeline__cache_touch(obj);
}

void pipeline__cache_store(pipeline__ctx *c, const char *diag, size_t len)
{
    if (!c->cache[0] || !c->key[0] || c->cache_hit)
        return;
    char dir[PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/obj", c->cache);
    if (make_dirs(dir, 0755) != 0)
        return;
    char *obj;
    size_t olen;
    char why[256];
    if (sandbox_read_file(c->box, c->objname, MAX_OBJECT, &obj, &olen, why,
                          sizeof why) != 0)
        return;
    char path[PATH_MAX + 80];
    /* The object first: a reader needs both, and checks the diag first. */
    snprintf(path, sizeof path, "%s/%s.o", dir, c->key);
    if (write_file_atomic(path, obj, olen, false) == 0) {
        snprintf(path, sizeof path, "%s/%s.diag", dir, c->key);
        write_file_atomic(path, diag ? diag : "", diag ? len : 0, false);
    }
    free(obj);
    pipeline__cache_trim(dir, PIPELINE__CACHE_OBJECTS);
}
