/* Misuse on the chip: a task started twice stops the program at the precondition in
 * hf_task_start(), reported over semihosting as "src/loop.c:LINE: precondition failed", with
 * exit status 3; tests/target/expect_require.cmake checks the line against the source. */
#include "th.h"

static hf_task_t t;

static int idle(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    HF_AWAIT_MS(1000);
    HF_TASK_END();
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_print("starting a running task");
    if (!hf_task_start(&t, idle, "t")) {
        hf_print("first start refused");
    }
    (void)hf_task_start(&t, idle, "t");
    hf_print("still running after the misuse");
    return 0;
}
