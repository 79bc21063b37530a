/*
 * README: a Promela model of the ISR -> loop handoff, checked with spin.
 *
 * What it models, and where each step is in the C code (line numbers at the commit that added
 * this file; the function names are the stable reference):
 *
 *   model                      C
 *   -------------------------  -----------------------------------------------------------------
 *   proctype isr               any producer: a signal handler on the loop's thread or another
 *                              thread; an interleaving of two processes covers both (a handler
 *                              that runs to completion is one particular interleaving)
 *   buf[CAP], head, tail       hf_evq_t.buf/head/tail, src/isr.c; the indices are free-running
 *                              modulo IDX (the C code's are modulo 2^32), head - tail = fill
 *   evq_push                   hf_evq_push(), src/isr.c:93-112: load tail (96), full -> dropped
 *                              + 1 (98) and hf__signal; else write the slot (105), publish head
 *                              (109), hf__signal
 *   dropped                    hf_evq_t.dropped (src/isr.c:98), read by hf_evq_take_dropped()
 *   evq_pop                    hf_evq_pop(), src/isr.c:114-123: load head, read the slot (120),
 *                              publish tail (121)
 *   flag                       hf_flag_t.set: hf_flag_set() (isr.c:36) stores 1 then signals;
 *                              hf_flag_take() (isr.c:41) is an exchange with 0
 *   g_signal, hf__signal       src/loop.c:43-49: store g_signal = 1, then hf_port_wake()
 *   wake_pending, sleeping,    ports/posix/port_posix.c:258-284: hf_port_wake() stores
 *   pipe                       wake_pending = 1 (276), then reads sleeping (277) and writes a
 *                              byte into the wake pipe (280) if the loop sleeps; `pipe` is "the
 *                              wake pipe is readable"
 *   loop: take_signal          src/loop.c:412-418 (a load, then a store of 0: two steps)
 *   loop: poll                 src/loop.c:430-434: signalled or progress -> wait_all_to_ready(),
 *                              the waiting consumer task runs once (its HF_AWAIT_UNTIL re-checks)
 *   consumer_step              the task of tests/stress/test_concurrency.c: reads "producers
 *                              done", takes the flag, drains the queue; a step that did work sets
 *                              progress (run_step, src/loop.c:365-369)
 *   loop: re-check             src/loop.c:449: progress or g_signal -> round again, no sleep
 *   port_sleep                 hf_port_sleep(), port_posix.c:335-344: exchange(wake_pending, 0)
 *                              -> return at once; then hf__posix_poll(), port_posix.c:347-363:
 *                              store sleeping = 1 (350), exchange(wake_pending, 0) (351), block
 *                              in ppoll() on the pipe (355) unless a wake was pending, then
 *                              sleeping = 0, wake_pending = 0, drain the pipe (360-362).
 *                              The loop's time-out is not modelled: a sleep ends only by the
 *                              pipe, so a lost wake-up is a sleep that never ends.
 *
 * All atomics are sequentially consistent in the model. In the C code the handshake variables
 * (g_signal, wake_pending, sleeping) are seq_cst; the ring uses acquire/release, whose only job
 * is to order the slot's contents before the index that publishes it, as the model's steps do.
 *
 * Properties:
 *   - safety assertions: every popped value is one the producer pushed, in FIFO order and
 *     never twice (values strictly increase); when the loop stops, every posted event was
 *     consumed or counted as dropped (posted = consumed + dropped) and no flag set is left
 *     untaken;
 *   - no lost wake-up: the loop stops only after it has seen the producer's final signal, so an
 *     execution in which the loop sleeps forever with work pending ends in a state where the
 *     loop is blocked outside an end state: spin reports it as an invalid end state;
 *     the LTL property `stops` (with weak fairness) says the same as a liveness property.
 *
 * Built with -DBROKEN, the sleeper does not re-check wake_pending after announcing itself
 * (the second half of the Dekker handshake, port_posix.c:351); with -DBROKEN_WAKER, the waker
 * reads `sleeping` before it stores wake_pending (the order of port_posix.c:276-277 reversed).
 * In both spin must find the lost wake-up. Removing instead the loop's re-check (loop.c:449) or
 * the early exchange (port_posix.c:336) leaves the model correct: they save a system call,
 * while the two ordered pairs of the Dekker handshake are what no wake-up can slip between.
 *
 * Run: ctest -L model (tests/model/check_model.py), or by hand:
 *   spin -a tests/model/handoff.pml && cc -O2 -DSAFETY -DNOCLAIM -o pan pan.c && ./pan -m2000000
 *   (the LTL property: cc -O2 -o pan pan.c && ./pan -a -f -m2000000)
 */

#ifndef CAP
#define CAP 2 /* ring capacity: small, so that it fills and drops */
#endif
#ifndef N
#define N 6 /* events the producer posts */
#endif
#define IDX (2 * CAP) /* the indices count modulo IDX (a multiple of CAP above it): they wrap */

byte buf[CAP];
byte head, tail;
byte dropped;
bit flag;
bit g_signal;
bit wake_pending, sleeping, pipe;
bit producers_done;

/* observers */
byte consumed, last_popped, flags_taken;
bit stopped;

inline hf__signal() {
    g_signal = 1; /* loop.c:47 */
#ifdef BROKEN_WAKER
    if
    :: sleeping -> pipe = 1
    :: else -> skip
    fi;
    wake_pending = 1
#else
    wake_pending = 1; /* port_posix.c:276 */
    if                /* port_posix.c:277-281 */
    :: sleeping -> pipe = 1
    :: else -> skip
    fi
#endif
}

inline evq_push(v) {
    byte h, t;
    h = head;
    t = tail; /* isr.c:95, acquire */
    if
    :: (h - t + IDX) % IDX >= CAP -> /* isr.c:96 */
        dropped++;
    :: else ->
        buf[h % CAP] = v;         /* isr.c:104-108 */
        head = (h + 1) % IDX      /* isr.c:109, release */
    fi;
    hf__signal()
}

proctype isr() {
    byte seq = 1;
    do
    :: seq <= N ->
        evq_push(seq);
        flag = 1; /* hf_flag_set(): isr.c:37 */
        hf__signal();
        seq++
    :: else -> break
    od;
    /* the producers' last act in the stress test: done, then a signal */
    producers_done = 1;
    hf__signal()
}

/* One step of the consumer task; sets `worked` when it did something. */
inline consumer_step(worked) {
    bit done_seen;
    byte h2, v;
    done_seen = producers_done;
    worked = 0;
    if
    :: flag -> flag = 0; flags_taken++; worked = 1 /* hf_flag_take(): an exchange */
    :: else -> skip
    fi;
    do
    :: h2 = head; /* isr.c:116, acquire */
        if
        :: h2 == tail -> break
        :: else ->
            v = buf[tail % CAP]; /* isr.c:120 */
            assert(v >= 1 && v <= N);
            assert(consumed == 0 || v > last_popped); /* FIFO, never twice */
            last_popped = v;
            consumed++;
            tail = (tail + 1) % IDX; /* isr.c:121, release */
            worked = 1
        fi
    od;
    if
    :: done_seen ->
        /* everything was pushed before `done`: all of it has been seen now */
        assert(consumed + dropped == N);
        assert(flag == 0);
        stopped = 1 /* hf_loop_stop() */
    :: else -> skip
    fi
}

inline port_sleep() {
    bit was;
    atomic { was = wake_pending; wake_pending = 0 } /* port_posix.c:336 */
    if
    :: was -> skip
    :: else ->
        sleeping = 1; /* port_posix.c:350 */
#ifndef BROKEN
        atomic { was = wake_pending; wake_pending = 0 } /* port_posix.c:351 */
#endif
        if
        :: was -> skip
        :: else -> (pipe == 1) /* ppoll(), port_posix.c:355: blocks until the pipe is readable */
        fi;
        sleeping = 0;     /* port_posix.c:360 */
        wake_pending = 0; /* port_posix.c:361 */
        pipe = 0          /* port_posix.c:362 */
    fi
}

proctype loop() {
    bit signalled, progress, worked;
    do
    :: stopped -> break /* loop.c:423-426 */
    :: else ->
        /* take_signal(), loop.c:412-418 */
        if
        :: g_signal -> g_signal = 0; signalled = 1
        :: else -> signalled = 0
        fi;
        if
        :: signalled || progress -> /* loop.c:431-434, and the ready task runs */
            progress = 0;
            consumer_step(worked);
            progress = worked
        :: else ->
            if
            :: progress || g_signal -> skip /* loop.c:449: the re-check before sleeping */
            :: else -> port_sleep()
            fi
        fi
    od
}

init {
    atomic {
        run isr();
        run loop()
    }
}

ltl stops { <> stopped }
