/* The display board: numbers being called with their windows, the last calls, waiting per queue. */
"use strict";
(function () {
  var NEW_CALL_MS = 8000, seen = {}, first = true, skew = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function render(state) {
    var board = state.board || {};
    board = {calling: board.calling || [], waiting: board.waiting || {}, recent: board.recent || []};
    skew = Date.parse(state.now) - Date.now();
    document.getElementById("stop").textContent = state.stop ? "·" + state.stop : "";
    document.getElementById("closed").hidden = state.trip_open || !state.live;
    var calls = document.getElementById("calls"), fresh = false;
    calls.textContent = "";
    board.calling.slice(0, 6).forEach(function (call) {
      var key = call.number + "@" + call.at, item = el("li", "call");
      if (!seen[key]) { seen[key] = Date.now(); fresh = fresh || !first; }
      item.dataset.key = key;
      if (Date.now() - seen[key] < NEW_CALL_MS && !first) { item.className += " new"; }
      item.appendChild(el("span", "number", call.number));
      item.appendChild(el("span", "window", "请到 " + call.window + " 号窗口"));
      calls.appendChild(item);
    });
    document.getElementById("nocall").hidden = board.calling.length > 0;
    var recent = document.getElementById("recent");
    recent.textContent = "";
    board.recent.forEach(function (call) {
      var item = el("li");
      item.appendChild(el("span", "number", call.number));
      item.appendChild(el("span", "window", call.window + "号窗口"));
      recent.appendChild(item);
    });
    var waiting = document.getElementById("waiting");
    waiting.textContent = "";
    Object.keys(state.categories).sort().forEach(function (letter) {
      if (!(letter in board.waiting)) { return; }
      var item = el("li");
      item.appendChild(el("span", "letter", letter));
      item.appendChild(el("span", "name", state.categories[letter]));
      item.appendChild(el("span", "count", board.waiting[letter] + "人"));
      waiting.appendChild(item);
    });
    if (!waiting.children.length) { waiting.appendChild(el("li", "quiet", "暂无等候")); }
    document.body.classList.toggle("stale", !state.live);
    document.getElementById("offline").hidden = state.live;
    if (fresh) { chime(); }
    first = false;
  }
  function tick() {
    var now = new Date(Date.now() + skew);
    document.getElementById("clock").textContent = now.toLocaleTimeString("zh-CN", {hour12: false, timeZone: "Asia/Shanghai"});
  }
  follow("/events", "board", "/api/board/state", render, function (up) {
    document.body.classList.toggle("stale", !up);
    document.getElementById("offline").hidden = up;
  });
  tick();
  setInterval(tick, 1000);
  setInterval(function () {
    document.querySelectorAll(".call.new").forEach(function (node) {
      if (Date.now() - seen[node.dataset.key] > NEW_CALL_MS) { node.classList.remove("new"); }
    });
  }, 1000);
})();
