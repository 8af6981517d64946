/* The display board: the newest call large, the other numbers being called, the last calls, waiting per queue. */
"use strict";
(function () {
  var NEW_CALL_MS = 8000, seen = {}, first = true, skew = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function fill(node, call, windowWords) {
    node.querySelector(".number").textContent = call.number;
    node.querySelector(".window").textContent = windowWords;
  }
  function render(state) {
    var board = state.board || {};
    board = {calling: board.calling || [], waiting: board.waiting || {}, recent: board.recent || []};
    skew = Date.parse(state.now) - Date.now();
    document.getElementById("stop").textContent = state.stop ? "·" + state.stop : "";
    document.getElementById("closed").hidden = state.trip_open;
    var fresh = false;
    board.calling.forEach(function (call) {
      var key = call.number + "@" + call.at;
      if (!seen[key]) { seen[key] = Date.now(); fresh = fresh || !first; }
    });
    /* The newest call (calling is newest first) is the large one; a recall brings a number back up. */
    var hero = document.getElementById("hero"), newest = board.calling[0];
    hero.hidden = !newest;
    document.getElementById("nocall").hidden = !!newest;
    if (newest) {
      fill(hero, newest, "请到 " + newest.window + " 号窗口");
      hero.dataset.key = newest.number + "@" + newest.at;
      hero.classList.toggle("new", !first && Date.now() - seen[hero.dataset.key] < NEW_CALL_MS);
    }
    var calls = document.getElementById("calls");
    calls.textContent = "";
    board.calling.slice(1, 5).forEach(function (call) {
      var item = el("li", "call");
      item.appendChild(el("span", "number", call.number));
      item.appendChild(el("span", "window", call.window + "号窗口"));
      calls.appendChild(item);
    });
    var recent = document.getElementById("recent");
    recent.textContent = "";
    board.recent.slice(0, 5).forEach(function (call) {
      var item = el("li");
      item.appendChild(el("span", "number", call.number));
      item.appendChild(el("span", "window", call.window + "号窗口"));
      recent.appendChild(item);
    });
    var waiting = document.getElementById("waiting");
    waiting.textContent = "";
    Object.keys(board.waiting).sort().forEach(function (letter) {
      var item = el("li");
      item.appendChild(el("span", "letter", letter));
      item.appendChild(el("span", "name", state.categories[letter] || ""));
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
    var hero = document.getElementById("hero");
    if (hero.classList.contains("new") && Date.now() - seen[hero.dataset.key] > NEW_CALL_MS) { hero.classList.remove("new"); }
  }, 1000);
})();
