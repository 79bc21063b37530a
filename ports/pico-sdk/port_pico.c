/* The Pico SDK port: port.h on the RP2040 (Pico, Pico W) and the RP2350 (Pico 2, Pico 2 W).
 *
 * Time is the SDK's microsecond timer, the loop sleeps with WFE until a hardware alarm or a
 * wake, critical sections hold off interrupts on this core and the other one, pins are the
 * SDK's GPIO with one raw handler on the IO_BANK0 interrupt, output goes to the SDK's stdio (USB
 * CDC and UART0 at 115200 baud). The loop runs on core 0; core 1 may post (hf_flag_set(),
 * hf_defer(), ...) but must not write the LED of a W board (see "pins" below). */
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

#include "handoff/notify.h"
#include "handoff/port.h"

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
 * transaction through the driver, which must never run in an interrupt (it could cut into a
 * transaction of the loop's). There hf_gpio_write(HF_PIN_LED) records the level; from the loop
 * it is applied at once, from an interrupt (or core 1) it is applied by the loop before its next
 * sleep, so the LED follows within one pass of the loop. hf_gpio_read(HF_PIN_LED) returns the
 * recorded level. The pins the CYW43 uses (23, 24, 25, 29) are refused on the W boards. */

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

static atomic_uint g_led_want; /* the LED's level as last written */
#if HF_PICO_CYW43_LED
static unsigned g_led_shown = 2u; /* the level the CYW43 was last given (2: none yet); loop only */
static bool g_cyw43_up;

/* Give the CYW43 the recorded level, if it differs. Loop only (core 0, thread context). */
static void led_apply(void) {
    unsigned want = atomic_load_explicit(&g_led_want, memory_order_acquire);
    if (g_cyw43_up && want != g_led_shown) {
        g_led_shown = want;
        cyw43_arch_gpio_put(CYW43_WL_GPIO_LED_PIN, want != 0u);
    }
}
#endif

static bool pin_ok(hf_pin_t pin) {
    return pin <= HF_PIN_GPIO_MAX && (HF_PICO_PINS & (1u << pin)) != 0u;
}

static void led_write(int level) {
    atomic_store_explicit(&g_led_want, level != 0, memory_order_release);
#if HF_PICO_CYW43_LED
    if (__get_current_exception() == 0u && get_core_num() == 0u) {
        led_apply();
    } else {
        hf_port_wake(); /* the loop applies it before it sleeps */
    }
#else
    gpio_put(PICO_DEFAULT_LED_PIN, level != 0);
#endif
}

static void irq_pin_mark(hf_pin_t pin, bool on) {
    uint32_t pins = atomic_load_explicit(&g_irq_pins, memory_order_relaxed);
    pins = on ? pins | (1u << pin) : pins & ~(1u << pin);
    atomic_store_explicit(&g_irq_pins, pins, memory_order_release);
}

static void irq_off(hf_pin_t pin) {
    gpio_set_irq_enabled(pin, HF_PICO_EDGES, false);
    irq_pin_mark(pin, false);
}

bool hf_gpio_input(hf_pin_t pin, hf_pull_t pull) {
    if (!pin_ok(pin)) {
        return false;
    }
    gpio_init(pin);
    gpio_set_dir(pin, GPIO_IN);
    gpio_set_pulls(pin, pull == HF_PULL_UP, pull == HF_PULL_DOWN);
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

/** @isr_ok (the LED of a W board: recorded, applied by the loop; see above) */
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

/* The IO_BANK0 interrupt, shared with the CYW43 driver's own raw handler on the W boards: only
 * the pins registered here are looked at and acknowledged. The hardware latches one bit per
 * edge direction until acknowledged, so several edges between two services merge. For each pin:
 * read its latched edges, acknowledge exactly those (an edge after the read stays latched for the
 * next service), then read the level. One edge is delivered with its own direction's level. When
 * both a fall and a rise were latched, the current level tells which came last: two calls, the
 * other level first, then the current one, both at the same tick. If the line had moved
 * out and back once more than that, the first call repeats the level of the call before it,
 * which port.h defines as two edges merged by the hardware, so the consumer (the debouncer) sees
 * the glitch instead of losing it. An edge between the acknowledge and the level read shows in
 * the level at once and is delivered again by the next service, which the consumer then sees as
 * a merged pair: the last level it is given is always the line's. Every edge is timestamped when
 * it is serviced, not when it happened: with interrupts masked or a higher priority running, the
 * stamp is late by as much. */
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
        const pin_irq_t *p = &g_irq[pin];
        if (ev == HF_PICO_EDGES) {
            uint8_t now = gpio_get(pin) ? 1u : 0u;
            p->fn(p->arg, pin, (uint8_t)!now, t);
            p->fn(p->arg, pin, now, t);
        } else {
            p->fn(p->arg, pin, ev == GPIO_IRQ_EDGE_RISE ? 1u : 0u, t);
        }
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

void hf_port_sleep(hf_ticks_us_t deadline, bool has_deadline) {
#if HF_PICO_CYW43_LED
    led_apply(); /* an LED level written from an interrupt since the last sleep */
#endif
    bool armed = false;
    while (atomic_load_explicit(&g_wake, memory_order_seq_cst) == 0u) {
        if (has_deadline) {
            int32_t left = hf_ticks_diff(deadline, time_us_32());
            if (left <= 0) {
                break;
            }
            if (!armed) {
                armed = true;
                if (hardware_alarm_set_target((uint)g_alarm,
                                              make_timeout_time_us((uint64_t)left))) {
                    break; /* already past */
                }
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

void hf_port_write_line(const char *line, size_t len) {
    printf("%.*s\n", (int)len, line);
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
    stdio_init_all();
    g_lock = spin_lock_instance((uint)spin_lock_claim_unused(true));
    g_alarm = hardware_alarm_claim_unused(true);
    hardware_alarm_set_callback((uint)g_alarm, alarm_isr);
#if HF_PICO_CYW43_LED
    g_cyw43_up = cyw43_arch_init() == 0;
    if (!g_cyw43_up) {
        static const char msg[] = "cyw43_arch_init failed: no LED";
        hf_port_log_line(msg, sizeof msg - 1u);
    }
#endif
    gpio_add_raw_irq_handler_masked(HF_PICO_PINS, gpio_isr);
    irq_set_enabled(IO_IRQ_BANK0, true);
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
