/*
 * intro.h -- the words `lab next` says when it hands the learner something
 * new: the welcome on the very first run, and the introduction of an
 * exercise (what the lesson will teach, which file to edit, what to run).
 */
#ifndef LAB_INTRO_H
#define LAB_INTRO_H

#include "cli.h"

void intro_welcome(lab_ctx *ctx);
void intro_exercise(lab_ctx *ctx, const manifest_exercise *ex);
/* The lesson's section under "## <heading>" (up to the next "## "), or
 * NULL.  The caller frees it. */
char *intro_lesson_section(lab_ctx *ctx, const char *lesson_rel,
                           const char *heading);

#endif /* LAB_INTRO_H */
