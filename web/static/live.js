/* Following a live feed: server-sent events, with polling when they cannot be had.
   follow(streamUrl, eventName, pollUrl, onData, onLine): onData(object) for each new state,
   onLine(true|false) when the line to the server comes or goes. The server sends a "ping"
   at least every 5 s, so silence for STALE_MS means the line is dead even if no error said so. */
"use strict";
var STALE_MS = 15000, POLL_MS = 5000, GIVE_UP_SSE = 3;

function follow(streamUrl, eventName, pollUrl, onData, onLine) {
  var heard = 0, up = null, failures = 0, opened = false, polling = false, source = null;

  function line(now) {
    if (now !== up) { up = now; onLine(now); }
  }
  function alive() { heard = Date.now(); line(true); }
  function got(text) {
    alive();
    try { onData(JSON.parse(text)); } catch (e) { /* a bad message is skipped, the next one counts */ }
  }
  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", pollUrl);
    request.timeout = POLL_MS;
    request.onload = function () {
      if (request.status === 200) { got(request.responseText); } else { line(false); }
      if (request.status === 404 || request.status === 410) { location.reload(); }
    };
    request.onerror = request.ontimeout = function () { line(false); };
    request.send();
  }
  function startPolling() {
    if (polling) { return; }
    polling = true;
    if (source) { source.close(); }
    poll();
    setInterval(poll, POLL_MS);
  }
  if (!window.EventSource) {
    startPolling();
  } else {
    source = new EventSource(streamUrl);
    source.addEventListener(eventName, function (event) { got(event.data); });
    source.addEventListener("ping", alive);
    source.onopen = function () { opened = true; failures = 0; };
    source.onerror = function () {
      line(false);
      failures += 1;
      /* Never opened after a few tries (a proxy that buffers, an old browser): poll instead. */
      if (!opened && failures >= GIVE_UP_SSE) { startPolling(); }
    };
  }
  setInterval(function () { if (Date.now() - heard > STALE_MS) { line(false); } }, 1000);
}

/* A short two-note chime made in the page: no sound file to download. */
var audioContext = null;
function chime() {
  var Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) { return false; }
  if (!audioContext) { audioContext = new Context(); }
  if (audioContext.state === "suspended") { audioContext.resume(); }
  [[659.25, 0], [523.25, 0.45]].forEach(function (note) {
    var oscillator = audioContext.createOscillator(), gain = audioContext.createGain();
    var start = audioContext.currentTime + note[1];
    oscillator.frequency.value = note[0];
    gain.gain.setValueAtTime(0.4, start);
    gain.gain.exponentialRampToValueAtTime(0.001, start + 0.9);
    oscillator.connect(gain).connect(audioContext.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.9);
  });
  return audioContext.state === "running";
}
