/* The interrupt test: a hardware timer interrupt preempts the running loop and posts to a flag,
 * a counter, an edge queue, a pin (whose handler pushes to a second edge queue) and a deferred
 * call, while tasks consume them. Checked exactly:
 *   - accounting: posted = consumed + dropped for each object, the flag's last set observed;
 *   - FIFO: queue entries and deferred calls arrive in posting order, and the gaps in the
 *     sequence are exactly the drops the queue reports;
 *   - timestamps from the pin path never go backwards;
 *   - no lost wake-up: see the hunt below.
 * The flood phase posts FLOOD_POSTS times to each object, with the consumers stalling now and
 * then so that the queues overflow and the drop paths run too. */
#include "handoff/qemu_board.h"
#include "th.h"

#define FLOOD_POSTS 25000u /* per object; five objects */
#define STALL_EVERY 1500u  /* a consumer busy-waits after this many events... */
#define STALL_US    400u   /* ...for this long, while the interrupt keeps posting */

static hf_flag_t flag = HF_FLAG_INIT;
static hf_counter_t counter = HF_COUNTER_INIT;
HF_EVQ_DEFINE(seq_q, 16);
HF_EVQ_DEFINE(pin_q, 16);

#define PIN 14u

/* Written by the ISR only. */
static volatile uint32_t posts, target_posts, late;
static volatile uint32_t defer_failures;
static volatile bool done;
static volatile uint8_t pin_level = 1;

/* Written by the loop only. */
static uint32_t flag_takes, counted, seq_got, seq_gaps, seq_next, pin_got, pin_backwards, defer_ran,
    defer_gaps, defer_next;
static hf_ticks_us_t pin_last_t;

static void deferred(void *arg) {
    uint32_t s = (uint32_t)(uintptr_t)arg;
    if (s != defer_next) {
        defer_gaps += s - defer_next;
    }
    defer_next = s + 1u;
    defer_ran++;
}

static void tick_isr(void) {
    if (done) {
        return;
    }
    uint32_t n = posts;
    if (n == target_posts) {
        done = true;
        hf_flag_set(&flag); /* the consumers' cue to finish */
        return;
    }
    posts = n + 1u;
    hf_flag_set(&flag);
    hf_counter_add(&counter, 1);
    (void)hf_evq_push(&seq_q, n, 0, 0);
    pin_level ^= 1u;
    hf_cm_pin_drive(PIN, pin_level);
    if (!hf_defer(deferred, (void *)(uintptr_t)n)) {
        defer_failures++;
    }
}

static hf_task_t flag_task, counter_task, seq_task, pin_task;

static void maybe_stall(uint32_t events) {
    if (events % STALL_EVERY == 0u) {
        hf_port_delay_us(STALL_US);
    }
}

static int take_flag(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    while (!done) {
        HF_AWAIT_FLAG(&flag);
        flag_takes++;
    }
    HF_TASK_END();
}

static int take_counter(hf_task_t *self) {
    HF_TASK_BEGIN(self);
    while (!done || hf_counter_peek(&counter) != 0u) {
        HF_AWAIT_UNTIL(hf_counter_peek(&counter) != 0u || done);
        counted += hf_counter_take(&counter);
        maybe_stall(counted);
    }
    HF_TASK_END();
}

static int take_seq(hf_task_t *self) {
    hf_edge_t e;
    HF_TASK_BEGIN(self);
    while (!done || !hf_evq_empty(&seq_q)) {
        HF_AWAIT_UNTIL(!hf_evq_empty(&seq_q) || done);
        while (hf_evq_pop(&seq_q, &e)) {
            seq_gaps += e.t_us - seq_next; /* entries missing before this one */
            seq_next = e.t_us + 1u;
            seq_got++;
            maybe_stall(seq_got);
        }
    }
    HF_TASK_END();
}

static int take_pin(hf_task_t *self) {
    hf_edge_t e;
    HF_TASK_BEGIN(self);
    while (!done || !hf_evq_empty(&pin_q)) {
        HF_AWAIT_UNTIL(!hf_evq_empty(&pin_q) || done);
        while (hf_evq_pop(&pin_q, &e)) {
            if (pin_got > 0u && hf_ticks_diff(e.t_us, pin_last_t) < 0) {
                pin_backwards++;
            }
            pin_last_t = e.t_us;
            pin_got++;
        }
    }
    HF_TASK_END();
}

static void start(uint32_t n, uint32_t period_ns) {
    hf_loop_init();
    posts = 0;
    defer_failures = 0;
    defer_ran = defer_gaps = defer_next = 0;
    target_posts = n;
    done = false;
    (void)hf_flag_take(&flag);
    hf_qemu_test_timer(period_ns, tick_isr);
}

static void run_until_done(hf_task_t *const *tasks, unsigned n) {
    /* The consumers end on their own once the interrupt is done and everything is drained;
     * the loop is run in slices so a hang shows as a failed check, not a stuck test. */
    for (int slice = 0; slice < 200; slice++) {
        (void)hf_loop_run_until(hf_ticks_add(hf_now_us(), 50000));
        bool all = done;
        for (unsigned i = 0; i < n; i++) {
            all = all && hf_task_done(tasks[i]);
        }
        if (all && hf_defer_failures() == defer_failures) {
            (void)hf_loop_run_until(hf_ticks_add(hf_now_us(), 1000)); /* last deferred calls */
            break;
        }
    }
    hf_qemu_test_timer(0, NULL);
}

/* ---- the lost wake-up hunt ------------------------------------------------------------------ */
/* Posts come in pairs: the second one follows the first after a random 0.5 to 30 us, so over
 * thousands of pairs it lands at every point of the loop's handling of the first, including the
 * last instructions before the sleep. Then the interrupt stays quiet for 300 us, and the next
 * interrupt checks that everything posted was consumed. A lost wake-up leaves the loop asleep
 * with the second post pending (no other interrupt comes to end the sleep but SysTick, a
 * millisecond later), and shows as a late check. */

#define HUNT_PAIRS 5000u
#define QUIET_NS   300000u

enum { K_FLAG, K_COUNTER, K_EVQ, K_DEFER, K_KINDS };
static const char *const kind_name[K_KINDS] = {"flag", "counter", "edge queue", "deferred call"};

static volatile uint32_t h_posted, h_seen, h_late, h_checks, h_flag_seq;
static volatile bool h_after_quiet;
static unsigned h_kind;
static uint32_t h_rng = 2463534242u;
static hf_task_t hunt_task;

static uint32_t rand_next(void) {
    h_rng ^= h_rng << 13;
    h_rng ^= h_rng >> 17;
    h_rng ^= h_rng << 5;
    return h_rng;
}

static void hunt_deferred(void *arg) {
    h_seen = (uint32_t)(uintptr_t)arg;
}

static void hunt_isr(void) {
    if (done) {
        return;
    }
    if (h_after_quiet) {
        h_checks++;
        if (h_seen != h_posted) {
            late++;
        }
    }
    if (h_posted == 2u * HUNT_PAIRS) {
        done = true;
        return;
    }
    uint32_t n = h_posted + 1u;
    h_posted = n;
    switch (h_kind) {
    case K_FLAG:
        h_flag_seq = n;
        hf_flag_set(&flag);
        break;
    case K_COUNTER:
        hf_counter_add(&counter, 1);
        break;
    case K_EVQ:
        (void)hf_evq_push(&seq_q, n, 0, 0);
        break;
    default:
        if (!hf_defer(hunt_deferred, (void *)(uintptr_t)n)) {
            defer_failures++;
        }
        break;
    }
    h_after_quiet = (n % 2u) == 0u;
    hf_qemu_test_timer_next(h_after_quiet ? QUIET_NS : 500u + rand_next() % 30000u);
}

static int hunt_consumer(hf_task_t *self) {
    hf_edge_t e;
    HF_TASK_BEGIN(self);
    for (;;) {
        if (h_kind == K_FLAG) {
            HF_AWAIT_FLAG(&flag);
            h_seen = h_flag_seq;
        } else if (h_kind == K_COUNTER) {
            HF_AWAIT_COUNTER(&counter);
            h_seen += hf_counter_take(&counter);
        } else if (h_kind == K_EVQ) {
            HF_AWAIT_EVQ(&seq_q);
            while (hf_evq_pop(&seq_q, &e)) {
                h_seen = e.t_us;
            }
        } else {
            HF_AWAIT_MS(1000); /* deferred calls run on the loop by themselves */
        }
    }
    HF_TASK_END();
}

static void test_lost_wakeup_hunt(void) {
    for (h_kind = 0; h_kind < K_KINDS; h_kind++) {
        hf_loop_init();
        h_posted = h_seen = h_checks = 0;
        h_after_quiet = false;
        late = 0;
        defer_failures = 0;
        done = false;
        (void)hf_flag_take(&flag);
        (void)hf_counter_take(&counter);
        TH_CHECK(hf_task_start(&hunt_task, hunt_consumer, "hunt"));
        uint32_t sleeps = hf_cm_sleeps();
        hf_qemu_test_timer(QUIET_NS, hunt_isr);
        for (int slice = 0; slice < 100 && !done; slice++) {
            (void)hf_loop_run_until(hf_ticks_add(hf_now_us(), 100000));
        }
        hf_qemu_test_timer(0, NULL);
        hf_print("  %-13s %lu posts, %lu quiet checks, %lu late, %lu sleeps", kind_name[h_kind],
                 (unsigned long)h_posted, (unsigned long)h_checks, (unsigned long)late,
                 (unsigned long)(hf_cm_sleeps() - sleeps));
        hf_task_cancel(&hunt_task);
        TH_CHECK(done);
        TH_CHECK_EQ(h_posted, 2u * HUNT_PAIRS);
        TH_CHECK_EQ(h_checks, HUNT_PAIRS);
        TH_CHECK_EQ(late, 0);
        TH_CHECK_EQ(h_seen, h_posted);
        TH_CHECK_EQ(defer_failures, 0);
    }
}

/* Flood: every interrupt posts to all five objects, 20 us apart; consumers stall now and then. */
static void test_flood_accounting(void) {
    static hf_task_t *const tasks[] = {&flag_task, &counter_task, &seq_task, &pin_task};
    hf_gpio_input(PIN, HF_PULL_UP);
    pin_level = 1;
    hf_gpio_irq(PIN, HF_EDGE_BOTH, hf_evq_isr, &pin_q);
    (void)hf_evq_take_dropped(&seq_q);
    (void)hf_evq_take_dropped(&pin_q);
    flag_takes = counted = seq_got = seq_gaps = seq_next = pin_got = pin_backwards = 0;
    uint32_t failures0 = hf_defer_failures();
    start(FLOOD_POSTS, 20000);
    TH_CHECK(hf_task_start(&flag_task, take_flag, "flag"));
    TH_CHECK(hf_task_start(&counter_task, take_counter, "counter"));
    TH_CHECK(hf_task_start(&seq_task, take_seq, "seq"));
    TH_CHECK(hf_task_start(&pin_task, take_pin, "pin"));
    run_until_done(tasks, 4);
    uint32_t seq_dropped = hf_evq_take_dropped(&seq_q);
    uint32_t pin_dropped = hf_evq_take_dropped(&pin_q);
    uint32_t dfail = hf_defer_failures() - failures0;
    hf_print("  flood: %lu interrupts, %lu events posted", (unsigned long)posts,
             (unsigned long)(5u * posts));
    hf_print("    flag     %lu sets, %lu takes", (unsigned long)posts, (unsigned long)flag_takes);
    hf_print("    counter  %lu added, %lu taken", (unsigned long)posts, (unsigned long)counted);
    hf_print("    edge q   %lu pushed, %lu popped + %lu dropped, %lu gaps", (unsigned long)posts,
             (unsigned long)seq_got, (unsigned long)seq_dropped, (unsigned long)seq_gaps);
    hf_print("    pin q    %lu edges, %lu popped + %lu dropped", (unsigned long)posts,
             (unsigned long)pin_got, (unsigned long)pin_dropped);
    hf_print("    defer    %lu posted, %lu ran + %lu refused, %lu gaps", (unsigned long)posts,
             (unsigned long)defer_ran, (unsigned long)dfail, (unsigned long)defer_gaps);
    for (unsigned i = 0; i < 4; i++) {
        TH_CHECK(hf_task_done(tasks[i]));
    }
    TH_CHECK_EQ(posts, FLOOD_POSTS);
    TH_CHECK(flag_takes >= 1u && flag_takes <= posts + 1u);
    TH_CHECK(!hf_flag_is_set(&flag));
    TH_CHECK_EQ(counted, posts);
    TH_CHECK_EQ(seq_got + seq_dropped, posts);
    TH_CHECK_EQ(seq_gaps, seq_dropped); /* FIFO: what is missing is exactly what was dropped */
    TH_CHECK_EQ(pin_got + pin_dropped, posts);
    TH_CHECK_EQ(pin_backwards, 0);
    TH_CHECK_EQ(dfail, defer_failures);
    TH_CHECK_EQ(defer_ran + dfail, posts);
    TH_CHECK_EQ(defer_gaps, dfail);
    TH_CHECK(seq_dropped > 0u); /* the stalls made the queues overflow: drop paths ran */
    TH_CHECK(dfail > 0u);
    TH_CHECK(seq_got > posts / 2u); /* ...but most events got through */
}

int main(int argc, char **argv) {
    hf_board_init(argc, argv);
    hf_print("interrupt tests on %s", HF_TARGET_NAME);
    TH_RUN(test_lost_wakeup_hunt);
    TH_RUN(test_flood_accounting);
    return th_end();
}
