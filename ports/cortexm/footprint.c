/* Sizes of the public objects, for tools/footprint: each symbol here is as large as the type it
 * names, so `arm-none-eabi-nm -S` on this object reads sizeof() for the target's ABI. Never
 * linked into a program. */
#include "handoff/handoff.h"

#define SIZE_OF(name, type) const unsigned char hf_sizeof_##name[sizeof(type)] = {0}

SIZE_OF(task, hf_task_t);
SIZE_OF(flag, hf_flag_t);
SIZE_OF(counter, hf_counter_t);
SIZE_OF(evq, hf_evq_t);
SIZE_OF(evq_slot, hf_edge_t);
SIZE_OF(button, hf_button_t);
SIZE_OF(input, hf_input_t);
SIZE_OF(pattern, hf_pattern_t);
SIZE_OF(output, hf_output_t);
