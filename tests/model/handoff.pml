/*
 * README: a Promela model of the ISR -> loop handoff, checked with spin.
 *
 * What it models, and where each step is in the C code (line numbers refer to the current code;
 * the function names are the stable reference):
 *
 *   model                      C
 *   -------------------------  -----------------------------------------------------------------
 *   proctype isr               any producer: a signal handler on the loop's thread or another
 *                              thread; an interleaving of two processes covers both (a handler
 *                              that runs to completion is one particular interleaving)
 *   buf[CAP], head, tail       hf_evq_t.buf/head/tail, src/isr.c; the indices are free-running
 *                              modulo IDX (the C code's are modulo 2^32), head - tail = fill
 *   evq_push                   hf_evq_push(), src/isr.c:94-113: load tail (96), full (97) ->
 *                              dropped + 1 (99-101) and hf__signal (102); else write the slot
 *                              (105-109), publish head (110), hf__signal (111)
 *   dropped                    hf_evq_t.dropped (src/isr.c:99-101), read by hf_evq_take_dropped()
 *                              (src/isr.c:140-145)
 *   evq_pop                    hf_evq_pop(), src/isr.c:115-124: load head (117), read the slot
 *                              (121), publish tail (122)
 *   flag                       hf_flag_t.set: hf_flag_set() (isr.c:37-40) stores 1 (38) then
 *                              signals (39); hf_flag_take() (isr.c:42-48) is a load (44), then
 *                              an exchange with 0 (47) when it was set
 *   g_signal, hf__signal       L.signal and hf__signal(), src/loop.c:50-53: store L.signal = 1
 *                              (51), then hf_port_wake() (52)
 *   wake_pending, sleeping,    ports/posix/port_posix.c:307-316: hf_port_wake() stores
 *   pipe                       wake_pending = 1 (308), then reads sleeping (309) and writes a
 *                              byte into the wake pipe (312) if the loop sleeps; `pipe` is "the
 *                              wake pipe is readable"
 *   loop: take_signal          take_signal(), src/loop.c:374-380 (a load (375), then a store of
 *                              0 (378): two steps)
 *   loop: poll                 loop_run(), src/loop.c:396-399: signalled or L.progress ->
 *                              wait_all_to_ready(), the waiting consumer task runs once
 *                              (src/loop.c:407-415; its HF_AWAIT_UNTIL re-checks)
 *   consumer_step              the task of tests/stress/test_concurrency.c: reads "producers
 *                              done", takes the flag, drains the queue; a step that did work sets
 *                              progress (run_step, src/loop.c:329-333: every result but
 *                              HF__WAIT_IDLE sets L.progress)
 *   loop: re-check             src/loop.c:416-418: L.progress or L.signal -> round again, no sleep
 *   port_sleep                 hf_port_sleep(), port_posix.c:400-409: exchange(wake_pending, 0)
 *                              (401) -> return at once; then (via hf__posix_real_sleep(),
 *                              ports/posix/board.c:161-181) hf__posix_poll(), port_posix.c:415-440:
 *                              store sleeping = 1 (419), exchange(wake_pending, 0) (420), block
 *                              in ppoll() on the pipe (425) unless a wake was pending, then
 *                              sleeping = 0 (434), wake_pending = 0 (435), drain the pipe
 *                              (436-438).
 *                              The loop's time-out is not modelled: a sleep ends only by the
 *                              pipe, so a lost wake-up is a sleep that never ends.
 *
 * All atomics are sequentially consistent in the model. In the C code the handshake variables
 * (L.signal, wake_pending, sleeping) are seq_cst; the ring uses acquire/release, whose only job
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
 * (the second half of the Dekker handshake, port_posix.c:420); with -DBROKEN_WAKER, the waker
 * reads `sleeping` before it stores wake_pending (the order of port_posix.c:308-309 reversed).
 * In both spin must find the lost wake-up. Removing instead the loop's re-check (loop.c:416) or
 * the early exchange (port_posix.c:401) leaves the model correct: they save a system call,
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
    g_signal = 1; /* L.signal = 1, loop.c:51 */
#ifdef BROKEN_WAKER
    if
    :: sleeping -> pipe = 1
    :: else -> skip
    fi;
    wake_pending = 1
#else
    wake_pending = 1; /* port_posix.c:308 */
    if                /* port_posix.c:309-315 */
    :: sleeping -> pipe = 1
    :: else -> skip
    fi
#endif
}

inline evq_push(v) {
    byte h, t;
    h = head;
    t = tail; /* isr.c:96, acquire */
    if
    :: (h - t + IDX) % IDX >= CAP -> /* isr.c:97 */
        dropped++;
    :: else ->
        buf[h % CAP] = v;         /* isr.c:105-109 */
        head = (h + 1) % IDX      /* isr.c:110, release */
    fi;
    hf__signal()
}

proctype isr() {
    byte seq = 1;
    do
    :: seq <= N ->
        evq_push(seq);
        flag = 1; /* hf_flag_set(): isr.c:38 */
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
    :: flag -> flag = 0; flags_taken++; worked = 1 /* hf_flag_take(): a load, an exchange */
    :: else -> skip
    fi;
    do
    :: h2 = head; /* isr.c:117, acquire */
        if
        :: h2 == tail -> break
        :: else ->
            v = buf[tail % CAP]; /* isr.c:121 */
            assert(v >= 1 && v <= N);
            assert(consumed == 0 || v > last_popped); /* FIFO, never twice */
            last_popped = v;
            consumed++;
            tail = (tail + 1) % IDX; /* isr.c:122, release */
            worked = 1
        fi
    od;
    if
    :: done_seen ->
        /* everything was pushed before `done`: all of it has been seen now */
        assert(consumed + dropped == N);
        assert(flag == 0);
        stopped = 1 /* hf_loop_stop(), loop.c:293-296 */
    :: else -> skip
    fi
}

inline port_sleep() {
    bit was;
    atomic { was = wake_pending; wake_pending = 0 } /* port_posix.c:401 */
    if
    :: was -> skip
    :: else ->
        sleeping = 1; /* port_posix.c:419 */
#ifndef BROKEN
        atomic { was = wake_pending; wake_pending = 0 } /* port_posix.c:420 */
#endif
        if
        :: was -> skip
        :: else -> (pipe == 1) /* ppoll(), port_posix.c:425: blocks until the pipe is readable */
        fi;
        sleeping = 0;     /* port_posix.c:434 */
        wake_pending = 0; /* port_posix.c:435 */
        pipe = 0          /* port_posix.c:436-438 */
    fi
}

proctype loop() {
    bit signalled, progress, worked;
    do
    :: stopped -> break /* L.stop, loop.c:388-391 */
    :: else ->
        /* take_signal(), loop.c:374-380 */
        if
        :: g_signal -> g_signal = 0; signalled = 1
        :: else -> signalled = 0
        fi;
        if
        :: signalled || progress -> /* loop.c:396-399, and the ready task runs (407-415) */
            progress = 0;
            consumer_step(worked);
            progress = worked
        :: else ->
            if
            :: progress || g_signal -> skip /* loop.c:416: the re-check before sleeping */
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
