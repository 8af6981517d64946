/* The five levels of 好差评, alike: none is chosen or highlighted until the person taps one. */
"use strict";
var LEVELS = [[5, "非常满意"], [4, "满意"], [3, "基本满意"], [2, "不满意"], [1, "非常不满意"]];

function ratingForm(send, onDone) {
  var levels = document.getElementById("levels"), comment = document.getElementById("comment");
  var button = document.getElementById("send"), note = document.getElementById("rate-note"), chosen = null;
  levels.textContent = "";
  LEVELS.forEach(function (level) {
    var choice = document.createElement("button");
    choice.type = "button";
    choice.className = "level";
    choice.dataset.score = level[0];
    choice.textContent = level[1];
    choice.onclick = function () {
      chosen = level[0];
      levels.querySelectorAll(".level").forEach(function (other) { other.classList.toggle("chosen", other === choice); });
      comment.hidden = chosen > 2;
      button.disabled = false;
      note.textContent = "";
    };
    levels.appendChild(choice);
  });
  button.onclick = function () {
    if (chosen === null) { return; }
    button.disabled = true;
    var request = new XMLHttpRequest();
    request.open("POST", send());
    request.setRequestHeader("Content-Type", "application/json");
    request.onload = function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (e) { /* the words below still say it */ }
      note.textContent = answer.message || (request.status === 200 ? "感谢您的评价" : "暂时无法提交，请稍后再试");
      button.disabled = request.status === 200;
      if (request.status === 200 && onDone) { onDone(note.textContent); }
    };
    request.onerror = function () { note.textContent = "网络中断，请稍后再试"; button.disabled = false; };
    request.send(JSON.stringify({score: chosen, comment: comment.hidden ? "" : comment.value,
                                 number: document.body.dataset.number || null}));
  };
  return function reset() {
    chosen = null;
    comment.value = "";
    comment.hidden = true;
    button.disabled = true;
    note.textContent = "";
    levels.querySelectorAll(".level").forEach(function (other) { other.classList.remove("chosen"); });
  };
}
