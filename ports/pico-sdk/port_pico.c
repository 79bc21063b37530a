/* The Pico SDK port: port.h on the RP2040 (Pico, Pico W) and the RP2350 (Pico 2, Pico 2 W).
 *
 * Time is the SDK's microsecond timer, the loop sleeps with WFE until a hardware alarm or a
 * wake, critical sections hold off interrupts on this core and the other one, pins are the
 * SDK's GPIO with a raw handler on the IO_BANK0 interrupt for the pins given to hf_gpio_irq()
 * only, output goes through rings that never wait to the SDK's stdio drivers (USB CDC and the
 * default UART at 115200 baud). The loop runs on core 0; core 1 may post (hf_flag_set(),
 * hf_defer(), hf_gpio_write(), ...). */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#include "hardware/gpio.h"
#include "hardware/irq.h"
#include "hardware/sync.h"
#include "hardware/timer.h"
#include "pico/stdlib.h"
#if defined(CYW43_WL_GPIO_LED_PIN)
#include "pico/cyw43_arch.h"
#endif

#if LIB_PICO_STDIO_USB
#include "pico/stdio/driver.h"
#include "pico/stdio_usb.h"
#include "tusb.h"
#endif
#if LIB_PICO_STDIO_UART
#include "hardware/uart.h"
#endif

#include "handoff/notify.h"
#include "handoff/port.h"
#include "line_ring.h"
#include "port_pico.h"

/* ---- time ----------------------------------------------------------------------------------- */

/** @isr_ok */
hf_ticks_us_t hf_port_now_us(void) {
    return time_us_32();
}

void hf_port_delay_us(uint32_t us) {
    busy_wait_us_32(us);
}

/* ---- critical sections ---------------------------------------------------------------------- */
/* Interrupts off on this core (PRIMASK), then a spin lock against the other core. A spin lock is
 * not recursive, so each core counts its depth and only the outermost enter takes it and the
 * outermost exit gives it back; the depth is touched only by its own core with interrupts off.
 * (On the RP2350 the SDK's spin locks are software locks on exclusive loads and stores, which
 * avoids the chip's hardware spin lock erratum; the API is the same.) */

static spin_lock_t *g_lock;
static uint32_t g_depth[NUM_CORES];

/** @isr_ok */
hf_irq_state_t hf_port_critical_enter(void) {
    uint32_t s = save_and_disable_interrupts();
    uint core = get_core_num();
    if (g_depth[core]++ == 0u) {
        spin_lock_unsafe_blocking(g_lock);
    }
    return s;
}

/** @isr_ok */
void hf_port_critical_exit(hf_irq_state_t state) {
    uint core = get_core_num();
    if (--g_depth[core] == 0u) {
        spin_unlock_unsafe(g_lock);
    }
    restore_interrupts(state);
}

/* ---- pins ----------------------------------------------------------------------------------- */
/* On the Pico and Pico 2 the LED is GPIO PICO_DEFAULT_LED_PIN and every write is one store to
 * the SIO, safe anywhere. On the W boards it hangs off the CYW43 wireless chip: a write is an SPI
 * transaction through the driver, which must run where the driver runs, in the SDK's background
 * context (a low-priority interrupt, pico_cyw43_arch's threadsafe_background mode), never in
 * another interrupt. There hf_gpio_write(HF_PIN_LED) records the level and marks the port's
 * worker pending in that context (async_context_set_work_pending(), callable from any interrupt
 * and either core); the worker gives the CYW43 the level last recorded. So the LED follows each
 * write within microseconds, whether the loop sleeps or never idles. hf_gpio_read(HF_PIN_LED)
 * returns the recorded level. If cyw43_arch_init() failed, the board runs without Wi-Fi and
 * without its LED: levels are recorded, nothing is sent. The pins the CYW43 uses (23, 24, 25,
 * 29) are refused on the W boards. */

#if defined(CYW43_WL_GPIO_LED_PIN)
#define HF_PICO_CYW43_LED 1
#define HF_PICO_RESERVED                                                                           \
    ((1u << CYW43_DEFAULT_PIN_WL_REG_ON) | (1u << CYW43_DEFAULT_PIN_WL_DATA_OUT) |                 \
     (1u << CYW43_DEFAULT_PIN_WL_DATA_IN) | (1u << CYW43_DEFAULT_PIN_WL_HOST_WAKE) |               \
     (1u << CYW43_DEFAULT_PIN_WL_CLOCK) | (1u << CYW43_DEFAULT_PIN_WL_CS))
#elif defined(PICO_DEFAULT_LED_PIN)
#define HF_PICO_CYW43_LED 0
#define HF_PICO_RESERVED  0u
#else
#error "this board has neither PICO_DEFAULT_LED_PIN nor a CYW43 LED"
#endif

/* GP0..GP29 less the reserved ones: the pins this port drives and takes interrupts from. */
#define HF_PICO_PINS                                                                               \
    ((uint32_t)((1ull << (HF_PIN_GPIO_MAX + 1u)) - 1u) & ~(uint32_t)HF_PICO_RESERVED)

#define HF_PICO_EDGES (GPIO_IRQ_EDGE_FALL | GPIO_IRQ_EDGE_RISE)

typedef struct {
    hf_irq_fn_t fn;
    void *arg;
} pin_irq_t;

static pin_irq_t g_irq[HF_PIN_GPIO_MAX + 1u];
/* Pins with a handler: what the interrupt looks at. Written by the loop only (plain stores, no
 * read-modify-write: the RP2040 has none), read by the interrupt. */
static atomic_uint g_irq_pins;
/* The pins the raw handler is registered for with the SDK (loop only): g_irq_pins, once
 * irq_claim() has run. */
static uint32_t g_claimed;

static atomic_uint g_led_want; /* the LED's level as last written */
#if HF_PICO_CYW43_LED
static bool g_cyw43_up;            /* cyw43_arch_init() succeeded */
static atomic_uint g_cyw43_failed; /* the chip did not answer since (the driver starts it at
                                      its first use; set by the worker, read anywhere) */
static bool g_cyw43_failed_told;   /* the loop has said so (loop only) */

/* In the SDK's background context, with its lock held: give the CYW43 the recorded level. A
 * chip that does not answer is not asked again: each attempt to start it costs the driver's
 * time-outs, in an interrupt. */
static void led_worker_fn(async_context_t *context, async_when_pending_worker_t *worker) {
    (void)context;
    (void)worker;
    unsigned want = atomic_load_explicit(&g_led_want, memory_order_acquire);
    if (cyw43_gpio_set(&cyw43_state, CYW43_WL_GPIO_LED_PIN, want != 0u) != 0) {
        atomic_store_explicit(&g_cyw43_failed, 1u, memory_order_release);
        hf_port_wake(); /* the loop says so */
    }
}

static async_when_pending_worker_t g_led_worker = {.do_work = led_worker_fn};
#endif

bool hf_pico_cyw43_up(void) {
#if HF_PICO_CYW43_LED
    return g_cyw43_up && atomic_load_explicit(&g_cyw43_failed, memory_order_acquire) == 0u;
#else
    return false;
#endif
}

static bool pin_ok(hf_pin_t pin) {
    return pin <= HF_PIN_GPIO_MAX && (HF_PICO_PINS & (1u << pin)) != 0u;
}

static void led_write(int level) {
    atomic_store_explicit(&g_led_want, level != 0, memory_order_release);
#if HF_PICO_CYW43_LED
    if (hf_pico_cyw43_up()) {
        async_context_set_work_pending(cyw43_arch_async_context(), &g_led_worker);
    }
#else
    gpio_put(PICO_DEFAULT_LED_PIN, level != 0);
#endif
}

static void gpio_isr(void);

/* Register the raw handler with the SDK for exactly the pins with a handler, so that the SDK's
 * own callback (gpio_set_irq_enabled_with_callback()) and other raw handlers keep every other
 * pin: the SDK's callback skips the pins of a raw handler's mask, and this handler acknowledges
 * only its own. The SDK keeps one mask per handler, so a change removes it and adds it again,
 * with interrupts off on this core meanwhile (no edge can be serviced by neither). */
static void irq_claim(uint32_t pins) {
    if (pins == g_claimed) {
        return;
    }
    uint32_t s = save_and_disable_interrupts();
    if (g_claimed != 0u) {
        gpio_remove_raw_irq_handler_masked(g_claimed, gpio_isr);
    }
    if (pins != 0u) {
        gpio_add_raw_irq_handler_masked(pins, gpio_isr);
    }
    g_claimed = pins;
    restore_interrupts(s);
    if (pins != 0u) {
        irq_set_enabled(IO_IRQ_BANK0, true);
    }
}

static void irq_pin_mark(hf_pin_t pin, bool on) {
    uint32_t pins = atomic_load_explicit(&g_irq_pins, memory_order_relaxed);
    pins = on ? pins | (1u << pin) : pins & ~(1u << pin);
    atomic_store_explicit(&g_irq_pins, pins, memory_order_release);
    irq_claim(pins);
}

static void irq_off(hf_pin_t pin) {
    gpio_set_irq_enabled(pin, HF_PICO_EDGES, false);
    irq_pin_mark(pin, false);
}

/* How long hf_gpio_input() waits at most for a pulled input to reach its pulled level. The
 * pulls are 50-80 kOhm (RP2040 and RP2350 datasheets, GPIO electrical characteristics); with
 * 100 pF of pin, wire and switch that is up to 8 us to the input threshold, and a long cable
 * can make it ten times as much. A line still at the other level after this is driven there
 * (a button held at start, a sensor's output): then the wait ends without it. */
#define HF_PICO_SETTLE_MAX_US 1000u

bool hf_gpio_input(hf_pin_t pin, hf_pull_t pull) {
    if (!pin_ok(pin)) {
        return false;
    }
    gpio_init(pin);
    gpio_set_dir(pin, GPIO_IN);
    gpio_set_pulls(pin, pull == HF_PULL_UP, pull == HF_PULL_DOWN);
    /* Return once the input has settled: the two-flop input synchroniser (a few clk_sys
     * cycles) with no pull, the pulled level or the time limit above with one. */
    busy_wait_us_32(1u);
    if (pull != HF_PULL_NONE) {
        bool want = pull == HF_PULL_UP;
        uint32_t start = time_us_32();
        while (gpio_get(pin) != want && time_us_32() - start < HF_PICO_SETTLE_MAX_US) {
        }
    }
    return true;
}

bool hf_gpio_output(hf_pin_t pin, int level) {
    if (pin == HF_PIN_LED) {
#if !HF_PICO_CYW43_LED
        gpio_init(PICO_DEFAULT_LED_PIN);
        gpio_put(PICO_DEFAULT_LED_PIN, level != 0);
        gpio_set_dir(PICO_DEFAULT_LED_PIN, GPIO_OUT);
#endif
        led_write(level);
        return true;
    }
    if (!pin_ok(pin)) {
        return false;
    }
    irq_off(pin);
    gpio_init(pin);
    gpio_put(pin, level != 0); /* the level first, so the pin never glitches to the other one */
    gpio_set_dir(pin, GPIO_OUT);
    return true;
}

/** @isr_ok (the LED of a W board: recorded, given to the CYW43 by the SDK's background context; see
 * above) */
void hf_gpio_write(hf_pin_t pin, int level) {
    if (pin == HF_PIN_LED) {
        led_write(level);
    } else if (pin_ok(pin)) {
        gpio_put(pin, level != 0);
    }
}

/** @isr_ok */
int hf_gpio_read(hf_pin_t pin) {
    if (pin == HF_PIN_LED) {
        return (int)atomic_load_explicit(&g_led_want, memory_order_acquire);
    }
    if (!pin_ok(pin)) {
        return 0;
    }
    return gpio_is_dir_out(pin) ? gpio_get_out_level(pin) : gpio_get(pin);
}

/* The IO_BANK0 interrupt, shared with the SDK's GPIO callback, other raw handlers and, on the W
 * boards, the CYW43 driver's: only the pins registered here are looked at and acknowledged (and
 * only they are in this handler's mask, see irq_claim()). The hardware latches one bit per edge
 * direction until acknowledged, so several edges between two services merge. For each pin: read
 * its latched edges, acknowledge exactly those, and only then read the level L. An edge after
 * the acknowledge stays latched for the next service; an edge before it is in L. So no edge is
 * acknowledged without being reflected, and the last level the handler is given is the line's
 * (the bare-metal RP2040 board does the same). With E the latched edges:
 *   - a fall and a rise: two calls, !L then L (the line moved at least twice; L came last);
 *   - one edge whose level is L: one call, L;
 *   - one edge whose level is not L: the line moved again after E was read: two calls, the
 *     edge's level then L. That later edge may still be latched: the next service then repeats
 *     L, which port.h defines as two edges merged by the hardware (a glitch, to the debouncer).
 * Every edge is timestamped when it is serviced, not when it happened: with interrupts masked
 * or a higher priority running, the stamp is late by as much. */
static void gpio_isr(void) {
    hf_ticks_us_t t = time_us_32();
    uint32_t pins = atomic_load_explicit(&g_irq_pins, memory_order_acquire);
    while (pins != 0u) {
        hf_pin_t pin = (hf_pin_t)__builtin_ctz(pins);
        pins &= pins - 1u;
        uint32_t ev = gpio_get_irq_event_mask(pin) & HF_PICO_EDGES;
        if (ev == 0u) {
            continue;
        }
        gpio_acknowledge_irq(pin, ev);
        uint8_t level = gpio_get(pin) ? 1u : 0u;
        uint8_t first = ev == HF_PICO_EDGES ? (uint8_t)!level : ev == GPIO_IRQ_EDGE_RISE ? 1u : 0u;
        const pin_irq_t *p = &g_irq[pin];
        if (first != level) {
            p->fn(p->arg, pin, first, t);
        }
        p->fn(p->arg, pin, level, t);
    }
}

bool hf_gpio_irq(hf_pin_t pin, unsigned edges, hf_irq_fn_t fn, void *arg) {
    if (!pin_ok(pin)) {
        return false;
    }
    irq_off(pin);
    uint32_t ev = ((edges & HF_EDGE_FALL) ? GPIO_IRQ_EDGE_FALL : 0u) |
                  ((edges & HF_EDGE_RISE) ? GPIO_IRQ_EDGE_RISE : 0u);
    if (fn == NULL || ev == 0u) {
        return true;
    }
    g_irq[pin] = (pin_irq_t){fn, arg};
    irq_pin_mark(pin, true);
    gpio_set_irq_enabled(pin, ev, true); /* acknowledges edges latched before, then enables */
    return true;
}

/* ---- sleep and wake ------------------------------------------------------------------------- */
/* The loop sleeps with WFE, waking at a hardware alarm set to the deadline or at
 * hf_port_wake(), which sets g_wake and executes SEV (from an interrupt, or from core 1).
 *
 * Why no wake-up is lost: the loop checked its work, then calls hf_port_sleep(), which checks
 * g_wake and the deadline, and then executes WFE, with interrupts enabled all along. WFE
 * sleeps only while the core's event register is clear, and clears it on the way out. An
 * interrupt taken anywhere between the check and the WFE sets the event register (exception
 * entry and return are events, and the handler's hf_port_wake(), like the alarm's handler,
 * executes SEV besides); an SEV on core 1 sets it too. So a wake that comes after the check makes
 * that WFE return at once, the loop goes round, and the check sees g_wake. A wake before the check
 * is seen by the check. A stale event (from any earlier interrupt) only makes one WFE return early,
 * which hf_port_sleep() may do; it then checks and sleeps again.
 *
 * g_wake is cleared as the sleep returns: a wake that lands between the check and that clear is
 * not lost either, because the loop looks at all its work again after every sleep. */

static atomic_uint g_wake;
static int g_alarm = -1;

/* The alarm's interrupt only signals an event: taking the interrupt is one already, and the SEV
 * makes it one on every core type without relying on that. */
static void alarm_isr(uint alarm_num) {
    (void)alarm_num;
    __sev();
}

/** @isr_ok */
/* A failed precondition (HF_REQUIRE): the SDK's panic() prints it on stdio and stops. */
void hf_port_fault(const char *file, int line) {
    panic("%s:%d: precondition failed", file, line);
}

bool hf_port_in_isr(void) {
    return __get_current_exception() != 0u;
}

void hf_port_wake(void) {
    atomic_store_explicit(&g_wake, 1u, memory_order_seq_cst);
    __sev();
}

static bool out_drain(void);

/* While output waits for a sink, the sleep wakes this often to pass it on (a 32-byte UART FIFO
 * takes 2.8 ms to empty at 115200 baud). */
#define HF_PICO_DRAIN_US 1000u

void hf_port_sleep(hf_ticks_us_t deadline, bool has_deadline) {
#if HF_PICO_CYW43_LED
    if (g_cyw43_up && !hf_pico_cyw43_up() && !g_cyw43_failed_told) {
        g_cyw43_failed_told = true;
        static const char msg[] = "CYW43 not answering: no Wi-Fi, no LED";
        hf_port_log_line(msg, sizeof msg - 1u);
    }
#endif
    bool armed = false;
    while (atomic_load_explicit(&g_wake, memory_order_seq_cst) == 0u) {
        int32_t left = INT32_MAX;
        if (has_deadline) {
            left = hf_ticks_diff(deadline, time_us_32());
            if (left <= 0) {
                break;
            }
        }
        if (out_drain() && left > (int32_t)HF_PICO_DRAIN_US) {
            left = (int32_t)HF_PICO_DRAIN_US;
        }
        if (left != INT32_MAX) {
            armed = true;
            if (hardware_alarm_set_target((uint)g_alarm, make_timeout_time_us((uint64_t)left))) {
                continue; /* already past: check again */
            }
        }
        __wfe();
    }
    if (armed) {
        hardware_alarm_cancel((uint)g_alarm);
    }
    atomic_store_explicit(&g_wake, 0u, memory_order_seq_cst);
}

/* ---- output --------------------------------------------------------------------------------- */

/* Output never waits. Each sink has a ring of HF_PICO_OUT_RING bytes (line_ring.h): a line goes
 * into every sink's ring it fits in, and is dropped and counted in the others ("Output: N lines
 * dropped" follows once there is room). The loop passes on what each sink takes at once: after
 * each line, and while output waits, at least every HF_PICO_DRAIN_US of its sleep. UART: as many
 * bytes as its transmit FIFO has room for. USB CDC: when a terminal has the port open, as many
 * as TinyUSB's transmit buffer has room for, through the SDK's stdio_usb driver, which then never
 * waits either; a port nobody opened keeps its ring, so a terminal opened later still gets the
 * lines that fit, then the count of those that did not. A sink never holds up another. Lines
 * end in CR LF, as the SDK's stdio sends them. */
#ifndef HF_PICO_OUT_RING
#define HF_PICO_OUT_RING 1024u
#endif

typedef struct {
    hf_line_ring_t ring;
    char buf[HF_PICO_OUT_RING];
} out_sink_t;

#if LIB_PICO_STDIO_UART
static out_sink_t g_uart;

static size_t uart_room(void) {
    return uart_is_writable(uart_default) ? 1u : 0u;
}

static void uart_send(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uart_putc_raw(uart_default, p[i]);
    }
}
#endif

#if LIB_PICO_STDIO_USB
static out_sink_t g_usb;

static size_t usb_room(void) {
    return stdio_usb_connected() ? (size_t)tud_cdc_write_available() : 0u;
}

static void usb_send(const char *p, size_t n) {
    stdio_usb.out_chars(p, (int)n);
}
#endif

static const char k_eol[] = "\r\n";

/* Pass on what `sink` takes now; @return true if bytes still wait. */
static bool sink_drain(out_sink_t *sink, size_t (*room)(void), void (*send)(const char *, size_t)) {
    size_t free_now;
    while (hf_line_ring_used(&sink->ring) > 0u && (free_now = room()) > 0u) {
        const char *p;
        size_t n = hf_line_ring_peek(&sink->ring, &p);
        n = n < free_now ? n : free_now;
        send(p, n);
        hf_line_ring_consume(&sink->ring, n);
        hf_line_ring_report(&sink->ring, k_eol, sizeof k_eol - 1u);
    }
    return hf_line_ring_used(&sink->ring) > 0u;
}

static bool out_drain(void) {
    bool waiting = false;
#if LIB_PICO_STDIO_UART
    waiting |= sink_drain(&g_uart, uart_room, uart_send);
#endif
#if LIB_PICO_STDIO_USB
    waiting |= sink_drain(&g_usb, usb_room, usb_send);
#endif
    return waiting;
}

void hf_port_write_line(const char *line, size_t len) {
#if LIB_PICO_STDIO_UART
    (void)hf_line_ring_put(&g_uart.ring, line, len, k_eol, sizeof k_eol - 1u);
#endif
#if LIB_PICO_STDIO_USB
    (void)hf_line_ring_put(&g_usb.ring, line, len, k_eol, sizeof k_eol - 1u);
#endif
    (void)line;
    (void)len;
    (void)out_drain();
}

void hf_port_log_line(const char *line, size_t len) {
    hf_port_write_line(line, len);
}

/* ---- board ---------------------------------------------------------------------------------- */

/* stdio over USB and UART0; with USB, stdio_init_all() waits up to PICO_STDIO_USB_CONNECT_WAIT_
 * TIMEOUT_MS (set by the build, 2 s by default) for a terminal to open the port, so the first
 * lines are not lost; without one the program starts anyway and those lines go to UART0 only. */
void hf_board_init(int argc, char **argv) {
    (void)argc;
    (void)argv;
#if LIB_PICO_STDIO_UART
    hf_line_ring_init(&g_uart.ring, g_uart.buf, sizeof g_uart.buf);
#endif
#if LIB_PICO_STDIO_USB
    hf_line_ring_init(&g_usb.ring, g_usb.buf, sizeof g_usb.buf);
#endif
    stdio_init_all();
    g_lock = spin_lock_instance((uint)spin_lock_claim_unused(true));
    g_alarm = hardware_alarm_claim_unused(true);
    hardware_alarm_set_callback((uint)g_alarm, alarm_isr);
#if HF_PICO_CYW43_LED
    g_cyw43_up = cyw43_arch_init() == 0;
    if (g_cyw43_up) {
        async_context_add_when_pending_worker(cyw43_arch_async_context(), &g_led_worker);
    } else {
        static const char msg[] = "cyw43_arch_init failed: no Wi-Fi, no LED";
        hf_port_log_line(msg, sizeof msg - 1u);
    }
#endif
    /* GPIO interrupts: the raw handler is registered for the pins of hf_gpio_irq() only. */
}

void hf_board_label(hf_pin_t pin, const char *label) {
    (void)pin;
    (void)label;
}

void hf_board_show(const char *fmt, ...) {
    (void)fmt;
}

#if !HF_PICO_WIFI
/* Built without WIFI_SSID (or for a board without Wi-Fi): notifications stay off. With it,
 * net_lwip.c provides this. */
bool hf_board_notify(hf_notify_cfg_t *cfg) {
    (void)cfg;
    return false;
}
#endif
