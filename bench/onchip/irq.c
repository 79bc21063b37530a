/* On-chip interrupt-to-task cost, for bench/onchip.py: the loop sleeps in WFI with one task
 * awaiting a flag (or, with BENCH_EVQ, an edge queue) and BENCH_OTHERS tasks each awaiting a
 * flag of its own that is never set; a hardware timer interrupt posts once; the task resumes
 * and calls bench_resumed(). bench/onchip.py counts the instructions QEMU executes from the
 * first instruction of the interrupt handler to the first of bench_resumed(). */
#include "bench_onchip.h"
#include "handoff/qemu_board.h"

static hf_task_t waiter;
#if BENCH_EVQ
HF_EVQ_DEFINE(edges, 8);
#else
static hf_flag_t flag = HF_FLAG_INIT;
#endif

/* The post; the timer is periodic (1.5 ms), but the program ends long before it fires again. */
static void on_timer(void) {
#if BENCH_EVQ
    (void)hf_evq_push(&edges, hf_now_us(), 14, 1);
#else
    hf_flag_set(&flag);
#endif
}

static int waiter_fn(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    hf_qemu_test_timer(1500000u, on_timer); /* 1.5 ms: between two SysTick interrupts */
#if BENCH_EVQ
    HF_AWAIT_EVQ(&edges);
#else
    HF_AWAIT_FLAG(&flag);
#endif
    bench_resumed();
    hf_print("resumed");
    hf_cm_board_exit(0);
    HF_TASK_END();
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    return bench_run(&waiter, waiter_fn);
}
