/**
 * @file handoff.h
 * @brief handoff: interrupts handed to a cooperative event loop, safely. Includes every module.
 */
#ifndef HANDOFF_H
#define HANDOFF_H

#include "check.h"
#include "config.h"
#include "http.h"
#include "input.h"
#include "isr.h"
#include "loop.h"
#include "notify.h"
#include "output.h"
#include "port.h"
#include "print.h"
#include "ticks.h"

/* A program built with other layout options than the library does not link (config.h). */
extern const char HF__CFG_SYMBOL;
#if defined(__GNUC__)
__attribute__((used))
#endif
static const char *const hf__config_ref = &HF__CFG_SYMBOL;

#endif
