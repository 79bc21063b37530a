/* What the pico-sdk port's files share (not part of the public API). */
#ifndef HANDOFF_PORT_PICO_H
#define HANDOFF_PORT_PICO_H

#include <stdbool.h>

/* @return true if the CYW43 wireless chip started (cyw43_arch_init() succeeded); false on a
 * board without one, or if it failed: then there is no Wi-Fi, and the SDK's async context that
 * the driver and lwIP run in does not exist. Any time after hf_board_init(). */
bool hf_pico_cyw43_up(void);

#endif
