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
 *   evq_push                   hf_evq_push(), src/isr.c: load tail, full -> dropped + 1 and a
 *                              post; else write the slot, publish head, post
 *   dropped                    hf_evq_t.dropped, read by hf_evq_take_dropped()
 *   evq_pop                    hf_evq_pop(), src/isr.c: load head, read the slot, publish tail
 *   flag                       hf_flag_t.set: hf_flag_set() stores 1, then posts;
 *                              hf_flag_take() is a load, then an exchange with 0 when it was set
 *   registered                 the objects' waiter fields hold the consumer task's node:
 *                              hf__park_on(), src/loop.c, stores it, then a seq_cst fence, before
 *                              the task's first look at the objects
 *   post, marked, polled       hf__post() + hf__ready_mark(), src/isr.c: after the data store a
 *                              seq_cst fence, load the waiter; mark its node (marked), or the
 *                              poll node when no task is registered (polled), then
 *                              hf_port_wake(); a node already marked is left as it is, without
 *                              a wake-up (its poster woke the loop)
 *   wake_pending, sleeping,    ports/posix/port_posix.c, hf_port_wake(): store wake_pending = 1,
 *   pipe                       then read sleeping and write a byte into the wake pipe if the
 *                              loop sleeps; `pipe` is "the wake pipe is readable"
 *   loop: take                 take_marked(), src/loop.c: the loop takes the ready set, unmarks
 *                              each node (store NULL, seq_cst fence), then queues its task; a
 *                              taken poll node re-checks the polled waiters (none here)
 *   consumer_step              the task awaiting the objects (a parked task: it runs only when
 *                              marked): registers, reads "producers done", takes the flag,
 *                              drains the queue
 *   loop: sleep                loop_run(), src/loop.c: with no task ready, the loop sleeps
 *                              without a last look at the ready set (a post since its look at
 *                              the top has stored wake_pending, which ends the sleep at once)
 *   port_sleep                 hf_port_sleep(), port_posix.c: exchange(wake_pending, 0) ->
 *                              return at once; then (via hf__posix_real_sleep(),
 *                              ports/posix/board.c) hf__posix_poll(): store sleeping = 1,
 *                              exchange(wake_pending, 0), block in ppoll() on the pipe unless a
 *                              wake was pending, then sleeping = 0, wake_pending = 0, drain the
 *                              pipe.
 *                              The loop's time-out is not modelled: a sleep ends only by the
 *                              pipe, so a lost wake-up is a sleep that never ends.
 *
 * All atomics are sequentially consistent in the model. In the C code the handshake variables
 * (L.signal, wake_pending, sleeping) are seq_cst; the ring uses acquire/release, whose only job
 * is to order the slot's contents before the index that publishes it, as the model's steps do;
 * the post's waiter load and the unmark are fenced (seq_cst) as the model's steps are ordered.
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
 * (the second half of the Dekker handshake in hf__posix_poll()); with -DBROKEN_WAKER, the waker
 * reads `sleeping` before it stores wake_pending (hf_port_wake()'s order reversed); with
 * -DBROKEN_MARK, a post marks the task before it publishes its data (as HF_TEST_BROKEN_MARK_EARLY
 * builds hf_flag_set()): the task can run, find nothing, park, and the data then arrives with
 * no mark left. In all three spin must find the lost wake-up. The loop takes no last look at
 * the ready set before it sleeps, and removing the early exchange in hf_port_sleep() leaves
 * the model correct too: such looks save a system call, while the ordered pairs of the Dekker
 * handshakes are what no wake-up can slip between.
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
bit registered, marked, polled;
bit wake_pending, sleeping, pipe;
bit producers_done;

/* observers */
byte consumed, last_popped, flags_taken;
bit stopped;

inline port_wake() {
#ifdef BROKEN_WAKER
    if
    :: sleeping -> pipe = 1
    :: else -> skip
    fi;
    wake_pending = 1
#else
    wake_pending = 1; /* hf_port_wake(): the store */
    if                /* then the load of sleeping, and the pipe */
    :: sleeping -> pipe = 1
    :: else -> skip
    fi
#endif
}

/* hf__post(): the waiter is loaded after the data was stored (fence), and its node is marked */
inline post() {
    if
    :: registered ->
        if
        :: marked -> skip /* already marked: its poster woke the loop */
        :: else -> marked = 1; port_wake()
        fi
    :: else ->
        if
        :: polled -> skip
        :: else -> polled = 1; port_wake()
        fi
    fi
}

inline evq_push(v) {
    byte h, t;
    h = head;
    t = tail; /* acquire */
    if
    :: (h - t + IDX) % IDX >= CAP ->
        dropped++;
    :: else ->
        buf[h % CAP] = v;         /* the slot */
        head = (h + 1) % IDX      /* release */
    fi;
    post()
}

inline flag_set() {
#ifdef BROKEN_MARK
    post();
    flag = 1
#else
    flag = 1; /* hf_flag_set(): the store, then the post */
    post()
#endif
}

proctype isr() {
    byte seq = 1;
    do
    :: seq <= N ->
        evq_push(seq);
        flag_set();
        seq++
    :: else -> break
    od;
    /* the producers' last act in the stress test: done, then a post (of another flag) */
#ifdef BROKEN_MARK
    post();
    producers_done = 1
#else
    producers_done = 1;
    post()
#endif
}

/* One step of the consumer task; it registers as the objects' waiter (hf__park_on) before its
 * first look at them. */
inline consumer_step() {
    bit done_seen;
    byte h2, v;
    registered = 1;
    done_seen = producers_done;
    if
    :: flag -> flag = 0; flags_taken++ /* hf_flag_take(): a load, an exchange */
    :: else -> skip
    fi;
    do
    :: h2 = head; /* acquire */
        if
        :: h2 == tail -> break
        :: else ->
            v = buf[tail % CAP];
            assert(v >= 1 && v <= N);
            assert(consumed == 0 || v > last_popped); /* FIFO, never twice */
            last_popped = v;
            consumed++;
            tail = (tail + 1) % IDX /* release */
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
    atomic { was = wake_pending; wake_pending = 0 } /* hf_port_sleep(): the early exchange */
    if
    :: was -> skip
    :: else ->
        sleeping = 1; /* hf__posix_poll(): announce */
#ifndef BROKEN
        atomic { was = wake_pending; wake_pending = 0 } /* and look again */
#endif
        if
        :: was -> skip
        :: else -> (pipe == 1) /* ppoll(): blocks until the pipe is readable */
        fi;
        sleeping = 0;
        wake_pending = 0;
        pipe = 0 /* drain */
    fi
}

proctype loop() {
    bit ready = 1; /* hf_task_start(): the consumer's first step is queued */
    do
    :: stopped -> break /* hf_loop_stop() */
    :: else ->
        /* take_marked(): unmark, then queue the task; the poll node has no polled waiter */
        if
        :: marked -> marked = 0; ready = 1
        :: else -> skip
        fi;
        polled = 0;
        if
        :: ready -> /* the round: the ready task runs */
            ready = 0;
            consumer_step()
        :: else -> port_sleep() /* no last look at the ready set: the handshake covers it */
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
