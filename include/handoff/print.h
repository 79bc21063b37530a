/**
 * @file print.h
 * @brief Printing lines of output, as print() does in the lesson.
 */
#ifndef HANDOFF_PRINT_H
#define HANDOFF_PRINT_H

#if defined(__GNUC__)
#define HF__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HF__PRINTF(a, b)
#endif

/** Print one line (printf format; the newline is added) of program output. Lines longer than
 * HF_CFG_PRINT_MAX - 1 are cut and end in "...". Loop only. */
void hf_print(const char *fmt, ...) HF__PRINTF(1, 2);

/** Print one diagnostic line (hog and drop reports) through the port's log. Loop only. */
void hf_log(const char *fmt, ...) HF__PRINTF(1, 2);

#endif
