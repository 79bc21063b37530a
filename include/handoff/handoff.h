/**
 * @file handoff.h
 * @brief handoff: interrupts handed to a cooperative event loop, safely. Includes every module.
 */
#ifndef HANDOFF_H
#define HANDOFF_H

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

#endif
