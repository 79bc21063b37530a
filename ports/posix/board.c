/* The host board's command line, its terminal front end and its real-time sleep. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "handoff/loop.h"
#include "handoff/port.h"
#include "handoff/sim.h"
#include "posix_internal.h"
#include "sim_port.h"

#define TAP_MS    150u
#define HOLD_MS   1200u
#define MAX_KEYED 64u

static struct {
    const char *prog;
    const char *vcd_path;
    const char *svg_path;
    const char *scenario_path;
    hf_scenario_t sc;
    bool realtime;
    bool interactive;
    struct termios saved_tty;
    /* key presses turned into timed pin changes */
    struct {
        uint64_t t_us;
        hf_pin_t pin;
        uint8_t level;
    } keyed[MAX_KEYED];
    unsigned n_keyed;
} B;

static atomic_int quit_requested;

static void usage(FILE *f) {
    fprintf(f,
            "usage: %s [--scenario FILE [--realtime]] [--vcd FILE] [--svg FILE] [--epoch-us N]\n"
            "          [--notify-url URL [--device NAME] [--notify-token-file FILE]\n"
            "           [--ca-file FILE] [--ha-discovery] [--mqtt-keepalive S]]\n"
            "\n"
            "Runs on the handoff host board: virtual pins GP0..GP29 and LED, whose interrupts\n"
            "are delivered by a signal handler that preempts the program like a real ISR.\n"
            "\n"
            "  --scenario FILE  virtual time: the clock runs as fast as possible and exactly;\n"
            "                   input edges come from FILE at their timestamps; every printed\n"
            "                   line starts with the virtual time in ms, e.g. [1000.000].\n"
            "                   The run ends at 'end' (or 5000 ms after the last edge), exit 0.\n"
            "  --vcd FILE       write a VCD (timescale 1 us) of every pin the program uses,\n"
            "                   signals named GP14, LED, ... (GTKWave, PulseView)\n"
            "  --svg FILE       draw the run as a timeline picture: a lane per pin, and each\n"
            "                   printed line as a labelled marker\n"
            "  --epoch-us N     start the 32-bit microsecond tick at N (default 0) to run across\n"
            "                   the wrap; printed times stay relative to the start\n"
            "  --realtime       with --scenario: wait for the wall clock, so that sockets and a\n"
            "                   scenario combine; timers still fire at their exact times, and a\n"
            "                   program that holds up the loop more than 1 ms shows late\n"
            "  --notify-url URL send an event for each press (programs that notify): a POST to\n"
            "                   http[s]://HOST[:PORT]/PATH, or an MQTT PUBLISH (QoS 1) to\n"
            "                   mqtt[s]://HOST[:PORT]/TOPIC; HOST is resolved at start. Needs\n"
            "                   real time: no --scenario, or --scenario with --realtime\n"
            "  --device NAME    the device name in notifications (default pico)\n"
            "  --notify-token-file FILE  http[s]: send 'Authorization: Bearer' with the token\n"
            "                   in FILE (one line; refused if other users may read FILE)\n"
            "  --ca-file FILE   https, mqtts: the CA certificates (PEM) the server's must chain\n"
            "                   to (default "
            "/etc/ssl/certs/ca-certificates.crt)\n"
            "  --ha-discovery   mqtt[s]: announce a button event and a press-count sensor to\n"
            "                   Home Assistant (homeassistant/...)\n"
            "  --mqtt-keepalive S  mqtt[s]: keepalive in seconds (default 60)\n"
            "  -h, --help       this text\n"
            "\n"
            "Scenario format: one event per line, '#' starts a comment, blank lines ignored:\n"
            "  # time in ms (up to 3 decimals, non-decreasing), pin, level\n"
            "  1000      GP14 0\n"
            "  1000.250  GP14 1\n"
            "  end 3000\n"
            "\n"
            "Without --scenario the program runs in real time. When stdin is a terminal, keys\n"
            "press buttons and a status line shows the pins:\n"
            "  a or space  tap GP14 (%u ms)       b  tap GP15 (%u ms)\n"
            "  l           hold GP14 for %u ms    q  quit (also Ctrl-C)\n"
            "\n"
            "Errors (unknown option, bad scenario line: FILE:LINE: reason) exit with status 2.\n",
            B.prog, TAP_MS, TAP_MS, HOLD_MS);
}

static void die_usage(const char *fmt, const char *arg) {
    fprintf(stderr, "%s: ", B.prog);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see --help)\n");
    exit(2);
}

/* ---- output --------------------------------------------------------------------------------- */

/* A printed line: on the screen when there is one, else prefixed with its time; real time
 * flushes it at once. */
static void show_line(const char *line, size_t len, bool is_log) {
    FILE *f = is_log ? stderr : stdout;
    if (hf__tui_active()) {
        uint64_t us = hf_sim_elapsed_us();
        char buf[160];
        snprintf(buf, sizeof buf, "[%llu.%03llu] %s%.*s", (unsigned long long)(us / 1000u),
                 (unsigned long long)(us % 1000u), is_log ? "! " : "", (int)len, line);
        hf__tui_line(buf);
        return;
    }
    if (is_log) {
        fflush(stdout);
    }
    hf__posix_write_prefixed(f, line, len);
    if (B.realtime) {
        fflush(stdout); /* real time: lines appear as they happen */
    }
}

/* ---- keys ----------------------------------------------------------------------------------- */

static void key_schedule(uint64_t t_us, hf_pin_t pin, uint8_t level) {
    if (B.n_keyed == MAX_KEYED) {
        return;
    }
    unsigned i = B.n_keyed++;
    while (i > 0 && B.keyed[i - 1].t_us > t_us) { /* keep time order */
        B.keyed[i] = B.keyed[i - 1];
        i--;
    }
    B.keyed[i].t_us = t_us;
    B.keyed[i].pin = pin;
    B.keyed[i].level = level;
}

static void key_press(hf_pin_t pin, unsigned hold_ms) {
    uint64_t now = hf_sim_elapsed_us();
    key_schedule(now, pin, 0);
    key_schedule(now + hold_ms * 1000u, pin, 1);
}

static void keys_read(void) {
    char buf[32];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n == 0) {
        atomic_store(&quit_requested, 1);
    }
    for (ssize_t i = 0; i < n; i++) {
        switch (buf[i]) {
        case 'a':
        case ' ':
            key_press(14, TAP_MS);
            break;
        case 'b':
            key_press(15, TAP_MS);
            break;
        case 'l':
            key_press(14, HOLD_MS);
            break;
        case 'q':
        case 3: /* Ctrl-C without ISIG */
            atomic_store(&quit_requested, 1);
            break;
        default:
            break;
        }
    }
}

static void keys_apply_due(void) {
    uint64_t now = hf_sim_elapsed_us();
    unsigned done = 0;
    while (done < B.n_keyed && B.keyed[done].t_us <= now) {
        hf_sim_drive(B.keyed[done].pin, B.keyed[done].level);
        done++;
    }
    memmove(B.keyed, B.keyed + done, (B.n_keyed - done) * sizeof B.keyed[0]);
    B.n_keyed -= done;
}

static void real_sleep(hf_ticks_us_t deadline, bool has_deadline) {
    uint64_t timeout = 0;
    if (has_deadline) {
        int32_t d = hf_ticks_diff(deadline, hf_port_now_us());
        timeout = d > 0 ? (uint64_t)d : 0u;
    }
    if (B.n_keyed > 0) {
        uint64_t now = hf_sim_elapsed_us();
        uint64_t k = B.keyed[0].t_us > now ? B.keyed[0].t_us - now : 0u;
        if (!has_deadline || k < timeout) {
            timeout = k;
        }
        has_deadline = true;
    }
    bool key_ready = false;
    hf__posix_poll(timeout, has_deadline, B.interactive ? STDIN_FILENO : -1, &key_ready);
    if (key_ready) {
        keys_read();
    }
    keys_apply_due();
    if (atomic_load(&quit_requested)) {
        exit(0);
    }
}

/* ---- start and finish ----------------------------------------------------------------------- */

static void on_quit_signal(int sig) {
    (void)sig;
    atomic_store(&quit_requested, 1);
    hf_port_wake();
}

static void finish(void) {
    if (B.interactive) {
        hf__tui_stop();
        tcsetattr(STDIN_FILENO, TCSANOW, &B.saved_tty);
    }
    fflush(stdout);
    char err[512];
    if (B.vcd_path != NULL && !hf_sim_write_vcd(B.vcd_path, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", B.prog, err);
        _exit(1);
    }
    if (B.svg_path != NULL) {
        char title[512];
        const char *scn = B.scenario_path != NULL ? strrchr(B.scenario_path, '/') : NULL;
        scn = scn != NULL ? scn + 1 : B.scenario_path;
        snprintf(title, sizeof title, "%s  %s", B.prog, scn != NULL ? scn : "(real time)");
        if (!hf_sim_write_svg(B.svg_path, title, err, sizeof err)) {
            fprintf(stderr, "%s: %s\n", B.prog, err);
            _exit(1);
        }
    }
}

/* Fail at start, not after the run, when an output file cannot be written. */
static void check_writable(const char *option, const char *path) {
    char tmp[4096];
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: %s %s: %s\n", B.prog, option, path, strerror(EISDIR));
        exit(2);
    }
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        fprintf(stderr, "%s: %s %s: %s\n", B.prog, option, path, strerror(ENAMETOOLONG));
        exit(2);
    }
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        fprintf(stderr, "%s: %s %s: %s\n", B.prog, option, path, strerror(errno));
        exit(2);
    }
    fclose(f);
    remove(tmp);
}

static uint32_t parse_epoch(const char *s) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v > UINT32_MAX) {
        die_usage("--epoch-us needs a number from 0 to 4294967295, not '%s'", s);
    }
    return (uint32_t)v;
}

void hf_board_init(int argc, char **argv) {
    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
    B.prog = argc > 0 ? (slash != NULL ? slash + 1 : argv[0]) : "handoff";
    const char *scenario = NULL, *notify_url = NULL, *device = NULL;
    uint32_t epoch = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        const char *val = NULL;
        char net_err[256];
        int used = hf__posix_net_option(argc, argv, i, net_err, sizeof net_err);
        if (used != 0) {
            if (used < 0) {
                die_usage("%s", net_err);
            }
            i += used - 1;
            continue;
        }
        if (strcmp(a, "--realtime") == 0) {
            B.realtime = true;
            continue;
        }
        const char *names[] = {"--scenario", "--vcd",        "--epoch-us",
                               "--svg",      "--notify-url", "--device"};
        int which = -1;
        for (int k = 0; k < (int)(sizeof names / sizeof names[0]); k++) {
            size_t l = strlen(names[k]);
            if (strncmp(a, names[k], l) == 0 && (a[l] == '\0' || a[l] == '=')) {
                which = k;
                if (a[l] == '=') {
                    val = a + l + 1;
                } else if (i + 1 < argc) {
                    val = argv[++i];
                }
                if (val == NULL || val[0] == '\0') {
                    die_usage("option '%s' needs a value", names[k]);
                }
            }
        }
        switch (which) {
        case 0:
            scenario = val;
            break;
        case 1:
            B.vcd_path = val;
            break;
        case 2:
            epoch = parse_epoch(val);
            break;
        case 3:
            B.svg_path = val;
            break;
        case 4:
            notify_url = val;
            break;
        case 5:
            device = val;
            break;
        default:
            die_usage(a[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'", a);
        }
    }
    if (B.realtime && scenario == NULL) {
        die_usage("%s needs --scenario (without one the board runs in real time)", "--realtime");
    }
    if (device != NULL && notify_url == NULL) {
        die_usage("%s needs --notify-url", "--device");
    }
    if (notify_url != NULL && scenario != NULL && !B.realtime) {
        die_usage("%s with --scenario needs --realtime (sockets run in wall-clock time)",
                  "--notify-url");
    }
    char err[1024];
    if (!hf__posix_notify_setup(notify_url, device, err, sizeof err)) {
        die_usage("%s", err);
    }
    if (scenario != NULL) {
        char err[512];
        bool recorded = B.vcd_path != NULL || B.svg_path != NULL;
        if (!hf_scenario_load_within(scenario, recorded ? HF_SIM_RECORD_SPAN_US : UINT64_MAX, &B.sc,
                                     err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            exit(2);
        }
    }
    if (B.vcd_path != NULL) {
        check_writable("--vcd", B.vcd_path);
    }
    if (B.svg_path != NULL) {
        check_writable("--svg", B.svg_path);
    }
    B.scenario_path = scenario;
    hf__posix_front(real_sleep, show_line);
    hf_sim_reset(scenario != NULL, epoch);
    hf_sim_record(B.vcd_path != NULL || B.svg_path != NULL);
    hf_sim_keep_lines(B.svg_path != NULL);
    hf_loop_init();
    if (scenario != NULL) {
        if (!B.realtime) { /* paced time flushes each line as it happens */
            static char outbuf[1 << 16];
            setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
        }
        hf_sim_play(&B.sc, NULL);
        hf_sim_pace(B.realtime);
    } else {
        B.realtime = true;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_quit_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
            tcgetattr(STDIN_FILENO, &B.saved_tty) == 0) {
            struct termios raw = B.saved_tty;
            raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
            raw.c_cc[VMIN] = 0;
            raw.c_cc[VTIME] = 0;
            tcsetattr(STDIN_FILENO, TCSANOW, &raw);
            B.interactive = true;
            hf__sim_on_pin_change(hf__tui_pin_change);
            hf__tui_start(B.prog);
        }
    }
    atexit(finish);
}
