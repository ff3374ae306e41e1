/*
 * intro.c -- the welcome and the exercise introductions of `lab next`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "intro.h"

void intro_welcome(lab_ctx *ctx)
{
    manifest *m = lab_manifest(ctx);
    printf("%sWelcome to tglab.%s\n\n", lab_c(ctx, LAB_BOLD),
           lab_c(ctx, LAB_RESET));
    printf("You will learn to handle errors in concurrent C code: what happens\n"
           "when one task in a group fails, how to tell success from failure,\n"
           "which errors to catch and which to let through, and how to work\n"
           "with groups of errors.  There are %zu exercises.\n\n",
           m ? m->nexercises : (size_t)0);
    printf("How it works:\n"
           "  1. 'lab next' shows you an exercise: a short lesson and a C file\n"
           "     with TODO markers.\n"
           "  2. Edit the file in your editor.\n"
           "  3. Run 'lab next' again: it checks your file, tells you exactly\n"
           "     what passed and what did not, and moves on once all pass.\n"
           "\n"
           "Also useful: 'lab hint' (one more hint each time), 'lab watch'\n"
           "(re-check on every save), 'lab lesson' (the whole lesson), 'lab\n"
           "list' (your progress).  The tour of libtg is 'lab lesson 0'.\n\n");
}

char *intro_lesson_section(lab_ctx *ctx, const char *lesson_rel,
                           const char *heading)
{
    char *path = lab_path(ctx, lesson_rel);
    char *text = path ? files_read(path, 1 << 20, NULL) : NULL;
    free(path);
    if (!text)
        return NULL;
    char want[256];
    snprintf(want, sizeof want, "\n## %s", heading);
    char *start = strstr(text, want);
    if (!start) {
        free(text);
        return NULL;
    }
    start = strchr(start + 1, '\n');
    start = start ? start + 1 : text + strlen(text);
    char *end = strstr(start, "\n## ");
    size_t len = end ? (size_t)(end - start) : strlen(start);
    while (len && (start[len - 1] == '\n' || start[len - 1] == ' '))
        len--;
    while (*start == '\n' && len) {
        start++;
        len--;
    }
    char *out = strndup(start, len);
    free(text);
    return out;
}

void intro_exercise(lab_ctx *ctx, const manifest_exercise *ex)
{
    manifest *m = lab_manifest(ctx);
    printf("%sExercise %zu of %zu: %s%s\n", lab_c(ctx, LAB_BOLD),
           ex->index + 1, m ? m->nexercises : (size_t)0, ex->title,
           lab_c(ctx, LAB_RESET));
    printf("%s(%s, from %s)%s\n\n", lab_c(ctx, LAB_DIM), ex->id, ex->lesson,
           lab_c(ctx, LAB_RESET));
    char *goals = intro_lesson_section(ctx, ex->lesson,
                                       "What you will be able to do");
    if (goals) {
        printf("This lesson teaches you to:\n%s\n\n", goals);
        free(goals);
    }
    printf("Read the lesson:  lab lesson\n");
    printf("Edit this file:   %s%s%s\n", lab_c(ctx, LAB_CYAN), ex->file,
           lab_c(ctx, LAB_RESET));
    printf("Then run:         lab next    (or 'lab watch' to check on every "
           "save)\n");
    printf("Stuck?            lab hint\n");
}
