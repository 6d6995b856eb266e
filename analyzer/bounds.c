#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "bounds.h"

#include <time.h>

/* CPU time of the calling thread: a file's budget is the work spent on it, whatever else runs
 * on the machine (other worker threads, a loaded CI runner). */
double bounds_now(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* AddressSanitizer makes the same work about three times slower: the CI's sanitizer build must
 * reach the same verdicts as the release build, so its clock runs slower. */
#if defined(__SANITIZE_ADDRESS__)
#define BOUNDS_SLOWDOWN 4
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BOUNDS_SLOWDOWN 4
#endif
#endif
#ifndef BOUNDS_SLOWDOWN
#define BOUNDS_SLOWDOWN 1
#endif

void bounds_init(Budget *b, long max_steps, double seconds) {
    seconds *= BOUNDS_SLOWDOWN;
    b->steps_left = max_steps;
    b->deadline = seconds > 0 ? bounds_now() + seconds : 0;
    b->hit = BOUND_NONE;
}

void bounds_hit(Budget *b, BoundKind kind) {
    if (b->hit == BOUND_NONE) b->hit = kind;
}

bool bounds_out_of_time(Budget *b) {
    if (b->hit == BOUND_NONE && b->deadline > 0 && bounds_now() > b->deadline) b->hit = BOUND_TIME;
    return b->hit == BOUND_TIME;
}

/* The clock is read every 4096 steps: a step is well under a microsecond, so the time bound
 * is overshot by a few milliseconds at most, and reading the clock costs nothing measurable. */
bool bounds_spend(Budget *b) {
    if (b->hit != BOUND_NONE) return false;
    if (--b->steps_left < 0) {
        b->hit = BOUND_STEPS;
        return false;
    }
    if ((b->steps_left & 4095) == 0) bounds_out_of_time(b);
    return b->hit == BOUND_NONE;
}

const char *bounds_describe(BoundKind kind) {
    switch (kind) {
    case BOUND_NONE:
        return "within bounds";
    case BOUND_SIZE:
        return "larger than the 64 MiB limit for a source file";
    case BOUND_DEPTH:
        return "nested too deeply to analyse (over 1000 levels of syntax, or 400 "
               "levels of nested statements or expressions)";
    case BOUND_STEPS:
        return "its analysis exceeded the per-file budget of 2,000,000 interpretation steps "
               "(deeply nested loops and calls)";
    case BOUND_TIME:
        return "its analysis exceeded the per-file time budget of 20 seconds of CPU time";
    case BOUND_MEMORY:
        return "larger than 2.5 MiB of Python source: its parse could exceed the per-file memory "
               "budget of 1 GiB";
    }
    return "exceeded a bound";
}
