/* attack: send_all
 * #include of another student's file, by absolute path and by a path
 * relative to where submissions usually sit, to hand in their work.
 * Stopped by: only a copy of this one file is visible to the compiler. */
#include "@OTHER_FILE@"
#include "../honest_a/send_all.c"
