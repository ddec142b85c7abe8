// The JavaScript half of the browser platform (linked with --pre-js, so it lives inside the module's
// factory, one per instance). browser_platform.cpp and worker_pool.cpp reach it through EM_JS.
//
//  - idle(ms): the Promise the loop's idle wait suspends on (Asyncify). It resolves after `ms` (setTimeout
//    for the bulk, set short by how late timers have fired lately, 3 ms at least; shorter waits and the
//    rest spin on "resume now" posts, since nested timeouts are clamped to 4 ms), or at once when a
//    worker reports or wake() is called. ms < 0: only then. The loop spins the last millisecond itself.
//  - yieldNow(): one turn of the page's event loop, through a MessageChannel post.
//  - Workers: Module.aioSpawnWorker() (given by the page, web/src/engine) makes a Web Worker running
//    this same module; pools are sets of slots, each slot holds one worker running one job at a time.
//    Workers report by postMessage; the reports wait in `events` until the loop pulls them
//    (worker_pool.cpp: deliver_events). warm(n) keeps n spare workers booted ahead of any job (the page
//    calls it after its first paint); a slot takes a booted spare first and a new one is started to
//    replace it, so a pool (a limit on concurrency) never waits for a worker to boot when one could have
//    been ready. Idle workers of closed pools go back to the spares; busy ones are terminated.
//  - stats: counters the tests read (messages received from workers, workers started and died, jobs
//    posted, and jobs that had to wait for their worker to boot);
//    loop: the longest stretch compiled code ran during runs without giving the page a turn.
var AioHost = (function () {
  var STARTED = 1, DONE = 2, DIED = 3;
  var isNode = typeof process == 'object' && !!(process.versions && process.versions.node) &&
      typeof window == 'undefined' && typeof WorkerGlobalScope == 'undefined';
  var H = {
    events: [],
    resume: null,
    slots: {},
    spare: [],
    maxSpare: 8,
    stats: { messages: 0, spawned: 0, died: 0, jobs: 0, waitedForBoot: 0 },
    warmTarget: 0,
    warmWaiters: [],
  };

  // "Resume now" without the nested-setTimeout clamp. Node (the test suite) uses setImmediate: a
  // MessagePort there would keep the process alive after the tests.
  var pending = [];
  var channel = null;
  function soon(fn) {
    if (isNode || typeof MessageChannel != 'function') {
      (typeof setImmediate == 'function' ? setImmediate : setTimeout)(fn);
      return;
    }
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = function () {
        var f = pending.shift();
        if (f) f();
      };
    }
    pending.push(fn);
    channel.port2.postMessage(0);
  }
  H.soon = soon;

  // How long compiled code ran at most without giving the page a turn (a run's "stretches").
  H.loop = { longest: 0, stretches: 0 };
  var resumedAt = 0;
  H.runStarted = function () { resumedAt = performance.now(); };
  // Whether compiled code now runs as part of a run the page awaits (ccall with async: true, between
  // runStarted and runEnded), which may therefore suspend: the virtual clock gives the page turns only
  // then, never inside a synchronous call (the benchmark's).
  H.mayYield = function () { return resumedAt !== 0; };
  H.runEnded = function () {
    if (!resumedAt) return;
    var d = performance.now() - resumedAt;
    if (d > H.loop.longest) H.loop.longest = d;
    H.loop.stretches++;
    resumedAt = 0;
  };

  // How late setTimeout has fired lately (ms): a decaying maximum.
  var late = 2;
  H.timerLate = late;

  H.idle = function (ms) {
    H.runEnded();
    return new Promise(function (resolve) {
      var timer = 0, fired = false;
      function fire() {
        if (fired) return;
        fired = true;
        if (timer) clearTimeout(timer);
        if (H.resume === fire) H.resume = null;
        H.runStarted();
        resolve();
      }
      H.resume = fire;
      // The timer is set short by how late timers have fired lately (3 ms at least; more on a loaded
      // machine) and the rest spins on posts: a late timer would show in short scaled runs. Nested
      // timeouts are clamped to 4 ms, so shorter waits only spin.
      var lead = Math.min(20, Math.max(3, Math.ceil(late) + 1));
      if (H.events.length) soon(fire);
      else if (ms >= lead + 4) {
        var delay = Math.floor(ms) - lead;
        var due = performance.now() + delay;
        timer = setTimeout(function () {
          var by = performance.now() - due;
          late = by > late ? by : late * 0.9 + by * 0.1;
          H.timerLate = late;
          fire();
        }, delay);
      } else if (ms >= 0) soon(fire);
    });
  };

  H.yieldNow = function () {
    H.runEnded();
    return new Promise(function (resolve) {
      soon(function () {
        H.runStarted();
        resolve();
      });
    });
  };

  // From compiled code (a stop request): resume the idle wait once the stack is empty.
  H.wake = function () {
    var r = H.resume;
    if (r) soon(r);
  };

  function push(e) {
    H.events.push(e);
    var r = H.resume;
    if (r) r();  // called from a message handler: no compiled code is on the stack
  }

  H.canSpawn = function () { return typeof Module['aioSpawnWorker'] == 'function'; };

  function spawn() {
    var w = Module['aioSpawnWorker']();
    var entry = { worker: w, job: null, dead: false, booted: false };
    H.stats.spawned++;
    w.onmessage = function (ev) { onMessage(entry, ev.data); };
    w.onerror = function (ev) {
      if (ev && ev.preventDefault) ev.preventDefault();
      died(entry, 'the Web Worker running this job failed' + (ev && ev.message ? ': ' + ev.message : ''));
    };
    w.onmessageerror = function () { died(entry, 'the Web Worker sent a message that could not be read'); };
    return entry;
  }

  function onMessage(entry, m) {
    H.stats.messages++;
    if (entry.dead || !m) return;
    var j = entry.job;
    if (m.type === 'booted') {
      entry.booted = true;
      checkWarm();
    } else if (m.type === 'started') {
      if (j) push({ kind: STARTED, pool: j.pool, job: j.job, slot: j.slot });
    } else if (m.type === 'done') {
      entry.job = null;
      if (j) push({ kind: DONE, pool: j.pool, job: j.job, slot: j.slot, ok: !!m.ok, bytes: m.value, vs: m.vs });
      if (j && H.slots[j.pool] && H.slots[j.pool][j.slot] === entry) return;  // stays in its slot
      keepSpare(entry);
    } else if (m.type === 'died') {
      died(entry, 'the Web Worker running this job died: ' + m.message);
    }
  }

  function keepSpare(entry) {
    if (H.spare.length < Math.max(H.maxSpare, H.warmTarget)) H.spare.push(entry);
    else { entry.dead = true; entry.worker.terminate(); }
  }

  // Starts workers until `warmTarget` spares exist (booted or booting).
  function topUp() {
    if (!H.canSpawn()) return;
    while (H.spare.length < H.warmTarget) H.spare.push(spawn());
  }

  // Resolves the warm() promises once `warmTarget` spares have booted.
  function checkWarm() {
    var booted = 0;
    for (var k = 0; k < H.spare.length; k++) if (H.spare[k].booted) booted++;
    if (booted < H.warmTarget || !H.warmWaiters.length) return;
    var ws = H.warmWaiters;
    H.warmWaiters = [];
    ws.forEach(function (f) { f(); });
  }

  // Keeps n workers booted and spare from now on; resolves when they are (at once without workers).
  H.warm = function (n) {
    H.warmTarget = Math.max(H.warmTarget, n | 0);
    if (!H.canSpawn()) return Promise.resolve();
    topUp();
    return new Promise(function (resolve) {
      H.warmWaiters.push(resolve);
      checkWarm();
    });
  };

  // A spare for a slot: a booted one first, else the one that started booting first, else a new worker.
  function takeSpare() {
    var k = 0;
    while (k < H.spare.length && !H.spare[k].booted) k++;
    if (k === H.spare.length) k = 0;
    var entry = H.spare.length ? H.spare.splice(k, 1)[0] : spawn();
    if (!entry.booted) H.stats.waitedForBoot++;
    topUp();
    return entry;
  }

  // A worker that died: its job fails with `message`, its slot gets a new worker on the next job.
  function died(entry, message) {
    if (entry.dead) return;
    entry.dead = true;
    H.stats.died++;
    try { entry.worker.terminate(); } catch (e) {}
    var j = entry.job;
    entry.job = null;
    var i = H.spare.indexOf(entry);
    if (i >= 0) H.spare.splice(i, 1);  // not replaced here: a worker that cannot start would loop
    if (j) {
      if (H.slots[j.pool] && H.slots[j.pool][j.slot] === entry) H.slots[j.pool][j.slot] = null;
      push({ kind: DIED, pool: j.pool, job: j.job, slot: j.slot, ok: false, bytes: new TextEncoder().encode(message) });
    } else {
      for (var p in H.slots) {
        var s = H.slots[p];
        for (var k = 0; k < s.length; k++) if (s[k] === entry) s[k] = null;
      }
    }
  }

  H.postJob = function (pool, slot, job, invoke, fn, args, clock, scale) {
    var slots = H.slots[pool] || (H.slots[pool] = []);
    var entry = slots[slot];
    if (!entry) {
      entry = takeSpare();
      slots[slot] = entry;
    }
    entry.job = { pool: pool, slot: slot, job: job };
    H.stats.jobs++;
    entry.worker.postMessage({ type: 'job', invoke: invoke, fn: fn, args: args, clock: clock, scale: scale, worker: slot },
                             [args.buffer]);
  };

  // A pool shut down: idle workers become spares. A busy one is terminated: its result would be dropped
  // anyway (the executor has failed the job), and a blocking job would otherwise spin on for nothing.
  H.closePool = function (pool) {
    var slots = H.slots[pool];
    delete H.slots[pool];
    if (!slots) return;
    for (var k = 0; k < slots.length; k++) {
      var e = slots[k];
      if (!e || e.dead) continue;
      if (e.job) {
        e.dead = true;
        e.job = null;
        e.worker.terminate();
      } else {
        keepSpare(e);
      }
    }
  };

  // Tests: kills a worker that is running a job, as if the browser had terminated it.
  H.killBusyWorker = function () {
    for (var p in H.slots) {
      var s = H.slots[p];
      for (var k = 0; k < s.length; k++) {
        if (s[k] && s[k].job) {
          died(s[k], 'the Web Worker was terminated');
          return true;
        }
      }
    }
    return false;
  };

  // Terminates every worker (the engine is disposed of).
  H.terminateAll = function () {
    H.warmTarget = 0;
    for (var p in H.slots) H.closePool(p);
    H.spare.forEach(function (e) { e.dead = true; e.worker.terminate(); });
    H.spare = [];
  };

  return H;
})();
Module['aioHost'] = AioHost;
