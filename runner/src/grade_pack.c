/*
 * grade_pack.c -- `lab pack`: the learner's hand-in.  A gzip'd tar (pax)
 * holding each exercise file the learner has, at exercises/<id>.c, and
 * tglab-pack.json: the student's name, the lab's version, the time, and
 * each file's size and SHA-256, which `lab grade` checks.  The archive is
 * written to a temporary name and renamed, so a half-written pack never
 * stands where the learner expects one.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "files.h"
#include "grade.h"

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

static int add_entry(struct archive *a, const char *name, const void *data,
                     size_t len, time_t when)
{
    struct archive_entry *e = archive_entry_new();
    if (!e)
        return -1;
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_mtime(e, when, 0);
    int rc = archive_write_header(a, e) == ARCHIVE_OK &&
                     (len == 0 || archive_write_data(a, data, len) ==
                                      (la_ssize_t)len)
                 ? 0
                 : -1;
    archive_entry_free(e);
    return rc;
}

int grade_pack_write(const char *root, const manifest *m, const char *student,
                     const char *out_path, char *why, size_t whylen)
{
    char tmp[8192];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", out_path, (long)getpid());
    struct archive *a = archive_write_new();
    json_t *man = json_object(), *files = json_array();
    if (!a || !man || !files) {
        archive_write_free(a);
        json_decref(man);
        json_decref(files);
        say(why, whylen, "out of memory");
        return -1;
    }
    time_t now = time(NULL);
    char iso[32];
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    int count = 0, rc = 0;
    if (archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
        say(why, whylen, "cannot write %s: %s", tmp, archive_error_string(a));
        archive_write_free(a);
        json_decref(man);
        json_decref(files);
        return -1;
    }
    for (size_t i = 0; rc == 0 && i < m->nexercises; i++) {
        const manifest_exercise *ex = &m->exercises[i];
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", root, ex->file);
        size_t len = 0;
        char *text = files_read(path, GRADE_MAX_FILE_BYTES, &len);
        if (!text) {
            if (errno == EFBIG) {
                say(why, whylen, "%s is larger than %u bytes", ex->file,
                    GRADE_MAX_FILE_BYTES);
                rc = -1;
            }
            continue; /* an exercise not started: nothing to hand in */
        }
        char name[700], hex[65];
        snprintf(name, sizeof name, "exercises/%s.c", ex->id);
        grade_sha256_hex(text, len, hex);
        if (add_entry(a, name, text, len, now) != 0) {
            say(why, whylen, "cannot add %s: %s", name,
                archive_error_string(a));
            rc = -1;
        } else {
            json_array_append_new(
                files, json_pack("{s:s, s:s, s:s, s:I}", "exercise", ex->id,
                                 "path", name, "sha256", hex, "bytes",
                                 (json_int_t)len));
            count++;
        }
        free(text);
    }
    json_object_set_new(man, "format", json_integer(1));
    json_object_set_new(man, "student", json_string(student ? student : ""));
    json_object_set_new(man, "lab_version", json_string(LAB_VERSION));
    json_object_set_new(man, "created", json_string(iso));
    json_object_set_new(man, "files", files);
    char *text = json_dumps(man, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(man);
    if (rc == 0 && (!text || add_entry(a, "tglab-pack.json", text,
                                       strlen(text), now) != 0)) {
        say(why, whylen, "cannot add the pack manifest");
        rc = -1;
    }
    free(text);
    if (archive_write_close(a) != ARCHIVE_OK && rc == 0) {
        say(why, whylen, "cannot write %s: %s", tmp, archive_error_string(a));
        rc = -1;
    }
    archive_write_free(a);
    if (rc == 0 && rename(tmp, out_path) != 0) {
        say(why, whylen, "cannot rename %s to %s: %s", tmp, out_path,
            strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        unlink(tmp);
        return -1;
    }
    return count;
}
