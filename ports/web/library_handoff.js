// The web board's imports (port_web.c), linked with emcc --js-library. Each module instance runs
// one program; Module.hf is the page's controller of that run (page/handoff.js, class Run).
mergeInto(LibraryManager.library, {
  // The loop's sleep: asynchronous (ASYNCIFY_IMPORTS). The controller's promise resolves with the
  // virtual time reached; wakeUp runs from a promise reaction, never synchronously.
  hf_web_wait: function (nowUs, targetUs) {
    return Asyncify.handleSleep(function (wakeUp) {
      Module.hf.wait(nowUs, targetUs).then(function (reached) {
        wakeUp(reached);
      });
    });
  },
  // The run is over: the stack stays unwound for good and the page drops the instance.
  hf_web_halt: function () {
    return Asyncify.handleSleep(function () {});
  },
  hf_web_next_input: function (pinPtr, levelPtr) {
    var e = Module.hf.nextInput();
    if (!e) return 0;
    HEAP32[pinPtr >> 2] = e[0];
    HEAP32[levelPtr >> 2] = e[1];
    return 1;
  },
  hf_web_line: function (tUs, ptr, len, isLog) {
    Module.hf.line(tUs, UTF8ToString(ptr, len), isLog !== 0);
  },
  hf_web_pin: function (tUs, pin, level, isOutput) {
    Module.hf.pin(tUs, pin, level, isOutput !== 0);
  },
  hf_web_show: function (ptr) {
    Module.hf.show(UTF8ToString(ptr));
  },
  hf_web_scenario__deps: ['malloc'],
  hf_web_scenario: function () {
    var s = Module.hf.scenario;
    if (s === null || s === undefined) return 0;
    var n = lengthBytesUTF8(s) + 1;
    var p = _malloc(n);
    stringToUTF8(s, p, n);
    return p;
  },
  hf_web_end: function (errPtr) {
    Module.hf.end(errPtr ? UTF8ToString(errPtr) : null);
  },
});
